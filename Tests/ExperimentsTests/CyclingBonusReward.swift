import Agents
import Experiments
import Rewards
import TaskSuite
import TestSupport

/// A reward source with a history, as a learned model has: the task's dense reward plus a bonus
/// that cycles with the number of rewards given so far. A resumed run only matches an
/// uninterrupted one if the count survives the checkpoint. The checkpoint also carries bit
/// patterns a numeric copy would alter (signalling NaNs) and has an odd length; `restore` checks
/// that they come back exactly.
final class CyclingBonusReward: RewardSource {
    static let fragileBytes: [UInt8] = withUnsafeBytes(of: UInt64(0x7FF0_0000_0000_0001).littleEndian, Array.init)
        + withUnsafeBytes(of: UInt64(0xFFF4_0000_0000_0000).littleEndian, Array.init)
        + withUnsafeBytes(of: UInt32(0x7F80_0001).littleEndian, Array.init) + [0xFF, 0x00, 0xA5]

    private let dense: TaskReward
    private(set) var rewardsGiven: UInt64 = 0

    init(environment: TaskEnvironment, agent _: SACAgent) { dense = TaskReward(.dense, environment: environment) }

    var timing: RewardTiming { .storedAtCollection }

    func reward(reaching observation: [Double], features: [Float], success: Bool) -> Float {
        defer { rewardsGiven += 1 }
        return dense.reward(reaching: observation, features: features, success: success) + 0.25 * Float(rewardsGiven % 4)
    }

    func relabel(_ batch: ReplayBatch) {}

    func endEpoch(_ epoch: Int, replay: ReplayBuffer) -> RewardUpdateSummary? { nil }

    func checkpointData() -> [UInt8] {
        withUnsafeBytes(of: rewardsGiven.littleEndian, Array.init) + Self.fragileBytes
    }

    func restore(from checkpointData: [UInt8]) throws {
        guard checkpointData.count == 8 + Self.fragileBytes.count, Array(checkpointData[8...]) == Self.fragileBytes else {
            throw TestFailure("the reward source's checkpoint came back altered: \(checkpointData)")
        }
        rewardsGiven = checkpointData[0..<8].reversed().reduce(0) { $0 << 8 | UInt64($1) }
    }
}
