import Agents
import Experiments
import NeuralNet
import Rewards
import TaskSuite
import TestSupport

/// A reward source with a history, as a learned model has: the task's dense reward plus a bonus
/// that cycles with the number of rewards given so far. A resumed run only matches an
/// uninterrupted one if the count survives the checkpoint. The checkpoint also carries bit
/// patterns a numeric copy would alter (signalling NaNs); `readState` checks that they come back exactly.
final class CyclingBonusReward: RewardSource {
    static let signallingNaNs = [Double(bitPattern: 0x7FF0_0000_0000_0001), Double(bitPattern: 0xFFF4_0000_0000_0000)]
    static let signallingNaN32 = [Float(bitPattern: 0x7F80_0001)]

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

    func write(to writer: inout ArchiveWriter) {
        writer.append(rewardsGiven)
        writer.append(scalars: Self.signallingNaNs)
        writer.append(scalars: Self.signallingNaN32)
    }

    func readState(from reader: inout ArchiveReader) throws -> () -> Void {
        let given: UInt64 = try reader.read("rewards given")
        let doubles: [Double] = try reader.readScalars("signalling NaNs")
        let floats: [Float] = try reader.readScalars("signalling NaN (Float)")
        guard doubles.map(\.bitPattern) == Self.signallingNaNs.map(\.bitPattern),
              floats.map(\.bitPattern) == Self.signallingNaN32.map(\.bitPattern) else {
            throw TestFailure("the reward source's checkpoint came back altered: \(doubles), \(floats)")
        }
        return { self.rewardsGiven = given }
    }
}
