import Agents
import NeuralNet
import Randomness
import Testing

@Suite("Replay buffer")
struct ReplayBufferTests {
    /// Transition i has observation (i, −i), action i, next observation (i + 1, 0), reward i/10, features (2i),
/// and is terminal when 3 | i and cut by the time limit when 4 | i.
    static func filled(capacity: Int, count: Int) -> ReplayBuffer {
        let buffer = ReplayBuffer(capacity: capacity, observationSize: 2, actionSize: 1, featureSize: 1)
        for i in 0..<count {
            let x = Float(i)
            buffer.append(observation: [x, -x], action: [x], nextObservation: [x + 1, 0], terminal: i % 3 == 0,
                          timeLimit: i % 4 == 0, features: [2 * x], reward: x / 10)
        }
        return buffer
    }

    @Test("sampled rows keep every field of a transition together")
    func sampleConsistency() {
        let buffer = Self.filled(capacity: 50, count: 20)
        let batch = ReplayBatch(size: 64, matching: buffer)
        var generator = RandomGenerator(seed: 3)
        buffer.sample(into: batch, using: &generator)
        for row in 0..<batch.size {
            let x = batch.actions[row]
            #expect(batch.indices[row] == Int(x) && x >= 0 && x < 20, "row \(row) came from slot \(batch.indices[row])")
            #expect(batch.observations[(2 * row)..<(2 * row + 2)] == [x, -x])
            #expect(batch.nextObservations[(2 * row)..<(2 * row + 2)] == [x + 1, 0])
            #expect(batch.features[row] == 2 * x && batch.rewards[row] == x / 10)
            #expect(batch.terminals[row] == (Int(x) % 3 == 0 ? 1 : 0) && batch.timeLimits[row] == (Int(x) % 4 == 0 ? 1 : 0))
        }
        #expect(Set(batch.indices).count > 10, "64 draws from 20 slots should cover most of them")
    }

    @Test("bounded: overwrites the oldest transitions once full")
    func ringBehaviour() {
        let buffer = Self.filled(capacity: 8, count: 11)
        #expect(buffer.count == 8 && buffer.nextIndex == 3)
        #expect(Array(buffer.observation(at: 0)) == [8, -8], "slot 0 should hold transition 8")
        #expect(Array(buffer.observation(at: 3)) == [3, -3], "slot 3 should still hold transition 3")
    }

    @Test("same seed, same minibatches")
    func seededSampling() {
        let buffer = Self.filled(capacity: 100, count: 100)
        let a = ReplayBatch(size: 16, matching: buffer), b = ReplayBatch(size: 16, matching: buffer)
        var g1 = RandomGenerator(seed: 9), g2 = RandomGenerator(seed: 9), g3 = RandomGenerator(seed: 10)
        buffer.sample(into: a, using: &g1)
        buffer.sample(into: b, using: &g2)
        #expect(a.indices == b.indices)
        buffer.sample(into: b, using: &g3)
        #expect(a.indices != b.indices)
    }

    @Test("a reward model can recompute the reward column from the stored features")
    func rewardRecomputation() {
        let buffer = Self.filled(capacity: 10, count: 6)
        buffer.withRewards { features, rewards in
            for i in rewards.indices { rewards[i] = features[i] + 1 }
        }
        #expect((0..<6).map(buffer.reward(at:)) == [1, 3, 5, 7, 9, 11])
        buffer.setReward(-1, at: 2)
        #expect(buffer.reward(at: 2) == -1)
    }
}
