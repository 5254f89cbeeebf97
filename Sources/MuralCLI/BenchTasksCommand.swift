import ArgumentParser
import Benchmarks
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

    func validate() throws {
        guard steps > 0, repeats > 0 else { throw ValidationError("--steps and --repeats must be positive") }
    }

    func run() throws {
        let registry = try TaskRegistry.located()
        var benchmark = TaskBenchmark(tasks: try task.map { [try registry.definition($0).id] } ?? registry.ids)
        (benchmark.steps, benchmark.repeats, benchmark.actions) = (steps, repeats, actions)
        let report = try benchmark.run(registry: registry)
        if json { return try printJSON(report) }
        print(report.machine.summary)
        print("\(actions.rawValue) actions, best of \(repeats) runs of \(steps) steps; load average at start "
              + (report.loadAverage.map { String(format: "%.2f", $0) } ?? "unknown"))
        printTable(["task", "env steps/s (CPU)", "µs/step (CPU)", "env steps/s (wall)", "substeps", "physics steps/s (CPU)"],
                   report.tasks.map {
            [$0.task, String(format: "%.0f", $0.stepsPerSecond), String(format: "%.2f", $0.microsecondsPerStep),
             String(format: "%.0f", $0.wallStepsPerSecond), "\($0.substeps)", String(format: "%.0f", $0.physicsStepsPerSecond)]
        })
    }
}
