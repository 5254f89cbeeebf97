import ArgumentParser
import Experiments
import Foundation
import Rewards
import TaskSuite

struct RewardsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rewards",
        abstract: "Train a learned reward on success examples against visited states, and score states with it.",
        discussion: """
            POSITIVES, NEGATIVES and STATES are float32 .npy matrices of the task's classifier features \
            (see `mural tasks`), e.g. from `mural examples`. The model takes --updates updates on them \
            (each: observe the negatives, then learn with them as its replay buffer; VICE with binary \
            cross-entropy, since there is no policy), then writes the rewards of STATES as float32 N×1. \
            The count bonus counts every state as a failure in its sparse term. --settings changes the \
            model's configuration (JSON, snake-case keys, e.g. '{"hidden_size": 32}'). The Python \
            package's mural.rewards gives the same numbers for the same inputs, settings and seed.
            """)

    @Option(help: "Task id (see `mural tasks`).") var task: String
    @Option(help: "Reward model: \(OfflineReward.models.map(\.rawValue).joined(separator: ", ")).") var reward: String
    @Option(help: ArgumentHelp("Success examples, float32 N×D.", valueName: "file.npy")) var positives: String
    @Option(help: ArgumentHelp("Visited states, float32 N×D.", valueName: "file.npy")) var negatives: String
    @Option(help: ArgumentHelp("States to score, float32 N×D.", valueName: "file.npy")) var states: String
    @Option(help: "meta-NML settings: fast (H = 128) or paper (H = 2048).") var preset: RewardPreset = .fast
    @Option(help: ArgumentHelp("Configuration changes as a JSON object.", valueName: "json")) var settings: String?
    @Option(help: "Updates on the same positives and negatives.") var updates = 1
    @Option(help: "Seed of the model.") var seed: UInt64 = 0
    @Option(name: .customLong("out"), help: ArgumentHelp("Output rewards file.", valueName: "rewards.npy")) var output: String

    func validate() throws {
        guard updates >= 0 else { throw ValidationError("--updates must be ≥ 0, got \(updates)") }
        guard output.hasSuffix(".npy") else { throw ValidationError("--out must name a .npy file") }
    }

    func run() throws {
        let environment = try TaskRegistry.located().makeEnvironment(task)
        let model = try OfflineReward.makeModel(try RewardChoice(parsing: reward), environment: environment, preset: preset,
                                                overrides: settings.map { Data($0.utf8) }, seed: seed)
        let p = try RewardMapSubject.readStates(positives, environment: environment)
        let n = try RewardMapSubject.readStates(negatives, environment: environment)
        let x = try RewardMapSubject.readStates(states, environment: environment)
        for _ in 0..<updates { try OfflineReward.update(model, positives: p, negatives: n) }
        let values = try model.rewards(features: x, successes: Array(repeating: false, count: x.rows))
        try NPY.float32Matrix(values.map { [Double($0)] }, columns: 1).write(to: URL(fileURLWithPath: output))
        print("\(output): \(reward) rewards of \(x.rows) states after \(updates) updates (seed \(seed))")
    }
}
