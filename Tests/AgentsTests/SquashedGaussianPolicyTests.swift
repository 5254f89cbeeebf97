import Foundation
import Testing
import NeuralNet
import Agents

@Suite("Tanh-squashed Gaussian policy")
struct SquashedGaussianPolicyTests {
    let policy = SquashedGaussianPolicy(actionSize: 3, logStdRange: -20...2)
    // Row 0 is ordinary; row 1 has one log σ above the clip (5 → 2) and one near-saturated mean.
    let outputs: [Float] = [0.3, -0.8, 1.2, -0.5, 0.1, -1.5,
                            4.0, 0.0, -0.7, 5.0, -1.0, 0.4]
    let noise: [Float] = [0.4, -1.1, 0.9, -0.3, 1.7, 0.2]

    func sample(_ outputs: [Float]) -> (actions: [Float], logProbabilities: [Float]) {
        var actions = [Float](repeating: 0, count: 6), logProbabilities = [Float](repeating: 0, count: 2)
        outputs.withUnsafeBufferPointer { o in
            noise.withUnsafeBufferPointer { n in
                actions.withUnsafeMutableBufferPointer { a in
                    logProbabilities.withUnsafeMutableBufferPointer { policy.sample(outputs: o, noise: n, actions: a, logProbabilities: $0) }
                }
            }
        }
        return (actions, logProbabilities)
    }

    @Test("log π(a|s) equals the change-of-variables density computed independently in Double")
    func logProbability() {
        let (actions, logProbabilities) = sample(outputs)
        for row in 0..<2 {
            var expected = 0.0
            for i in 0..<3 {
                let mean = Double(outputs[row * 6 + i])
                let logStd = min(max(Double(outputs[row * 6 + 3 + i]), -20), 2)
                let u = mean + exp(logStd) * Double(noise[row * 3 + i])
                #expect(abs(Double(actions[row * 3 + i]) - tanh(u)) < 1e-6, "a ≠ tanh(μ + σε)")
                // log N(u; μ, σ) − log |da/du|, with da/du = 1 − tanh²u.
                let gaussian = -0.5 * pow((u - mean) / exp(logStd), 2) - logStd - 0.5 * log(2 * Double.pi)
                expected += gaussian - log(1 - tanh(u) * tanh(u))
            }
            #expect(abs(Double(logProbabilities[row]) - expected) < 1e-4 * max(1, abs(expected)),
                    "row \(row): log π = \(logProbabilities[row]), expected \(expected)")
        }
    }

    @Test("backpropagation through the reparameterised sample matches finite differences")
    func gradient() {
        let actionWeights: [Float] = [0.7, -1.3, 0.4, 1.1, 0.2, -0.6]
        let logProbabilityWeights: [Float] = [0.5, -0.25]
        func objective(_ outputs: [Float]) -> Double {
            let (a, logPi) = sample(outputs)
            return zip(a, actionWeights).reduce(0) { $0 + Double($1.0 * $1.1) }
                + zip(logPi, logProbabilityWeights).reduce(0) { $0 + Double($1.0 * $1.1) }
        }
        let (actions, _) = sample(outputs)
        var analytic = [Float](repeating: .nan, count: outputs.count)
        outputs.withUnsafeBufferPointer { o in
            noise.withUnsafeBufferPointer { n in
                actions.withUnsafeBufferPointer { a in
                    actionWeights.withUnsafeBufferPointer { ga in
                        logProbabilityWeights.withUnsafeBufferPointer { gl in
                            analytic.withUnsafeMutableBufferPointer {
                                policy.backpropagate(outputs: o, noise: n, actions: a, actionGradient: ga,
                                                     logProbabilityGradient: gl, outputGradient: $0)
                            }
                        }
                    }
                }
            }
        }
        let h: Float = 1e-2
        for k in outputs.indices {
            var plus = outputs, minus = outputs
            plus[k] += h
            minus[k] -= h
            let numeric = (objective(plus) - objective(minus)) / Double(2 * h)
            #expect(abs(Double(analytic[k]) - numeric) < 2e-3 * max(1, abs(numeric)),
                    "∂/∂output[\(k)]: analytic \(analytic[k]), numeric \(numeric)")
        }
        #expect(analytic[9] == 0, "a clipped log σ must not receive gradient")
    }

    @Test("log π stays finite when tanh saturates in Float")
    func saturation() {
        let (actions, logProbabilities) = sample([30, -30, 0, 2, 2, 2, 0, 0, 0, 0, 0, 0])
        #expect(actions[0] == 1 && actions[1] == -1)
        #expect(logProbabilities.allSatisfy { $0.isFinite }, "log π = \(logProbabilities)")
    }
}
