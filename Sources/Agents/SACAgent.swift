import Glibc
import NeuralNet
import Randomness

/// Losses and diagnostics of one SAC gradient step.
public struct SACUpdateStatistics: Sendable, Equatable {
    /// J_Q averaged over the twin critics.
    public var criticLoss: Float
    public var policyLoss: Float
    /// The temperature α the step used (before its own update).
    public var temperature: Float
    /// −mean log π(a|s) over the batch: the policy's entropy estimate.
    public var entropy: Float
    /// Mean of min(Q₁, Q₂) at the policy's actions.
    public var meanQ: Float
}

/// Soft Actor-Critic with twin critics and a learned temperature, as MURAL runs it
/// (Haarnoja et al. 2018b, "Soft Actor-Critic Algorithms and Applications", arXiv:1812.05905;
/// settings from softlearning, mural-reference.md §2.1).
///
/// A training loop drives it with `explorationAction`, stores transitions in a `ReplayBuffer`, and calls
/// `update(from:rewards:)`; the `rewards` closure lets any reward model (meta-NML, a VICE classifier)
/// label the sampled batch. Everything random draws from one `RandomGenerator`, so a seed fixes every bit
/// of the run once the loop pins OpenBLAS to one thread (`BLASRuntime.setThreadCount(1)`) and a kernel
/// (`OPENBLAS_CORETYPE`): different kernels round differently, and some are not reproducible across threads.
public final class SACAgent {
    public let configuration: SACConfiguration
    public let observationSize: Int
    public let actionSize: Int
    /// s ↦ (μ, raw log σ), 2|A| outputs.
    public let policyNetwork: MLP
    /// (s, a) ↦ Q, one output; both critics and their targets share this architecture.
    public let criticNetwork: MLP

    public internal(set) var policyParameters: [Float]
    var policyOptimizer: Adam<Float>
    var critics: [Critic]
    public internal(set) var logTemperature: Float
    var temperatureOptimizer: Adam<Float>
    public internal(set) var generator: RandomGenerator
    public internal(set) var updateCount = 0

    /// The distribution head on top of `policyNetwork`.
    public let policy: SquashedGaussianPolicy
    let scratch: SACScratch

    /// One critic: its parameters, its Polyak-averaged target, and its optimiser. A class, so that the
    /// optimiser can update the parameters in place without an overlapping access to `critics`.
    final class Critic {
        var parameters: [Float]
        var target: [Float]
        var optimizer: Adam<Float>

        init(parameters: [Float], target: [Float], optimizer: Adam<Float>) {
            self.parameters = parameters
            self.target = target
            self.optimizer = optimizer
        }
    }

    public init(observationSize: Int, actionSize: Int, configuration: SACConfiguration = .init(), seed: UInt64) {
        precondition(observationSize > 0 && actionSize > 0, "observation and action sizes must be positive")
        self.configuration = configuration
        self.observationSize = observationSize
        self.actionSize = actionSize
        policyNetwork = MLP(inputSize: observationSize, hiddenSizes: configuration.hiddenSizes, outputSize: 2 * actionSize)
        criticNetwork = MLP(inputSize: observationSize + actionSize, hiddenSizes: configuration.hiddenSizes, outputSize: 1)
        policy = SquashedGaussianPolicy(actionSize: actionSize, logStdRange: configuration.logStdRange)

        generator = RandomGenerator(seed: seed)
        policyParameters = policyNetwork.initialParameters(using: &generator)
        policyOptimizer = Adam(parameterCount: policyNetwork.parameterCount, learningRate: configuration.policyLearningRate)
        critics = []
        for _ in 0..<2 {
            let parameters: [Float] = criticNetwork.initialParameters(using: &generator)
            // Targets start as exact copies (softlearning `sac.py` hard-copies before training).
            critics.append(Critic(
                parameters: parameters, target: parameters,
                optimizer: Adam(parameterCount: parameters.count, learningRate: configuration.qLearningRate)))
        }
        logTemperature = configuration.initialLogTemperature
        temperatureOptimizer = Adam(parameterCount: 1, learningRate: configuration.temperatureLearningRate)
        scratch = SACScratch(policyNetwork: policyNetwork, criticNetwork: criticNetwork,
                             batchSize: configuration.batchSize, actionSize: actionSize)
    }

    public var temperature: Float { expf(logTemperature) }
    public var targetEntropy: Float { configuration.targetEntropy ?? -Float(actionSize) }
    public func criticParameters(_ index: Int) -> [Float] { critics[index].parameters }
    public func targetCriticParameters(_ index: Int) -> [Float] { critics[index].target }

    /// FLOPs of all GEMM/GEMV calls the agent has made so far (for throughput reports).
    public var gemmFLOPs: Int {
        ([scratch.policyWorkspace, scratch.actingWorkspace] + scratch.criticWorkspaces).reduce(0) { $0 + $1.gemmFLOPs }
    }

    // MARK: Acting

    /// The policy's action for one observation: tanh(μ(s)) when `deterministic` (evaluation), otherwise a
    /// sample from π(·|s). Each component lies in (−1, 1).
    public func act(observation: [Float], deterministic: Bool) -> [Float] {
        precondition(observation.count == observationSize, "observation must have \(observationSize) values")
        let outputs = policyParameters.withUnsafeBufferPointer { parameters in
            observation.withUnsafeBufferPointer { input in
                policyNetwork.forward(parameters: parameters, input: input, batchSize: 1, workspace: scratch.actingWorkspace)
            }
        }
        var action = [Float](repeating: 0, count: actionSize)
        action.withUnsafeMutableBufferPointer { action in
            if deterministic {
                policy.meanAction(outputs: outputs, actions: action)
            } else {
                var noise = [Float](repeating: 0, count: actionSize)
                for i in noise.indices { noise[i] = Float(generator.normal()) }
                var logProbability: Float = 0
                noise.withUnsafeBufferPointer { noise in
                    withUnsafeMutablePointer(to: &logProbability) { logProbability in
                        policy.sample(outputs: outputs, noise: noise, actions: action,
                                      logProbabilities: UnsafeMutableBufferPointer(start: logProbability, count: 1))
                    }
                }
            }
        }
        return action
    }

    /// A uniform action in [−1, 1]^|A|, for the warm-up phase.
    public func randomAction() -> [Float] {
        (0..<actionSize).map { _ in Float(generator.uniform(-1...1)) }
    }

    /// The action to take at training step `environmentStep` (0-based): uniform during the
    /// `warmUpSteps` warm-up, then a stochastic policy sample.
    public func explorationAction(observation: [Float], environmentStep: Int) -> [Float] {
        environmentStep < configuration.warmUpSteps ? randomAction() : act(observation: observation, deterministic: false)
    }

    /// An empty replay buffer of `replayCapacity` transitions shaped for this agent.
    public func makeReplayBuffer(featureSize: Int = 0) -> ReplayBuffer {
        ReplayBuffer(capacity: configuration.replayCapacity, observationSize: observationSize,
                     actionSize: actionSize, featureSize: featureSize)
    }

    /// Whether the loop should take gradient steps now (the replay holds at least `minimumReplaySize`).
    public func isReadyToUpdate(replay: ReplayBuffer) -> Bool {
        replay.count >= configuration.minimumReplaySize
    }

    // MARK: Learning

    /// One SAC gradient step on a minibatch sampled from `replay`.
    ///
    /// - Parameter rewards: if given, called with the sampled batch before any loss is formed; it may
    ///   overwrite `batch.rewards` (a reward model relabelling the batch). Otherwise stored rewards are used.
    @discardableResult
    public func update(from replay: ReplayBuffer, rewards: ((ReplayBatch) -> Void)? = nil) -> SACUpdateStatistics {
        precondition(replay.observationSize == observationSize && replay.actionSize == actionSize,
                     "replay buffer holds transitions of a different shape")
        let batch = scratch.batch(matching: replay)
        replay.sample(into: batch, using: &generator)
        rewards?(batch)

        let alpha = temperature
        let criticLoss = updateCritics(batch: batch, alpha: alpha)
        let (policyLoss, entropy, meanQ) = updatePolicy(batch: batch, alpha: alpha)
        updateTemperature(entropy: entropy)
        updateTargets()
        updateCount += 1
        return SACUpdateStatistics(criticLoss: criticLoss, policyLoss: policyLoss, temperature: alpha,
                                   entropy: entropy, meanQ: meanQ)
    }

    /// J_Q(θⱼ) = E[½(Qⱼ(s, a) − y)²] with y = r + γ(1 − d)(minⱼ Q̄ⱼ(s′, a′) − α log π(a′|s′)), a′ ~ π(·|s′)
    /// (arXiv:1812.05905 eqs. 3 and 5, with the clipped double-Q minimum of Fujimoto et al. 2018).
    private func updateCritics(batch: ReplayBatch, alpha: Float) -> Float {
        let s = scratch, n = batch.size
        samplePolicy(observations: batch.nextObservations)
        s.fillCriticInput(observations: batch.nextObservations, actions: UnsafeBufferPointer(s.actions))
        for j in 0..<2 {
            let q = critics[j].target.withUnsafeBufferPointer { target in
                criticNetwork.forward(parameters: target, input: UnsafeBufferPointer(s.criticInput),
                                      batchSize: n, workspace: s.criticWorkspaces[j])
            }
            for i in 0..<n { s.minimumQ[i] = j == 0 ? q[i] : Swift.min(s.minimumQ[i], q[i]) }
        }
        for i in 0..<n {
            let softValue = s.minimumQ[i] - alpha * s.logProbabilities[i]
            s.targets[i] = batch.rewards[i] + configuration.discount * (1 - batch.terminals[i]) * softValue
        }

        s.fillCriticInput(observations: batch.observations, actions: batch.actions)
        var totalLoss: Float = 0
        for j in 0..<2 {
            critics[j].parameters.withUnsafeBufferPointer { parameters in
                let q = criticNetwork.forward(parameters: parameters, input: UnsafeBufferPointer(s.criticInput),
                                              batchSize: n, workspace: s.criticWorkspaces[j])
                // ½·MSE: halve the loss and its gradient.
                totalLoss += 0.5 * Loss.meanSquaredError(predictions: q, targets: UnsafeBufferPointer(s.targets),
                                                         width: 1, gradient: s.outputGradient)
                for i in 0..<n { s.outputGradient[i] *= 0.5 }
                criticNetwork.backward(parameters: parameters, outputGradient: UnsafeBufferPointer(s.outputGradient),
                                       workspace: s.criticWorkspaces[j], parameterGradient: s.criticGradient,
                                       inputGradient: nil)
            }
            let critic = critics[j]
            critic.parameters.withUnsafeMutableBufferPointer { parameters in
                critic.optimizer.update(parameters, gradient: UnsafeBufferPointer(s.criticGradient))
            }
        }
        return totalLoss / 2
    }

    /// J_π(φ) = E[α log π(ã|s) − minⱼ Qⱼ(s, ã)], ã = tanh(μ + σε) (arXiv:1812.05905 eqs. 7–9).
    private func updatePolicy(batch: ReplayBatch, alpha: Float) -> (loss: Float, entropy: Float, meanQ: Float) {
        let s = scratch, n = batch.size
        samplePolicy(observations: batch.observations)
        s.fillCriticInput(observations: batch.observations, actions: UnsafeBufferPointer(s.actions))
        // Each critic's outputs stay valid in its own workspace until its next forward pass.
        let criticOutputs = (0..<2).map { j in
            critics[j].parameters.withUnsafeBufferPointer { parameters in
                criticNetwork.forward(parameters: parameters, input: UnsafeBufferPointer(s.criticInput),
                                      batchSize: n, workspace: s.criticWorkspaces[j])
            }
        }
        var loss: Float = 0, sumLogProbability: Float = 0, sumQ: Float = 0
        for i in 0..<n {
            let q = Swift.min(criticOutputs[0][i], criticOutputs[1][i])
            loss += alpha * s.logProbabilities[i] - q
            sumLogProbability += s.logProbabilities[i]
            sumQ += q
        }

        // ∂J/∂ã flows only through the critic that attains the minimum in each row.
        let inverseBatch = 1 / Float(n)
        s.actionGradient.update(repeating: 0)
        for j in 0..<2 {
            for i in 0..<n {
                let isMinimum = j == 0 ? criticOutputs[0][i] <= criticOutputs[1][i] : criticOutputs[1][i] < criticOutputs[0][i]
                s.outputGradient[i] = isMinimum ? -inverseBatch : 0
            }
            critics[j].parameters.withUnsafeBufferPointer { parameters in
                criticNetwork.backward(parameters: parameters, outputGradient: UnsafeBufferPointer(s.outputGradient),
                                       workspace: s.criticWorkspaces[j], parameterGradient: nil,
                                       inputGradient: s.criticInputGradient)
            }
            for i in 0..<n {
                for k in 0..<actionSize {
                    s.actionGradient[i * actionSize + k] += s.criticInputGradient[i * (observationSize + actionSize) + observationSize + k]
                }
            }
        }
        s.logProbabilityGradient.update(repeating: alpha * inverseBatch)
        policy.backpropagate(
            outputs: s.policyWorkspace.output(layer: policyNetwork.layerCount - 1), noise: UnsafeBufferPointer(s.noise),
            actions: UnsafeBufferPointer(s.actions), actionGradient: UnsafeBufferPointer(s.actionGradient),
            logProbabilityGradient: UnsafeBufferPointer(s.logProbabilityGradient), outputGradient: s.policyOutputGradient)
        policyParameters.withUnsafeBufferPointer { parameters in
            policyNetwork.backward(parameters: parameters, outputGradient: UnsafeBufferPointer(s.policyOutputGradient),
                                   workspace: s.policyWorkspace, parameterGradient: s.policyGradient, inputGradient: nil)
        }
        policyParameters.withUnsafeMutableBufferPointer { parameters in
            policyOptimizer.update(parameters, gradient: UnsafeBufferPointer(s.policyGradient))
        }
        return (loss * inverseBatch, -sumLogProbability * inverseBatch, sumQ * inverseBatch)
    }

    /// J(α) = E[−α(log π(a|s) + H̄)] (arXiv:1812.05905 eq. 18), optimised in log α as softlearning does:
    /// ∂J/∂log α = −(E[log π] + H̄) = entropy − H̄.
    private func updateTemperature(entropy: Float) {
        var gradient = entropy - targetEntropy
        withUnsafeMutablePointer(to: &logTemperature) { logAlpha in
            withUnsafePointer(to: &gradient) {
                temperatureOptimizer.update(UnsafeMutableBufferPointer(start: logAlpha, count: 1),
                                            gradient: UnsafeBufferPointer(start: $0, count: 1))
            }
        }
    }

    /// θ̄ⱼ ← τθⱼ + (1 − τ)θ̄ⱼ after every gradient step.
    private func updateTargets() {
        let tau = configuration.targetSmoothing
        for critic in critics {
            critic.target.withUnsafeMutableBufferPointer { target in
                critic.parameters.withUnsafeBufferPointer { online in
                    for k in 0..<target.count { target[k] += tau * (online[k] - target[k]) }
                }
            }
        }
    }

    /// Runs the policy on `observations` (batch rows) and draws ã, log π(ã|s) into the scratch buffers.
    private func samplePolicy(observations: [Float]) {
        let s = scratch
        for i in 0..<s.noise.count { s.noise[i] = Float(generator.normal()) }
        let outputs = policyParameters.withUnsafeBufferPointer { parameters in
            observations.withUnsafeBufferPointer { input in
                policyNetwork.forward(parameters: parameters, input: input, batchSize: s.batchSize, workspace: s.policyWorkspace)
            }
        }
        policy.sample(outputs: outputs, noise: UnsafeBufferPointer(s.noise), actions: s.actions,
                      logProbabilities: s.logProbabilities)
    }
}
