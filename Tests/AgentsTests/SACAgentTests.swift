import Agents
import Foundation
import NeuralNet
import Randomness
import Testing

@Suite("SAC agent")
struct SACAgentTests {
    /// One OpenBLAS thread, as training runs use: bit-reproducibility across runs relies on it for some kernels.
    init() { BLASRuntime.setThreadCount(1) }

    static var smallConfiguration: SACConfiguration {
        var configuration = SACConfiguration()
        configuration.hiddenSizes = [32, 32]
        configuration.batchSize = 32
        return configuration
    }

    /// A replay buffer of 200 random transitions in a 3-D observation, 2-D action space.
    static func randomReplay(seed: UInt64) -> ReplayBuffer {
        var generator = RandomGenerator(seed: seed)
        let replay = ReplayBuffer(capacity: 200, observationSize: 3, actionSize: 2, featureSize: 3)
        for _ in 0..<200 {
            let observation = (0..<3).map { _ in Float(generator.uniform(-1...1)) }
            let next = (0..<3).map { _ in Float(generator.uniform(-1...1)) }
            replay.append(observation: observation, action: [Float(generator.uniform(-1...1)), 0.5],
                          nextObservation: next, features: next, reward: next[0])
        }
        return replay
    }

    static func agent(seed: UInt64) -> SACAgent {
        SACAgent(observationSize: 3, actionSize: 2, configuration: smallConfiguration, seed: seed)
    }

    /// Every learned quantity, as bits, for exact comparisons.
    static func fingerprint(_ agent: SACAgent) -> [UInt32] {
        (agent.policyParameters + agent.criticParameters(0) + agent.criticParameters(1)
            + agent.targetCriticParameters(0) + agent.targetCriticParameters(1) + [agent.logTemperature]).map(\.bitPattern)
    }

    @Test("same seed gives identical bits after 20 updates; another seed does not")
    func determinism() {
        let replay = Self.randomReplay(seed: 1)
        let (a, b, c) = (Self.agent(seed: 7), Self.agent(seed: 7), Self.agent(seed: 8))
        for _ in 0..<20 { a.update(from: replay); b.update(from: replay); c.update(from: replay) }
        #expect(Self.fingerprint(a) == Self.fingerprint(b), "two runs with seed 7 diverged")
        #expect(a.act(observation: [0.1, 0.2, 0.3], deterministic: false) == b.act(observation: [0.1, 0.2, 0.3], deterministic: false))
        #expect(Self.fingerprint(a) != Self.fingerprint(c), "seeds 7 and 8 produced the same agent")
    }

    @Test("targets start as copies and then track θ̄ ← τθ + (1 − τ)θ̄")
    func targetNetworks() {
        let agent = Self.agent(seed: 2)
        #expect(agent.targetCriticParameters(0) == agent.criticParameters(0))
        #expect(agent.criticParameters(0) != agent.criticParameters(1), "twin critics must be initialised independently")
        let oldTarget = agent.targetCriticParameters(1)
        agent.update(from: Self.randomReplay(seed: 2))
        let online = agent.criticParameters(1), target = agent.targetCriticParameters(1)
        #expect(online != oldTarget, "the critic did not learn")
        let worst = zip(zip(online, oldTarget), target).map { abs(0.005 * $0.0 + 0.995 * $0.1 - $1) }.max()!
        #expect(worst < 1e-6, "target deviates from the Polyak average by \(worst)")
    }

    @Test("temperature falls when the policy's entropy exceeds the target")
    func temperature() {
        var configuration = Self.smallConfiguration
        configuration.targetEntropy = -50   // far below any Gaussian's entropy here
        let agent = SACAgent(observationSize: 3, actionSize: 2, configuration: configuration, seed: 3)
        let replay = Self.randomReplay(seed: 3)
        let first = agent.update(from: replay)
        #expect(first.temperature == 1, "log α starts at 0")
        for _ in 0..<10 { agent.update(from: replay) }
        #expect(agent.logTemperature < -10 * 3e-4 * 0.9, "log α = \(agent.logTemperature) did not move down at the Adam rate")
    }

    @Test("a reward closure relabels the sampled batch before the critic target is formed")
    func rewardClosure() {
        let replay = Self.randomReplay(seed: 4)
        let stored = Self.agent(seed: 4), relabelled = Self.agent(seed: 4)
        var rowsSeen = 0, featureMismatches = 0
        // Stored rewards lie in [−1, 1] and Q starts near 0, so ½(Q − y)² is about 0.5 per row; with every
        // reward relabelled to 10 it is about ½·10² = 50.
        let storedLoss = stored.update(from: replay).criticLoss
        let relabelledLoss = relabelled.update(from: replay) { batch in
            for row in 0..<batch.size {
                rowsSeen += 1
                if Array(replay.features(at: batch.indices[row])) != Array(batch.features[(3 * row)..<(3 * row + 3)]) {
                    featureMismatches += 1
                }
                batch.rewards[row] = 10
            }
        }.criticLoss
        #expect(rowsSeen == 32 && featureMismatches == 0, "the closure should see each sampled row with its own features")
        #expect(storedLoss < 5 && relabelledLoss > 40,
                "critic loss \(relabelledLoss) with rewards 10 vs \(storedLoss) with stored rewards: relabelling was ignored")
    }

    @Test("terminal transitions do not bootstrap: their critic target is the reward alone")
    func terminalTransitions() {
        // With one stored transition every row of the batch is that transition, so J_Q is known in closed form.
        func criticLoss(terminal: Bool) -> (reported: Float, expectedWithoutBootstrap: Float) {
            let agent = Self.agent(seed: 9)
            let replay = ReplayBuffer(capacity: 1, observationSize: 3, actionSize: 2)
            let (observation, action, reward): ([Float], [Float], Float) = ([0.2, -0.4, 0.9], [0.3, -0.8], 0.7)
            replay.append(observation: observation, action: action, nextObservation: [1, 1, 1], terminal: terminal,
                          timeLimit: !terminal, reward: reward)
            let workspace = MLPWorkspace<Float>(for: agent.criticNetwork, capacity: 1)
            let q = (0..<2).map { j in
                agent.criticParameters(j).withUnsafeBufferPointer { p in
                    (observation + action).withUnsafeBufferPointer {
                        agent.criticNetwork.forward(parameters: p, input: $0, batchSize: 1, workspace: workspace)[0]
                    }
                }
            }
            let expected = 0.25 * ((q[0] - reward) * (q[0] - reward) + (q[1] - reward) * (q[1] - reward))
            return (agent.update(from: replay).criticLoss, expected)
        }
        let terminal = criticLoss(terminal: true), continuing = criticLoss(terminal: false)
        #expect(abs(terminal.reported - terminal.expectedWithoutBootstrap) < 1e-5,
                "terminal: J_Q = \(terminal.reported), ½(Q − r)² gives \(terminal.expectedWithoutBootstrap)")
        #expect(abs(continuing.reported - continuing.expectedWithoutBootstrap) > 1e-3,
                "a non-terminal transition (time limit) must bootstrap from the next state")
    }

    @Test("the GEMM FLOP count of one update matches the passes SAC makes")
    func flopAccounting() {
        let agent = Self.agent(seed: 10), replay = Self.randomReplay(seed: 10)
        let before = agent.gemmFLOPs
        agent.update(from: replay)
        let batch = Self.smallConfiguration.batchSize
        func full(_ network: MLP) -> Int { network.forwardFLOPs(batchSize: batch) }
        func withoutInputLayer(_ network: MLP) -> Int {
            full(network) - 2 * batch * network.layerSizes[0] * network.layerSizes[1]
        }
        // Policy: forward on s′ and on s, then ∂θ for every layer and ∂a for all but the input layer.
        let policy = 3 * full(agent.policyNetwork) + withoutInputLayer(agent.policyNetwork)
        // Each critic: target forward, forward + backward (∂θ, and ∂a below the input layer), forward at
        // the policy's actions and backward to the action input.
        let critics = 2 * (5 * full(agent.criticNetwork) + withoutInputLayer(agent.criticNetwork))
        #expect(agent.gemmFLOPs - before == policy + critics)
    }

    @Test("deterministic act is tanh(μ), repeatable and does not consume randomness")
    func acting() {
        let agent = Self.agent(seed: 5)
        let generator = agent.generator
        let a1 = agent.act(observation: [0.5, -0.5, 1], deterministic: true)
        let a2 = agent.act(observation: [0.5, -0.5, 1], deterministic: true)
        #expect(a1 == a2 && agent.generator == generator)
        let stochastic = agent.act(observation: [0.5, -0.5, 1], deterministic: false)
        #expect(stochastic != a1 && agent.generator != generator)
        #expect((a1 + stochastic).allSatisfy { $0 > -1 && $0 < 1 })
        let warmUp = agent.explorationAction(observation: [0, 0, 0], environmentStep: 0)
        #expect(warmUp.count == 2 && warmUp.allSatisfy { $0 >= -1 && $0 <= 1 })
    }

    @Test("checkpoint: a loaded agent continues bit for bit; bad files are rejected")
    func checkpoint() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mural-sac-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/agent.sac"

        let replay = Self.randomReplay(seed: 6)
        let original = Self.agent(seed: 6)
        for _ in 0..<5 { original.update(from: replay) }
        try original.save(to: path)
        let restored = try SACAgent.load(from: path)
        #expect(restored.configuration == original.configuration && restored.updateCount == 5)
        #expect(Self.fingerprint(restored) == Self.fingerprint(original))
        for _ in 0..<5 { original.update(from: replay); restored.update(from: replay) }
        #expect(Self.fingerprint(restored) == Self.fingerprint(original),
                "resumed agent diverged: optimiser or generator state was not restored")

        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        try bytes.prefix(bytes.count - 9).write(to: URL(fileURLWithPath: path))
        #expect { _ = try SACAgent.load(from: path) } throws: { error in
            guard case .inFile(path, .checksumMismatch)? = error as? ArchiveError else { return false }
            return true
        }
        try NetworkCheckpoint(architecture: original.criticNetwork, parameters: original.criticParameters(0)).save(to: path)
        #expect(throws: ArchiveError.inFile(path: path, .badMagic(expected: "MURALSAC", found: "\"MURALNET\""))) {
            _ = try SACAgent.load(from: path)
        }
    }
}
