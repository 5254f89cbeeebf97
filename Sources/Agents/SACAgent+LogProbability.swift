import NeuralNet
import Randomness

extension SACAgent {
    /// log π(a′|s) for a fresh sample a′ ~ π(·|s) at each of `count` observations (row-major,
    /// `count × observationSize`): the policy term of VICE's discriminator, D = e^f / (e^f + π).
    ///
    /// Draws its noise from the agent's own generator, so it is reproducible and checkpointed
    /// with the agent.
    public func sampledLogProbabilities(observations: [Float], count: Int) -> [Float] {
        precondition(observations.count == count * observationSize, "expected \(count)×\(observationSize) observation values")
        guard count > 0 else { return [] }
        let workspace = MLPWorkspace<Float>(for: policyNetwork, capacity: count)
        var noise = [Float](repeating: 0, count: count * actionSize)
        for i in noise.indices { noise[i] = Float(generator.normal()) }
        var actions = [Float](repeating: 0, count: count * actionSize)
        var logProbabilities = [Float](repeating: 0, count: count)
        let outputs = policyParameters.withUnsafeBufferPointer { parameters in
            observations.withUnsafeBufferPointer { input in
                policyNetwork.forward(parameters: parameters, input: input, batchSize: count, workspace: workspace)
            }
        }
        noise.withUnsafeBufferPointer { noise in
            actions.withUnsafeMutableBufferPointer { actions in
                logProbabilities.withUnsafeMutableBufferPointer { logProbabilities in
                    policy.sample(outputs: outputs, noise: noise, actions: actions, logProbabilities: logProbabilities)
                }
            }
        }
        return logProbabilities
    }
}
