import ArgumentParser
import Experiments
import Foundation
import TaskSuite

struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Evaluate a policy on a task, with 95 % confidence intervals.",
        discussion: """
            Reports success counted as any step successful, success on the final step (Wilson \
            intervals), the mean first-success step over successful episodes, and the mean return \
            (t intervals up to 30 samples, normal above). `--run RUN_DIR` evaluates the final policy \
            of a training run on its own task.
            """)

    @Option(help: "Task id (see `mural tasks`); taken from the run with --run.")
    var task: String?

    @Option(help: "expert, random, or a training run directory.")
    var policy: PolicyChoice = .reference(.expert)

    @Option(name: .customLong("run"), help: "A training run directory: evaluates its final policy on its task.")
    var runDirectory: String?

    @Option(help: "Number of episodes.")
    var episodes = 100

    @Option(parsing: .unconditional, help: "Seed of the episode and policy seeds (default 0).", transform: parseSeed)
    var seed: UInt64 = 0

    @Option(help: "Reward summed into the return: sparse (1 on success, else 0) or dense (the oracle distance reward).")
    var reward: RewardKind = .successIndicator

    @Flag(help: "Print JSON instead of text.")
    var json = false

    func validate() throws {
        guard episodes > 0 else { throw ValidationError("--episodes must be positive") }
        guard (task == nil) != (runDirectory == nil) else { throw ValidationError("give exactly one of --task and --run") }
    }

    func run() throws {
        let (task, policy) = try resolved()
        let env = try TaskRegistry.located().makeEnvironment(task, reward: reward)
        let progress = Progress(total: episodes, label: "\(task) \(policy)")
        let report = try Evaluator.evaluate(env, policyName: policy.description, episodes: episodes, seed: seed,
                                            progress: progress.update, makeActor: policy.makeActor)
        progress.finish()
        if json { return try printJSON(report) }
        func interval(_ e: Estimate, percent: Bool = false) -> String {
            let k = percent ? 100.0 : 1.0
            let f = { (x: Double) in String(format: percent ? "%.1f" : "%.3f", x * k) }
            guard e.count > 0 else { return "n/a (no samples)" }
            guard e.lower.isFinite else { return "\(f(e.value))\(percent ? " %" : "") (n = \(e.count))" }
            return "\(f(e.value))\(percent ? " %" : "")  [\(f(e.lower)), \(f(e.upper))]  (\(e.method), n = \(e.count))"
        }
        print("\(task), \(policy) policy, \(episodes) episodes, seed \(seed), horizon \(report.horizon)")
        print("success (any step)    \(interval(report.successAny, percent: true))")
        print("success (final step)  \(interval(report.successFinal, percent: true))")
        print("first success step    \(interval(report.firstSuccessStep))")
        print("mean \(reward.rawValue) return    \(interval(report.meanReturn))")
        print("Intervals are 95 %.")
    }
}

extension EvaluateCommand {
    /// The task and policy to evaluate: as given, or from a run directory's configuration.
    private func resolved() throws -> (String, PolicyChoice) {
        guard let runDirectory else { return (task!, policy) }
        return (try RunDirectory(URL(fileURLWithPath: runDirectory)).configuration().training.task, .run(directory: runDirectory))
    }
}

extension RewardKind: ExpressibleByArgument {}
extension PolicyKind: ExpressibleByArgument {}

/// Progress on standard error: a live counter on a terminal, else a line every 10 %.
final class Progress {
    let total: Int
    let label: String
    private let line = StatusLine()
    private var lastDecile = 0

    init(total: Int, label: String) {
        self.total = total
        self.label = label
    }

    func update(_ done: Int) {
        let decile = done * 10 / total
        guard line.interactive || (total >= 20 && decile > lastDecile) else { return }
        lastDecile = decile
        line.show("\(label): \(done)/\(total)")
    }

    func finish() { line.finish() }
}

/// A status line on standard error: redrawn in place on a terminal, one line per update
/// otherwise (logs, CI).
struct StatusLine {
    let interactive = isatty(STDERR_FILENO) != 0

    func show(_ text: String) {
        FileHandle.standardError.write(Data((interactive ? "\r\u{1B}[K" + text : text + "\n").utf8))
    }

    func finish() {
        if interactive { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
