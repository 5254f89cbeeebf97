import Agents
import NeuralNet
import Rewards
import TaskSuite

/// Supplies the rewards SAC learns from: any function from transitions to rewards, a hook at the
/// end of every epoch where learned models retrain, and its state for run checkpoints.
public protocol RewardSource: AnyObject {
    var timing: RewardTiming { get }
    /// The reward for a transition that reached `observation` (whose classifier features and
    /// success flag are given). Called when the transition is stored if `timing == .storedAtCollection`.
    func reward(reaching observation: [Double], features: [Float], success: Bool) throws -> Float
    /// Rewrites `batch.rewards` from the batch's features. Called for every minibatch if
    /// `timing == .recomputedPerBatch`.
    func relabel(_ batch: ReplayBatch)
    /// Called after every epoch of environment steps, with the replay buffer (the negatives).
    /// Returns what a learned model's update did, or nil when the source learns nothing.
    func endEpoch(_ epoch: Int, replay: ReplayBuffer) throws -> RewardUpdateSummary?
    /// Appends to a run checkpoint everything a resumed run needs to continue bit for bit (a
    /// learned model's parameters, optimiser, generator, counts); a source without state appends nothing.
    func write(to writer: inout ArchiveWriter) throws
    /// Reads what `write(to:)` appended, in a source built with the same configuration, and returns
    /// what installs it: the loop reads and checks the whole checkpoint before it changes anything.
    func readState(from reader: inout ArchiveReader) throws -> () -> Void
}

/// The task's own reference reward: the sparse success indicator or the dense oracle.
public final class TaskReward: RewardSource {
    public let kind: RewardKind
    private let environment: TaskEnvironment

    public init(_ kind: RewardKind, environment: TaskEnvironment) {
        self.kind = kind
        self.environment = environment
    }

    public var timing: RewardTiming { .storedAtCollection }

    public func reward(reaching observation: [Double], features: [Float], success: Bool) -> Float {
        Float(environment.reward(kind, observation))
    }

    public func relabel(_ batch: ReplayBatch) {}

    public func endEpoch(_ epoch: Int, replay: ReplayBuffer) -> RewardUpdateSummary? { nil }

    public func write(to writer: inout ArchiveWriter) {}

    public func readState(from reader: inout ArchiveReader) -> () -> Void { {} }
}
