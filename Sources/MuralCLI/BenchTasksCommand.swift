import ArgumentParser
import Foundation
import TaskSuite

struct BenchTasksCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tasks",
        abstract: "Environment steps per second for each task on one core, policy excluded.",
        discussion: """
            Actions are prepared before timing starts: uniform random ones, or (--actions expert) \
            the scripted expert's, recorded on 20 seeded episodes and replayed with the same \
            seeds, which reproduces the expert's contact-rich states without running the expert. \
            Episodes reset at the horizon and the resets are timed too. Reports the best of \
            --repeats runs, in thread CPU time (robust on a shared machine) and in wall time.
            """)

    @Option(help: "Environment steps per run.")
    var steps = 200_000

    @Option(help: "Runs per task; the fastest is reported.")
    var repeats = 3

    @Option(help: "Only this task (default: all).")
    var task: String?

    @Option(help: "random or expert (replayed expert actions).")
    var actions: PolicyKind = .random

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    struct Row: Codable {
        var task: String
        var actions: PolicyKind
        /// Environment steps per second of thread CPU time.
        var stepsPerSecond: Double
        var microsecondsPerStep: Double
        /// Environment steps per second of wall-clock time.
        var wallStepsPerSecond: Double
        var physicsStepsPerSecond: Double
        var substeps: Int
    }

    struct Report: Codable {
        var machine: BenchMachine
        var steps: Int
        var repeats: Int
        var loadAverage: Double?
        var tasks: [Row]
    }

    func validate() throws {
        guard steps > 0, repeats > 0 else { throw ValidationError("--steps and --repeats must be positive") }
    }

    func run() throws {
        let loadAverage = BenchNNCommand.loadAverage()
        let registry = try TaskRegistry.located()
        let ids = try task.map { [try registry.definition($0).id] } ?? registry.ids
        var rows: [Row] = []
        for id in ids {
            let env = try registry.makeEnvironment(id)
            let episodes = try Self.episodes(env, actions: actions)
            var best = (cpu: Double.infinity, wall: Double.infinity)
            for _ in 0..<repeats {
                var episode = 0, t = 0
                _ = try env.reset(seed: episodes[0].seed)
                let cpuStart = threadCPUSeconds()
                let wall = try measure {
                    for _ in 0..<steps {
                        let result = try env.step(episodes[episode].actions[t])
                        t += 1
                        if result.truncated || result.terminated {
                            episode = (episode + 1) % episodes.count
                            t = 0
                            _ = try env.reset(seed: episodes[episode].seed)
                        }
                    }
                }
                best = (min(best.cpu, threadCPUSeconds() - cpuStart), min(best.wall, wall))
            }
            let substeps = env.definition.timing.substeps
            rows.append(Row(task: id, actions: actions, stepsPerSecond: Double(steps) / best.cpu,
                            microsecondsPerStep: best.cpu / Double(steps) * 1e6,
                            wallStepsPerSecond: Double(steps) / best.wall,
                            physicsStepsPerSecond: Double(steps * substeps) / best.cpu, substeps: substeps))
        }
        let report = Report(machine: .current(), steps: steps, repeats: repeats, loadAverage: loadAverage, tasks: rows)
        if json { return try printJSON(report) }
        print(report.machine.summary)
        print("\(actions.rawValue) actions, best of \(repeats) runs of \(steps) steps; load average at start "
              + (loadAverage.map { String(format: "%.2f", $0) } ?? "unknown"))
        printTable(["task", "env steps/s (CPU)", "µs/step (CPU)", "env steps/s (wall)", "substeps", "physics steps/s (CPU)"],
                   rows.map {
            [$0.task, String(format: "%.0f", $0.stepsPerSecond), String(format: "%.2f", $0.microsecondsPerStep),
             String(format: "%.0f", $0.wallStepsPerSecond), "\($0.substeps)", String(format: "%.0f", $0.physicsStepsPerSecond)]
        })
    }

    /// Seeds and full-horizon action sequences of 20 episodes.
    static func episodes(_ env: TaskEnvironment, actions: PolicyKind) throws -> [(seed: UInt64, actions: [[Double]])] {
        try (0..<20).map { i in
            let seed = UInt64(i)
            var policy = Policy(actions, seed: 1000 + seed)
            _ = try env.reset(seed: seed)
            var recorded: [[Double]] = []
            for _ in 0..<env.horizon {
                let a = policy.action(for: env)
                recorded.append(a)
                // Stepping keeps the expert's state in line with the recording.
                _ = try env.step(a)
            }
            return (seed, recorded)
        }
    }

}

/// CPU time consumed by the calling thread, in seconds.
private func threadCPUSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
}
