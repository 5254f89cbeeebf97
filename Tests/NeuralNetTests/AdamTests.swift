import Foundation
import Testing
import NeuralNet

@Suite("Adam")
struct AdamTests {
    @Test("two steps match Kingma & Ba's update computed by hand")
    func matchesReference() {
        var adam = Adam<Double>(parameterCount: 2, learningRate: 0.1)
        var parameters: [Double] = [1, -2]
        let gradients: [[Double]] = [[0.5, -4], [0.25, 1]]
        var m = [0.0, 0], v = [0.0, 0], expected = parameters
        for (t, g) in gradients.enumerated() {
            adam.update(&parameters, gradient: g)
            for i in 0..<2 {
                m[i] = 0.9 * m[i] + 0.1 * g[i]
                v[i] = 0.999 * v[i] + 0.001 * g[i] * g[i]
                let mHat = m[i] / (1 - pow(0.9, Double(t + 1))), vHat = v[i] / (1 - pow(0.999, Double(t + 1)))
                expected[i] -= 0.1 * mHat / (vHat.squareRoot() + 1e-8)
            }
            #expect(maxRelativeError(parameters, expected) < 1e-14, "step \(t + 1): \(parameters) vs \(expected)")
        }
        #expect(adam.step == 2)
    }

    @Test("minimises a badly scaled quadratic")
    func convergesOnQuadratic() {
        // f(θ) = Σ cᵢ(θᵢ − 1)² with curvatures spanning four orders of magnitude.
        let curvature: [Float] = [100, 1, 0.01]
        var adam = Adam<Float>(parameterCount: 3, learningRate: 0.05)
        var theta: [Float] = [5, -5, 3]
        for _ in 0..<2000 {
            let gradient = (0..<3).map { 2 * curvature[$0] * (theta[$0] - 1) }
            adam.update(&theta, gradient: gradient)
        }
        #expect(theta.allSatisfy { abs($0 - 1) < 0.02 }, "Adam ended at \(theta), optimum is (1, 1, 1)")
    }
}

