import Agents
import Experiments
import Foundation
import NeuralNet
import Randomness
import TaskSuite
import TestSupport
import Testing

/// Thrown from `onRecord` to stop a run between two checkpoints, as a kill would.
private struct Interrupted: Error {}

@Suite("Checkpoints and resume")
struct ResumeTests {
    /// Reward sources with state: the test's cycling bonus, and VICE (retrained every epoch,
    /// relabelling every batch through the agent's policy).
    static func rewardSource(_ name: String) -> (TaskEnvironment, SACAgent) throws -> RewardSource {
        switch name {
        case "vice":
            return { environment, agent in
                try RewardChoice.vice.makeSource(environment: environment, agent: agent, preset: .fast, exampleCount: 20, seed: 3)
            }
        default:
            return CyclingBonusReward.init
        }
    }

    @Test("a run resumed from a checkpoint ends bit for bit as one never interrupted", .tags(.slow), .skippedInFastTier,
          arguments: ["cycling-bonus", "vice"])
    func resumeIsExact(reward: String) throws {
        var configuration = smallConfiguration(seed: 3)
        // The test's cycling bonus is no reward choice; its runs keep the dense reward's configuration.
        configuration.reward = reward == "vice" ? .vice : .dense
        // Checkpoints at 130 and 260 fall mid-episode, mid-epoch and between evaluations.
        configuration.checkpointInterval = 130
        let directory = try temporaryDirectory()
        let checkpoint = directory.appendingPathComponent("checkpoint.bin").path

        let whole = try makeLoop(configuration, rewards: Self.rewardSource(reward))
        try whole.run { _ in }

        let interrupted = try makeLoop(configuration, rewards: Self.rewardSource(reward))
        #expect(throws: Interrupted.self) {
            try interrupted.run(checkpointPath: checkpoint) { if $0.step == 200 { throw Interrupted() } }
        }
        let resumed = try makeLoop(configuration, rewards: Self.rewardSource(reward), resumingFrom: checkpoint)
        #expect(resumed.step == 130)
        #expect(resumed.records.map(\.step) == [100], "the record at step 200 came after the checkpoint")
        try resumed.run(checkpointPath: checkpoint) { _ in }

        #expect(try firstDifference(archiveBytes(resumed.agent.write), archiveBytes(whole.agent.write)) == nil, "agents differ")
        #expect(firstDifference(archiveBytes(resumed.replay.write), archiveBytes(whole.replay.write)) == nil,
                "replay buffers differ")
        #expect(try comparable(resumed.records) == comparable(whole.records))
        #expect(resumed.records.map(\.step) == [100, 200, 300])

        // The checkpoint written after the last step restores the finished state; running it does nothing.
        let finished = try makeLoop(configuration, rewards: Self.rewardSource(reward), resumingFrom: checkpoint)
        try finished.run(checkpointPath: checkpoint) { _ in Issue.record("a finished run evaluated again") }
        #expect(finished.step == 300)
        #expect(try firstDifference(archiveBytes(finished.agent.write), archiveBytes(whole.agent.write)) == nil)
    }

    @Test("replay checkpoints keep slots, fill level and write position, and cost only the filled part")
    func replayRoundTrip() throws {
        func filled(_ count: Int) -> ReplayBuffer {
            let buffer = ReplayBuffer(capacity: 8, observationSize: 2, actionSize: 1, featureSize: 1)
            for i in 0..<count {
                let x = Float(i)
                buffer.append(observation: [x, -x], action: [x / 10], nextObservation: [x + 1, 0], terminal: i % 3 == 0,
                              timeLimit: i % 4 == 0, features: [2 * x], reward: -x)
            }
            return buffer
        }
        for count in [0, 5, 11] {  // empty, partly filled, wrapped around
            let original = filled(count)
            var reader = try ArchiveReader(bytes: archiveBytes(original.write), magic: "TESTDATA", version: 1)
            let restored = ReplayBuffer(capacity: 8, observationSize: 2, actionSize: 1, featureSize: 1)
            try restored.restore(from: &reader)
            try reader.finish()
            #expect(restored.count == original.count && restored.nextIndex == original.nextIndex)
            #expect(firstDifference(archiveBytes(restored.write), archiveBytes(original.write)) == nil)
            guard count > 0 else { continue }
            var generators = (RandomGenerator(seed: 9), RandomGenerator(seed: 9))
            let batches = (ReplayBatch(size: 16, matching: original), ReplayBatch(size: 16, matching: restored))
            original.sample(into: batches.0, using: &generators.0)
            restored.sample(into: batches.1, using: &generators.1)
            #expect(batches.0.observations == batches.1.observations && batches.0.rewards == batches.1.rewards)
            #expect(batches.0.terminals == batches.1.terminals && batches.0.timeLimits == batches.1.timeLimits)
        }
        #expect(archiveBytes(filled(2).write).count < archiveBytes(filled(8).write).count)

        let other = ReplayBuffer(capacity: 8, observationSize: 2, actionSize: 1, featureSize: 3)
        other.append(observation: [1, 1], action: [0], nextObservation: [1, 1], features: [0, 0, 0])
        var reader = try ArchiveReader(bytes: archiveBytes(filled(5).write), magic: "TESTDATA", version: 1)
        #expect(throws: ArchiveError.shapeMismatch(what: "replay buffer (capacity, observation, action, feature sizes)",
                                                   expected: "[8, 2, 1, 3]", found: "[8, 2, 1, 1]")) {
            try other.restore(from: &reader)
        }
        #expect(other.count == 1, "a refused checkpoint changed the buffer")
    }

    @Test("a damaged, foreign or mismatched checkpoint is refused with an error naming the file")
    func damagedCheckpoints() throws {
        var configuration = smallConfiguration(seed: 5, steps: 100)
        configuration.checkpointInterval = 100
        let directory = try temporaryDirectory()
        let checkpoint = directory.appendingPathComponent("checkpoint.bin").path
        try makeLoop(configuration).run(checkpointPath: checkpoint) { _ in }
        let good = try Data(contentsOf: URL(fileURLWithPath: checkpoint))
        _ = try makeLoop(configuration, resumingFrom: checkpoint)

        func refusal(_ bytes: Data, _ configuration: TrainingConfiguration = configuration) throws -> String {
            let path = directory.appendingPathComponent("damaged.bin").path
            try bytes.write(to: URL(fileURLWithPath: path))
            let error = #expect(throws: ExperimentError.self) { _ = try makeLoop(configuration, resumingFrom: path) }
            let message = error.map { "\($0)" } ?? ""
            #expect(message.contains(path), "the error does not name \(path): \(message)")
            return message
        }
        #expect(try refusal(good.prefix(good.count / 2)).contains("corrupted"))
        #expect(try refusal(good.prefix(good.count - 1)).contains("corrupted"))
        #expect(try refusal(good + [0]).contains("corrupted"))
        #expect(try refusal(good.prefix(10)).contains("truncated"))
        #expect(try refusal(Data("MURALSAC".utf8) + good.dropFirst(8)).contains("not a MURALRUN file"))
        var otherSeed = configuration
        otherSeed.seed = 6
        #expect(try refusal(good, otherSeed).contains("different configuration"))

        let missing = directory.appendingPathComponent("none.bin").path
        #expect(throws: ExperimentError.missingFile(path: missing)) { _ = try makeLoop(configuration, resumingFrom: missing) }
        // A stateful source's checkpoint does not restore into the stateless task reward: its state
        // stands where the replay buffer should.
        let stateful = directory.appendingPathComponent("stateful.bin").path
        try makeLoop(configuration, rewards: CyclingBonusReward.init).run(checkpointPath: stateful) { _ in }
        #expect(throws: ExperimentError.self) { _ = try makeLoop(configuration, resumingFrom: stateful) }
    }
}
