import Foundation
import NeuralNet
import Randomness

/// Agent checkpoints: configuration, networks, targets, optimiser states, temperature and the random
/// stream, so that a resumed run continues bit for bit. Written atomically (see `ArchiveWriter.write`).
extension SACAgent {
    public static let checkpointMagic = "MURALSAC"
    /// 2: sealed with a CRC-32 (version 1 had none and is refused).
    public static let checkpointVersion: UInt32 = 2

    public func save(to path: String) throws {
        var writer = ArchiveWriter(magic: Self.checkpointMagic, version: Self.checkpointVersion)
        try write(to: &writer)
        try writer.write(to: path)
    }

    /// Restores an agent saved by `save(to:)`. Fails with `ArchiveError` naming the file on a foreign, older,
    /// newer, corrupted or internally inconsistent file.
    public static func load(from path: String) throws -> SACAgent {
        try ArchiveReader.read(path, magic: checkpointMagic, version: checkpointVersion) { try read(from: &$0) }
    }

    /// Appends the agent's fields to an archive, so that larger checkpoints (a training run's) can nest it.
    public func write(to writer: inout ArchiveWriter) throws {
        // Sorted keys: JSONEncoder's default key order changes from process to process, and equal
        // agents must give equal bytes.
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let configurationJSON = try encoder.encode(configuration)
        writer.append(string: String(decoding: configurationJSON, as: UTF8.self))
        writer.append(integers: [observationSize, actionSize, updateCount])
        policyNetwork.write(to: &writer)
        criticNetwork.write(to: &writer)
        writer.append(scalars: policyParameters)
        policyOptimizer.write(to: &writer)
        for critic in critics {
            writer.append(scalars: critic.parameters)
            writer.append(scalars: critic.target)
            critic.optimizer.write(to: &writer)
        }
        writer.append(scalars: [logTemperature])
        temperatureOptimizer.write(to: &writer)
        generator.write(to: &writer)
    }

    /// Overwrites this agent's state with what `write(to:)` stored from an agent of the same
    /// configuration and sizes. In place, because reward models hold the agent (VICE's log π).
    public func restore(from reader: inout ArchiveReader) throws {
        let stored = try Self.read(from: &reader)
        guard stored.configuration == configuration, stored.observationSize == observationSize,
              stored.actionSize == actionSize else {
            throw ArchiveError.shapeMismatch(
                what: "agent (observation size, action size, configuration)",
                expected: "\(observationSize), \(actionSize), \(configuration)",
                found: "\(stored.observationSize), \(stored.actionSize), \(stored.configuration)")
        }
        policyParameters = stored.policyParameters
        policyOptimizer = stored.policyOptimizer
        critics = stored.critics
        logTemperature = stored.logTemperature
        temperatureOptimizer = stored.temperatureOptimizer
        generator = stored.generator
        updateCount = stored.updateCount
    }

    /// Reads the fields `write(to:)` appended.
    public static func read(from reader: inout ArchiveReader) throws -> SACAgent {
        let configurationJSON = try reader.readString("configuration")
        let configuration: SACConfiguration
        do {
            configuration = try JSONDecoder().decode(SACConfiguration.self, from: Data(configurationJSON.utf8))
        } catch {
            throw ArchiveError.invalidValue(what: "configuration", detail: "\(error)")
        }
        let sizes = try reader.readIntegers("agent sizes")
        guard sizes.count == 3, sizes[0] > 0, sizes[1] > 0, sizes[2] >= 0 else {
            throw ArchiveError.invalidValue(what: "agent sizes", detail: "\(sizes)")
        }
        // The agent allocates its networks from these sizes: they must fit in what is left.
        let (observations, actions) = (sizes[0], sizes[1])
        guard observations < Int.max / 2, actions < Int.max / 4 else {
            throw ArchiveError.invalidValue(what: "agent sizes", detail: "\(sizes)")
        }
        try reader.requireRoom(forNetworks: [[observations] + configuration.hiddenSizes + [2 * actions],
                                             [observations + actions] + configuration.hiddenSizes + [1]], "agent networks")
        // Its scratch space holds a batch of every layer's values: a damaged batch size would
        // allocate without limit. 2²⁴ values is a hundred times what the paper's agents use.
        let widths = ([observations + actions] + configuration.hiddenSizes + [2 * actions]).reduce(0, +)
        guard configuration.batchSize > 0, configuration.batchSize <= (1 << 24) / widths else {
            throw ArchiveError.invalidValue(what: "agent batch size", detail: "\(configuration.batchSize) for layers of \(widths) values")
        }
        let agent = SACAgent(observationSize: observations, actionSize: actions, configuration: configuration, seed: 0)
        agent.updateCount = sizes[2]

        for (expected, what) in [(agent.policyNetwork, "policy network"), (agent.criticNetwork, "critic network")] {
            let stored = try MLP(from: &reader)
            guard stored == expected else {
                throw ArchiveError.shapeMismatch(what: what, expected: "\(expected.layerSizes)", found: "\(stored.layerSizes)")
            }
        }
        let policyCount = agent.policyNetwork.parameterCount, criticCount = agent.criticNetwork.parameterCount
        agent.policyParameters = try reader.readScalars("policy parameters", expectedCount: policyCount)
        agent.policyOptimizer = try Adam<Float>(from: &reader, what: "policy optimiser", parameterCount: policyCount)
        for j in 0..<2 {
            agent.critics[j].parameters = try reader.readScalars("critic \(j + 1) parameters", expectedCount: criticCount)
            agent.critics[j].target = try reader.readScalars("critic \(j + 1) target", expectedCount: criticCount)
            agent.critics[j].optimizer = try Adam<Float>(from: &reader, what: "critic \(j + 1) optimiser", parameterCount: criticCount)
        }
        agent.logTemperature = try reader.readScalars("log temperature", as: Float.self, expectedCount: 1)[0]
        agent.temperatureOptimizer = try Adam<Float>(from: &reader, what: "temperature optimiser", parameterCount: 1)
        agent.generator = try RandomGenerator(from: &reader)
        return agent
    }
}
