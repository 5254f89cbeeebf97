import Agents
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
    /// Everything `restore(from:)` needs for a resumed run to continue bit for bit (a learned
    /// model's parameters, optimiser, generator, counts), in the source's own format. Training
    /// checkpoints store the bytes as they are; a source without state returns none.
    func checkpointData() throws -> [UInt8]
    /// Restores what `checkpointData()` returned, into a source built with the same configuration.
    func restore(from checkpointData: [UInt8]) throws
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

    public func checkpointData() -> [UInt8] { [] }

    public func restore(from checkpointData: [UInt8]) throws {
        guard checkpointData.isEmpty else {
            throw ExperimentError.invalidValue(
                "the task's \(kind.rawValue) reward keeps no state, but its checkpoint holds \(checkpointData.count) bytes")
        }
    }
}
