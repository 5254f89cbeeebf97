import Agents
import Experiments
import Foundation
import NeuralNet
import Randomness
import Rewards
import TaskSuite
import TestSupport
import Testing

/// Every kind of archive Mural writes is sealed with a CRC-32: a changed byte anywhere in the file,
/// header and checksum included, is refused with an error naming the file, never read as valid.
@Suite("Corrupted archives")
struct ArchiveCorruptionTests {
    @Test("a network checkpoint with any byte changed is refused", .tags(.slow), .skippedInFastTier)
    func network() throws {
        let small = MLP(inputSize: 2, hiddenSizes: [3], outputSize: 1)
        var generator = RandomGenerator(seed: 4)
        let parameters: [Float] = small.initialParameters(using: &generator)
        let checkpoint = NetworkCheckpoint(architecture: small, parameters: parameters,
                                           optimizer: Adam<Float>(parameterCount: parameters.count, learningRate: 1e-3))
        try expectEveryFlipRefused("network") { try checkpoint.save(to: $0) } load: { _ = try NetworkCheckpoint.load(from: $0) }
    }

    @Test("a SAC policy with any byte changed is refused", .tags(.slow), .skippedInFastTier)
    func policy() throws {
        var configuration = SACConfiguration()
        configuration.hiddenSizes = [2]
        let agent = SACAgent(observationSize: 2, actionSize: 1, configuration: configuration, seed: 3)
        try expectEveryFlipRefused("policy") { try agent.save(to: $0) } load: { _ = try SACAgent.load(from: $0) }
    }

    @Test("a reward model of every kind with any byte changed is refused", .tags(.slow), .skippedInFastTier)
    func rewardModels() throws {
        var metaNML = MetaNMLRewardModel.Configuration(hiddenSize: 2, distanceThreshold: 0.5, queryPointWeight: 1)
        metaNML.initialMetaEpochs = 1
        var vice = VICERewardModel.Configuration.vice
        vice.hiddenSizes = [2]
        let models: [any RewardModel] = [
            try SparseRewardModel(featureDimension: 2),
            try CountBonusRewardModel(configuration: .init(lowerBounds: [0, 0], upperBounds: [1, 1], binsPerDimension: 2)),
            try VICERewardModel(featureDimension: 2, configuration: vice, seed: 1),
            try MetaNMLRewardModel(featureDimension: 2, configuration: metaNML, seed: 1),
            try ExactCNMLRewardModel(featureDimension: 2, configuration: .init(hiddenSize: 2), seed: 1),
        ]
        for model in models {
            try expectEveryFlipRefused(type(of: model).kind.rawValue) { try model.save(to: $0) } load: { _ = try RewardCheckpoint.load(from: $0) }
        }
    }

    @Test("a training checkpoint with any byte changed is refused when resuming", .tags(.slow), .skippedInFastTier)
    func trainingCheckpoint() throws {
        var configuration = smallConfiguration(seed: 5, steps: 20)
        configuration.sac.hiddenSizes = [2]
        configuration.evaluationInterval = 20
        configuration.evaluationEpisodes = 1
        let loop = try makeLoop(configuration)
        try loop.run { _ in }
        // The same environments serve every attempt: a refused checkpoint leaves them untouched.
        let registry = try TaskRegistry.located()
        let environment = try registry.makeEnvironment(configuration.task, reward: .dense)
        let evaluationEnvironment = try registry.makeEnvironment(configuration.task, reward: .dense)
        try expectEveryFlipRefused("training checkpoint") { try loop.saveCheckpoint(to: $0) } load: { path in
            _ = try TrainingLoop(resumingFrom: path, configuration: configuration, environment: environment,
                                 evaluationEnvironment: evaluationEnvironment,
                                 rewards: { _ in TaskReward(.dense, environment: environment) })
        }
    }

    @Test("a training checkpoint of an older format (version 2 carried the reward model as opaque bytes) is refused, saying so")
    func olderTrainingCheckpoint() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent(RunDirectory.checkpointFile).path
        var writer = ArchiveWriter(magic: TrainingLoop.checkpointMagic, version: 2)
        writer.append(string: "{}")
        try writer.write(to: path)
        let configuration = smallConfiguration(seed: 5, steps: 20)
        let environment = try TaskRegistry.located().makeEnvironment(configuration.task, reward: .dense)
        #expect {
            _ = try TrainingLoop(resumingFrom: path, configuration: configuration, environment: environment,
                                 evaluationEnvironment: environment, rewards: { _ in TaskReward(.dense, environment: environment) })
        } throws: { error in
            "\(error)".hasPrefix(path) && "\(error)".contains("format version 2 was written by an older Mural")
                && "\(error)".contains("delete its checkpoint.bin")
        }
    }

    @Test("stored sizes too large for the file are refused before anything is built (found by fuzzing)")
    func oversizedNetworks() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("sized.bin").path
        func refusal(_ write: (inout ArchiveWriter) throws -> Void, magic: String, version: UInt32,
                     load: (String) throws -> Void) throws -> String {
            var writer = ArchiveWriter(magic: magic, version: version)
            try write(&writer)
            try writer.write(to: path)
            let error = #expect(throws: ArchiveError.self) { try load(path) }
            return error.map { "\($0)" } ?? ""
        }
        // A meta-NML width whose parameter count overflowed Int and crashed the reader.
        for width in [Int.max / 2, 1 << 20] {
            var metaNML = MetaNMLRewardModel.Configuration(hiddenSize: width, distanceThreshold: 0.5, queryPointWeight: 1)
            metaNML.initialMetaEpochs = 1
            let message = try refusal({ writer in
                writer.append(string: MetaNMLRewardModel.kind.rawValue)
                writer.append(string: String(decoding: try JSONEncoder().encode(metaNML), as: UTF8.self))
                writer.append(integers: [2, 0, 0])
            }, magic: RewardCheckpoint.magic, version: RewardCheckpoint.formatVersion) { _ = try RewardCheckpoint.load(from: $0) }
            #expect(message.contains("meta-NML network") && message.contains(path), "\(message)")
        }
        // An agent whose networks would take terabytes.
        var sac = SACConfiguration()
        sac.hiddenSizes = [1 << 20, 1 << 20]
        let message = try refusal({ writer in
            writer.append(string: String(decoding: try JSONEncoder().encode(sac), as: UTF8.self))
            writer.append(integers: [3, 2, 0])
        }, magic: SACAgent.checkpointMagic, version: SACAgent.checkpointVersion) { _ = try SACAgent.load(from: $0) }
        #expect(message.contains("agent networks") && message.contains(path), "\(message)")
        // A batch size that crashed the reader (0) or would allocate without limit.
        for batchSize in [0, -3, 1 << 40] {
            var sac = SACConfiguration()
            sac.hiddenSizes = [2]
            sac.batchSize = batchSize
            let message = try refusal({ writer in
                writer.append(string: String(decoding: try JSONEncoder().encode(sac), as: UTF8.self))
                writer.append(integers: [3, 2, 0])
                writer.append(scalars: [Float](repeating: 0, count: 100))  // room for the networks
            }, magic: SACAgent.checkpointMagic, version: SACAgent.checkpointVersion) { _ = try SACAgent.load(from: $0) }
            #expect(message.contains("agent batch size"), "\(message)")
        }
    }

    /// Writes an archive with `save`, checks that `load` reads it, then changes each byte in turn
    /// (one bit, and all eight) and checks that `load` refuses every copy with an error naming the file.
    func expectEveryFlipRefused(_ kind: String, save: (String) throws -> Void, load: (String) throws -> Void) throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("archive.bin").path
        try save(path)
        let good = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        try load(path)
        var accepted: [Int] = [], unnamed: [String] = []
        for offset in good.indices {
            for mask: UInt8 in [0x01, 0xFF] {
                var damaged = good
                damaged[offset] ^= mask
                try Data(damaged).write(to: URL(fileURLWithPath: path))
                do {
                    try load(path)
                    accepted.append(offset)
                } catch {
                    if !"\(error)".contains(path), unnamed.count < 3 { unnamed.append("offset \(offset): \(error)") }
                }
            }
        }
        #expect(accepted.isEmpty, "\(kind): changed bytes at offsets \(accepted) of \(good.count) were read as valid")
        #expect(unnamed.isEmpty, "\(kind): errors that do not name the file: \(unnamed)")
    }
}
