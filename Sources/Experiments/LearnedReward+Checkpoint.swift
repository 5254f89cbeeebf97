import NeuralNet
import Rewards

/// A learned reward's state in run checkpoints: the model, as `RewardModel.write(to:)` appends it
/// (kind, configuration, parameters, optimiser, generator, counts). The positives are regenerated
/// from the run's seed and the agent is restored by the loop, so the model is all that changes
/// during a run.
extension LearnedReward {
    public func write(to writer: inout ArchiveWriter) throws {
        try model.write(to: &writer)
    }

    public func readState(from reader: inout ArchiveReader) throws -> () -> Void {
        let restored = try RewardCheckpoint.read(from: &reader)
        let (expected, found) = (type(of: model).kind, type(of: restored).kind)
        guard expected == found else {
            throw ExperimentError.invalidValue("the checkpoint holds a '\(found)' reward model, this run uses '\(expected)'")
        }
        return { self.model = restored }
    }
}
