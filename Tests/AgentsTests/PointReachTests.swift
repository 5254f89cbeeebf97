import Agents
import NeuralNet
import Randomness
import TestSupport
import Testing

/// A point in the open square [−1, 1]² that must reach a fixed goal; pure Swift dynamics, no physics engine.
struct PointReach {
    static let goal: [Float] = [0.6, -0.4]
    static let horizon = 25
    static let speed: Float = 0.1
    static let successRadius: Float = 0.1

    private(set) var position: [Float] = [0, 0]

    mutating func reset(using generator: inout RandomGenerator) -> [Float] {
        position = (0..<2).map { _ in Float(generator.uniform(-1...1)) }
        return position
    }

    /// Moves by speed·a (clipped to the arena) and returns the new position and the dense reward −‖p − g‖.
    mutating func step(_ action: [Float]) -> (observation: [Float], reward: Float) {
        for i in 0..<2 { position[i] = min(max(position[i] + Self.speed * action[i], -1), 1) }
        return (position, -distanceToGoal)
    }

    var distanceToGoal: Float {
        let dx = position[0] - Self.goal[0], dy = position[1] - Self.goal[1]
        return (dx * dx + dy * dy).squareRoot()
    }
}

/// Trains SAC on `PointReach` and returns the deterministic policy's success rate over `evaluationEpisodes`.
///
/// MURAL's settings except for the scale of the run: (64, 64) networks, batch 64, 500 warm-up steps, and
/// learning rates of 1e-3 instead of 3e-4 so that a 2500-step budget suffices. With these settings, seeds 1–12
/// all reached 100 %, with the Cooperlake and with the Haswell OpenBLAS kernel (at 2000 steps one seed of 12
/// failed; at 3e-4 and 3000 steps half the seeds stayed below 90 %).
func trainPointReach(seed: UInt64, environmentSteps: Int, evaluationEpisodes: Int = 20) -> Double {
    var configuration = SACConfiguration()
    configuration.hiddenSizes = [64, 64]
    configuration.batchSize = 64
    configuration.warmUpSteps = 500
    configuration.minimumReplaySize = 100
    configuration.policyLearningRate = 1e-3
    configuration.qLearningRate = 1e-3
    configuration.temperatureLearningRate = 1e-3
    configuration.replayCapacity = environmentSteps
    let agent = SACAgent(observationSize: 2, actionSize: 2, configuration: configuration, seed: seed)
    let replay = agent.makeReplayBuffer()
    var environmentGenerator = RandomGenerator(seed: seed &+ 1000)
    var environment = PointReach()

    var observation = environment.reset(using: &environmentGenerator)
    for step in 0..<environmentSteps {
        let action = agent.explorationAction(observation: observation, environmentStep: step)
        let (next, reward) = environment.step(action)
        // Episodes end on the time limit only, which is not terminal: the critic bootstraps through it.
        let timeLimit = (step + 1) % PointReach.horizon == 0
        replay.append(observation: observation, action: action, nextObservation: next, terminal: false,
                      timeLimit: timeLimit, reward: reward)
        observation = timeLimit ? environment.reset(using: &environmentGenerator) : next
        if agent.isReadyToUpdate(replay: replay) {
            for _ in 0..<configuration.updatesPerStep { agent.update(from: replay) }
        }
    }

    var evaluationGenerator = RandomGenerator(seed: 424_242)
    var successes = 0
    for _ in 0..<evaluationEpisodes {
        var observation = environment.reset(using: &evaluationGenerator)
        for _ in 0..<PointReach.horizon { observation = environment.step(agent.act(observation: observation, deterministic: true)).observation }
        if environment.distanceToGoal < PointReach.successRadius { successes += 1 }
    }
    return Double(successes) / Double(evaluationEpisodes)
}

@Suite("SAC learns", .tags(.slow), .skippedInFastTier)
struct PointReachTests {
    /// One OpenBLAS thread, as training runs use: bit-reproducibility across runs relies on it for some kernels.
    init() { BLASRuntime.setThreadCount(1) }

    @Test("SAC reaches a 2-D goal from random starts (dense reward −distance)")
    func reachesGoal() {
        let successRate = trainPointReach(seed: 1, environmentSteps: 2500)
        #expect(successRate >= 0.9, "deterministic policy reached the goal in only \(Int(successRate * 100)) % of episodes")
    }
}
