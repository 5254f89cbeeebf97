import Agents
import Experiments
import Foundation
import NeuralNet
import TaskSuite

/// The small training run the Experiments tests share: maze-zigzag-v1 with the dense reward,
/// tiny networks, evaluations and reward epochs every 100 steps.
func smallConfiguration(seed: UInt64, steps: Int = 300) -> TrainingConfiguration {
    var configuration = TrainingConfiguration(task: "maze-zigzag-v1", reward: .dense, steps: steps, seed: seed)
    configuration.evaluationInterval = 100
    configuration.evaluationEpisodes = 2
    configuration.epochLength = 100
    configuration.sac.hiddenSizes = [16, 16]
    configuration.sac.batchSize = 32
    configuration.sac.warmUpSteps = 100
    return configuration
}

/// A loop for `configuration` on fresh environments, rewarded by `rewards` (the task's dense reward
/// when nil), continuing the run checkpointed at `checkpoint` when one is given.
func makeLoop(_ configuration: TrainingConfiguration,
              rewards: ((TaskEnvironment, SACAgent) throws -> RewardSource)? = nil,
              resumingFrom checkpoint: String? = nil) throws -> TrainingLoop {
    let registry = try TaskRegistry.located()
    let environment = try registry.makeEnvironment(configuration.task, reward: .dense)
    let evaluationEnvironment = try registry.makeEnvironment(configuration.task, reward: .dense)
    let source = { (agent: SACAgent) in try rewards?(environment, agent) ?? TaskReward(.dense, environment: environment) }
    if let checkpoint {
        return try TrainingLoop(resumingFrom: checkpoint, configuration: configuration, environment: environment,
                                evaluationEnvironment: evaluationEnvironment, rewards: source)
    }
    return try TrainingLoop(configuration: configuration, environment: environment,
                            evaluationEnvironment: evaluationEnvironment, rewards: source)
}

/// The archive bytes of an agent or a replay buffer: equal bytes mean bit-identical state.
func archiveBytes(_ write: (inout ArchiveWriter) throws -> Void) rethrows -> [UInt8] {
    var writer = ArchiveWriter(magic: "TESTDATA", version: 1)
    try write(&writer)
    return writer.fileBytes
}

/// Where two byte strings first differ (a length difference counts), or nil when they are equal; a
/// failed expectation then shows an offset rather than two large arrays.
func firstDifference(_ a: [UInt8], _ b: [UInt8]) -> Int? {
    a.indices.first { $0 >= b.count || a[$0] != b[$0] } ?? (a.count == b.count ? nil : a.count)
}

/// Records as JSON lines with the wall-clock time zeroed, so equal runs compare equal (NaNs included).
func comparable(_ records: [TrainingRecord]) throws -> [String] {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    return try records.map { record in
        var record = record
        record.wallSeconds = 0
        return String(decoding: try encoder.encode(record), as: UTF8.self)
    }
}
