import ArgumentParser
import Foundation
import TaskSuite

struct BenchTasksCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tasks",
        abstract: "Environment steps per second for each task on one core, policy excluded.",
        discussion: """
            Random actions are drawn before timing starts; episodes reset at the horizon and the \
            resets are timed too. Reports the best of --repeats runs.
            """)

    @Option(help: "Environment steps per run.")
    var steps = 200_000

    @Option(help: "Runs per task; the fastest is reported.")
    var repeats = 3

    @Option(help: "Only this task (default: all).")
    var task: String?

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    struct Row: Codable {
        var task: String
        var stepsPerSecond: Double
        var microsecondsPerStep: Double
        var physicsStepsPerSecond: Double
        var substeps: Int
    }

    struct Report: Codable {
        var machine: BenchMachine
        var steps: Int
        var repeats: Int
        var tasks: [Row]
    }

    func validate() throws {
        guard steps > 0, repeats > 0 else { throw ValidationError("--steps and --repeats must be positive") }
    }

    func run() throws {
        let registry = try TaskRegistry.located()
        let ids = try task.map { [try registry.definition($0).id] } ?? registry.ids
        var rows: [Row] = []
        for id in ids {
            let env = try registry.makeEnvironment(id)
            var rng = SplitMix64(seed: 1)
            let actions = (0..<4096).map { _ in (0..<env.actionSpec.count).map { _ in rng.uniform(-1...1) } }
            var best = Double.infinity
            for r in 0..<repeats {
                _ = try env.reset(seed: UInt64(r))
                var episode = UInt64(r) << 32
                let seconds = try measure {
                    for i in 0..<steps {
                        let result = try env.step(actions[i & 4095])
                        if result.truncated || result.terminated {
                            episode += 1
                            _ = try env.reset(seed: episode)
                        }
                    }
                }
                best = min(best, seconds)
            }
            let substeps = env.definition.timing.substeps
            rows.append(Row(task: id, stepsPerSecond: Double(steps) / best, microsecondsPerStep: best / Double(steps) * 1e6,
                            physicsStepsPerSecond: Double(steps * substeps) / best, substeps: substeps))
        }
        let report = Report(machine: .current(), steps: steps, repeats: repeats, tasks: rows)
        if json { return try printJSON(report) }
        print(report.machine.summary)
        printTable(["task", "env steps/s", "µs/step", "substeps", "physics steps/s"], rows.map {
            [$0.task, String(format: "%.0f", $0.stepsPerSecond), String(format: "%.2f", $0.microsecondsPerStep),
             "\($0.substeps)", String(format: "%.0f", $0.physicsStepsPerSecond)]
        })
    }
}
