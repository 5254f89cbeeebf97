import Foundation
import Rewards

/// A learned reward's state in run checkpoints: the model's own checkpoint (`RewardModel.save`,
/// format `MURALRWD`: configuration, parameters, optimiser, generator, counts). The positives are
/// regenerated from the run's seed and the agent is restored by the loop, so the model is all
/// that changes during a run. `Rewards` reads and writes checkpoints only as files, so the bytes
/// pass through a temporary one.
extension LearnedReward {
    public func checkpointData() throws -> [UInt8] {
        try Self.withTemporaryFile { path in
            try model.save(to: path)
            guard let bytes = FileManager.default.contents(atPath: path) else { throw ExperimentError.missingFile(path: path) }
            return [UInt8](bytes)
        }
    }

    public func restore(from checkpointData: [UInt8]) throws {
        let restored = try Self.withTemporaryFile { path in
            try Data(checkpointData).write(to: URL(fileURLWithPath: path))
            return try RewardCheckpoint.load(from: path)
        }
        let (expected, found) = (type(of: model).kind, type(of: restored).kind)
        guard expected == found else {
            throw ExperimentError.invalidValue("the checkpoint holds a '\(found)' reward model, this run uses '\(expected)'")
        }
        model = restored
    }

    private static func withTemporaryFile<T>(_ body: (String) throws -> T) throws -> T {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("mural-reward-\(UUID().uuidString).bin").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try body(path)
    }
}
