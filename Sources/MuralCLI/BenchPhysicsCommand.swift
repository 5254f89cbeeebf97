import ArgumentParser
import Benchmarks
import Foundation

struct BenchPhysicsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "physics",
        abstract: "Physics steps per second through Mural's wrapper and through direct ODE calls.",
        discussion: """
            Each reference scene is stepped three ways from the same snapshot, with the same actions:
              wrapper  World.step(): canonical contact order, per-world solver RNG, NaN and runaway
                       checks, exact-restore quaternion tracking;
              direct   the same work written as direct ODE calls (its final state must be bitwise
                       identical to the wrapper's, which the command checks);
              bare     plain ODE with none of those guarantees, for reference.
            overhead = wrapper time / direct time − 1, from interleaved trials in one run (best of each).
            """)

    @Option(help: "Physics steps per trial.")
    var steps = 4000

    @Option(help: "Trials per method; the best is reported.")
    var trials = 5

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    func validate() throws {
        guard steps > 0 else { throw ValidationError("--steps must be positive, got \(steps)") }
        guard trials > 0 else { throw ValidationError("--trials must be positive, got \(trials)") }
    }

    func run() throws {
        var benchmark = PhysicsBenchmark()
        (benchmark.steps, benchmark.trials) = (steps, trials)
        let report = try benchmark.run()
        if json { return try printJSON(report) }
        print("mural bench physics — \(report.machine.summary)")
        print("dt = \(report.timestep) s, \(report.solver), \(steps) steps × best of \(trials) trials\n")
        printTable(
            ["scene", "bodies", "contacts/step", "wrapper steps/s", "direct steps/s", "bare steps/s", "overhead", "bitwise = direct"],
            report.scenes.map {
                [$0.scene, "\($0.bodies)", String(format: "%.1f", $0.contactsPerStep),
                 String(format: "%.0f", $0.wrapperStepsPerSecond), String(format: "%.0f", $0.directStepsPerSecond),
                 String(format: "%.0f", $0.bareStepsPerSecond), String(format: "%+.1f%%", $0.overhead * 100),
                 $0.identicalToDirect ? "yes" : "NO"]
            })
    }
}
