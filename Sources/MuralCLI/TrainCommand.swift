import ArgumentParser
import Experiments
import Foundation
import TaskSuite

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train SAC on a task with a chosen reward.",
        discussion: """
            Writes RUN_DIR/config.json (the resolved configuration), metrics.csv and metrics.jsonl \
            (one row per evaluation), checkpoint.bin (the whole training state, every \
            --checkpoint-interval steps), policy.bin (the final agent) and final.json (the last \
            evaluation), each atomically. --resume continues from checkpoint.bin exactly as if the \
            run had never stopped; the checkpoint is deleted once the run is complete. SIGTERM, SIGINT \
            or SIGHUP stop the run before its next step with a checkpoint, and the exit status is 128 + \
            the signal's number (143 for SIGTERM). --config FILE \
            gives any of the settings of config.json's `training` (for example `sac: {batchSize: 128}`); \
            options on the command line take precedence over it.
            """)

    @Option(help: ArgumentHelp("A YAML or JSON file of training settings, keyed as `training` in a run's config.json "
                               + "(sac included); options given on the command line replace its values.", valueName: "file"))
    var config: String?
    @Option(help: "Task id (see `mural tasks`); required unless the --config file gives it.") var task: String?
    @Option(help: "Reward: \(TrainCommand.rewardNames.joined(separator: ", ")); required unless the --config file gives it.")
    var reward: RewardChoice?
    @Option(help: "Environment steps; required unless the --config file gives them.") var steps: Int?
    @Option(parsing: .unconditional, help: "Seed of every random choice in the run (default 0).", transform: parseSeed)
    var seed: UInt64?
    @Option(name: .customLong("out"), help: "Run directory.") var output: String
    @Option(help: "Environment steps between evaluations (default 1000).") var evaluationInterval: Int?
    @Option(help: "Episodes per evaluation (default 10).") var evaluationEpisodes: Int?
    @Option(help: "Environment steps between checkpoints (default 5000).") var checkpointInterval: Int?
    @Option(help: "Hidden widths of the SAC networks, comma-separated (default 256,256).") var hidden: String?
    // Unconditional, so that the usual negative values are read as values, not as options.
    @Option(parsing: .unconditional, help: ArgumentHelp("SAC's target entropy, a finite number (default −|A|, minus the "
                                                        + "number of action dimensions).", valueName: "entropy"))
    var targetEntropy: String?
    @Option(help: "Learned-reward model sizes: fast (meta-NML with H = 128, the default) or paper.") var rewardPreset: RewardPreset?
    @Option(help: "Success examples for learned rewards (default 200).") var examples: Int?
    @Option(help: "OpenBLAS threads (default 1): a few speed up paper-size meta-NML; a resume must use the same count.")
    var threads: Int?
    @Flag(help: "Delete an existing run in RUN_DIR and start again.") var force = false
    @Flag(help: "Continue the unfinished run in RUN_DIR (it must have the same configuration).") var resume = false

    static let rewardNames = RewardChoice.allCases.map(\.rawValue)

    func validate() throws {
        if force && resume { throw ValidationError("--force and --resume exclude each other") }
        if let examples, examples <= 0 { throw ValidationError("--examples must be positive, got \(examples)") }
        // Reads the --config file, so that its errors, and missing settings, show with the usage.
        _ = try resolvedConfiguration()
    }

    /// Defaults, then the --config file, then the options given on the command line.
    func resolvedConfiguration() throws -> TrainingConfiguration {
        let file = try config.map(TrainingConfigurationFile.init(path:))
        var configuration = TrainingConfiguration(task: "", reward: .dense, steps: 0, seed: 0)
        file?.apply(to: &configuration)
        for (option, key, given) in [("--task", "task", task != nil), ("--reward", "reward", reward != nil), ("--steps", "steps", steps != nil)]
        where !given && file?.keys.contains(key) != true {
            throw ValidationError("give \(option)" + (config.map { ", or '\(key)' in \($0)" } ?? " (or a --config file with '\(key)')"))
        }
        if let task { configuration.task = task }
        if let reward { configuration.reward = reward }
        if let steps { configuration.steps = steps }
        if let seed { configuration.seed = seed }
        if let evaluationInterval { configuration.evaluationInterval = evaluationInterval }
        if let evaluationEpisodes { configuration.evaluationEpisodes = evaluationEpisodes }
        if let checkpointInterval { configuration.checkpointInterval = checkpointInterval }
        if let hidden { configuration.sac.hiddenSizes = try parseSizes(hidden, option: "--hidden") }
        if let targetEntropy { configuration.sac.targetEntropy = try parseTargetEntropy(targetEntropy) }
        if let rewardPreset { configuration.rewardPreset = rewardPreset }
        if let examples { configuration.successExamples = examples }
        if let threads { configuration.blasThreads = TrainingConfiguration.blasThreads(threads) }
        try configuration.validate()
        return configuration
    }

    func run() throws {
        // SIGTERM, SIGINT and SIGHUP stop the loop at the next step, after a checkpoint.
        StopRequest.catchSignals()
        let configuration = try resolvedConfiguration()
        let opened = try OptionError.translating {
            try RunDirectory.Training.open(URL(fileURLWithPath: output), training: configuration,
                                           mode: force ? .force : resume ? .resume : .fresh,
                                           registry: TaskRegistry.located(), mural: MuralVersion.string)
        }
        guard let training = opened else {
            print("\(output) already holds this finished run; nothing to do (pass --force to run it again)")
            return
        }
        if let step = training.resumedStep {
            FileHandle.standardError.write(Data("resuming \(output) from its checkpoint at step \(step)\n".utf8))
        }
        let progress = ProgressLine(startStep: training.loop.step)
        let last: TrainingRecord
        do {
            last = try training.run { progress.show($0, of: configuration.steps) }
        } catch let interruption as Interruption {
            progress.finish()
            throw interruption.exit(advice: "the same command with --resume continues it")
        }
        progress.finish()
        print("\(configuration.task) \(configuration.reward.rawValue) seed \(configuration.seed): success "
              + "\(Int((last.successAny * 100).rounded())) % (any step), \(Int((last.successFinal * 100).rounded())) % (final step) "
              + "after \(configuration.steps) steps, \(output)")
    }
}

/// Reads a `--target-entropy` value: the temperature chases it, so only a finite number means anything.
func parseTargetEntropy(_ text: String) throws -> Float {
    guard let entropy = Float(text.trimmingCharacters(in: .whitespaces)), entropy.isFinite else {
        throw ValidationError("--target-entropy must be a finite number such as 0 or -2, got '\(text)'")
    }
    return entropy
}

/// A one-line progress display on standard error, redrawn in place on a terminal.
final class ProgressLine {
    private let start = ContinuousClock.now
    private let line = StatusLine()
    /// The step this process started from (a resumed run's checkpoint), for the rate.
    private let startStep: Int

    init(startStep: Int) { self.startStep = startStep }

    func show(_ record: TrainingRecord, of total: Int) {
        let elapsed = ContinuousClock.now - start
        let seconds = elapsed.inSeconds
        let rate = Double(record.step - startStep) / max(seconds, 1e-9)
        let eta = Double(total - record.step) / max(rate, 1e-9)
        let line = String(format: "step %d/%d  %.0f steps/s  ETA %.0f s  eval success %.0f %% (any) %.0f %% (final)",
                          record.step, total, rate, eta, record.successAny * 100, record.successFinal * 100)
        self.line.show(line)
    }

    func finish() { line.finish() }
}
extension RewardPreset: ExpressibleByArgument {}
extension RewardChoice: ExpressibleByArgument {}
