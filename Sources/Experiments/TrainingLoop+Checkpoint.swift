import Agents
import Foundation
import NeuralNet
import TaskSuite

/// Training checkpoints: one archive file with everything a run needs to continue bit for bit, so
/// that a resumed run ends exactly as one that was never interrupted.
///
/// | field | content |
/// | --- | --- |
/// | header | magic `MURALRUN`, format version 3 |
/// | configuration | the `TrainingConfiguration`, JSON with sorted keys |
/// | progress | `TrainingProgress`: counters, accumulators, records so far; JSON |
/// | environment | the training environment's `EnvironmentSnapshot`, JSON |
/// | agent | `SACAgent.write(to:)`: networks, targets, optimisers, temperature, generator |
/// | reward source | `RewardSource.write(to:)`: a learned model's kind and fields, as in its own checkpoint; nothing for the dense reward |
/// | replay | `ReplayBuffer.write(to:)`, up to its fill level |
/// | checksum | CRC-32 of everything before it, verified before any field is read |
///
/// JSON carries doubles exactly (shortest round-trip digits). `ArchiveWriter.write` replaces the file
/// atomically (temporary file, fsync, rename): a kill leaves the previous checkpoint or the new one.
extension TrainingLoop {
    public static let checkpointMagic = "MURALRUN"
    /// 3: the reward model's fields are written into the archive (version 2 carried them as an
    /// opaque byte string, and version 1 had no CRC-32; both are refused).
    public static let checkpointVersion: UInt32 = 3

    /// Writes the run's state at the current step to `path`, atomically.
    public func saveCheckpoint(to path: String) throws {
        var writer = ArchiveWriter(magic: Self.checkpointMagic, version: Self.checkpointVersion)
        writer.append(string: try Self.json(configuration))
        writer.append(string: try Self.json(progress))
        writer.append(string: try Self.json(environment.snapshot()))
        try agent.write(to: &writer)
        try rewards.write(to: &writer)
        replay.write(to: &writer)
        try writer.write(to: path)
    }

    /// A loop that continues the run checkpointed at `path`, which a loop with this `configuration`
    /// wrote. Restores `environment` and `rewards` to their checkpointed state. Fails with
    /// `ExperimentError.invalidFile` naming `path` when the checkpoint cannot be used.
    public convenience init(resumingFrom path: String, configuration: TrainingConfiguration, environment: TaskEnvironment,
                            evaluationEnvironment: TaskEnvironment, rewards: (SACAgent) throws -> RewardSource) throws {
        try self.init(configuration: configuration, environment: environment,
                      evaluationEnvironment: evaluationEnvironment, rewards: rewards)
        guard FileManager.default.fileExists(atPath: path) else { throw ExperimentError.missingFile(path: path) }
        do {
            try restore(from: path)
        } catch let error as ArchiveError {
            throw ExperimentError.invalidFile(path: path, reason: "cannot resume from this checkpoint: \(error.withoutFile)")
        } catch {
            throw ExperimentError.invalidFile(path: path, reason: "cannot resume from this checkpoint: \(error)")
        }
    }

    /// Reads and checks the whole file before touching the environment or the reward source; only
    /// this loop's own agent and replay buffer are filled while reading.
    private func restore(from path: String) throws {
        var reader = try ArchiveReader(contentsOf: path, magic: Self.checkpointMagic, version: Self.checkpointVersion)
        guard try reader.readString("configuration") == Self.json(configuration) else {
            throw ExperimentError.invalidValue("it was written by a run with a different configuration")
        }
        let progress = try Self.decode(TrainingProgress.self, "progress", reader.readString("progress"))
        let snapshot = try Self.decode(EnvironmentSnapshot.self, "environment snapshot", reader.readString("environment snapshot"))
        try agent.restore(from: &reader)
        let installRewardState = try rewards.readState(from: &reader)
        try replay.restore(from: &reader)
        try reader.finish()
        try check(progress)
        try environment.restore(snapshot)
        installRewardState()
        self.progress = progress
    }

    /// Cross-checks the progress against the configuration and the replay buffer it came with.
    private func check(_ progress: TrainingProgress) throws {
        guard (1...configuration.steps).contains(progress.step) else {
            throw ExperimentError.invalidValue("step \(progress.step) is outside 1...\(configuration.steps)")
        }
        guard progress.observation.count == environment.observationSpec.count else {
            throw ExperimentError.invalidValue(
                "its observation has \(progress.observation.count) values, the task's have \(environment.observationSpec.count)")
        }
        guard replay.count == min(progress.step, replay.capacity) else {
            throw ExperimentError.invalidValue("its replay buffer holds \(replay.count) transitions after \(progress.step) steps")
        }
        guard progress.records.allSatisfy({ $0.step <= progress.step }) else {
            throw ExperimentError.invalidValue("it holds records from after its step \(progress.step)")
        }
    }

    private static func json<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try RunJSON.encoder([.sortedKeys]).encode(value), as: UTF8.self)
    }

    private static func decode<T: Decodable>(_ type: T.Type, _ what: String, _ text: String) throws -> T {
        do {
            return try RunJSON.decoder().decode(type, from: Data(text.utf8))
        } catch {
            throw ArchiveError.invalidValue(what: what, detail: "\(error)")
        }
    }
}
