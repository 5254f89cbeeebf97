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

    @Test("the vectorised step gives the scalar formula's bits, on subnormal moments and on every tail length",
          arguments: [1, 3, 4, 7, 8, 9, 17, 1031])
    func vectorisedStepMatchesScalarBits(count: Int) {
        // Dead units' moments sink to subnormals (0.9 × the smallest one rounds back to it), the
        // case the kernel is vectorised for; the values cycle through normal, subnormal and zero.
        let seeds: [Float] = [0.37, -1.2e-3, .leastNonzeroMagnitude, 0, 4e-39, -2.5, 1e-20, .leastNormalMagnitude]
        var theta = (0..<count).map { seeds[$0 % seeds.count] + 1 }
        var gradient = (0..<count).map { seeds[($0 + 3) % seeds.count] }
        var adam = Adam<Float>(parameterCount: count, learningRate: 3e-4)
        adam.firstMoment = (0..<count).map { seeds[($0 + 2) % seeds.count] }
        adam.secondMoment = (0..<count).map { abs(seeds[($0 + 5) % seeds.count]) }
        var (expectedTheta, m, v) = (theta, adam.firstMoment, adam.secondMoment)
        for step in 1...3 {
            let correction1 = 1 - Float.exp(Float(step) * Float.log(0.9))
            let correction2 = 1 - Float.exp(Float(step) * Float.log(0.999))
            let (stepSize, inverseCorrection2) = (Float(3e-4) / correction1, 1 / correction2)
            for i in 0..<count {
                m[i] = 0.9 * m[i] + (1 - 0.9) * gradient[i]
                v[i] = 0.999 * v[i] + (1 - 0.999) * gradient[i] * gradient[i]
                expectedTheta[i] -= stepSize * m[i] / ((v[i] * inverseCorrection2).squareRoot() + 1e-8)
            }
            adam.update(&theta, gradient: gradient)
            gradient = gradient.map { $0 * 0.5 }
        }
        for (name, got, want) in [("θ", theta, expectedTheta), ("m", adam.firstMoment, m), ("v", adam.secondMoment, v)] {
            let differing = zip(got, want).enumerated().filter { $0.element.0.bitPattern != $0.element.1.bitPattern }
            #expect(differing.isEmpty, "\(name) differs from the scalar formula at \(differing.prefix(3).map { "[\($0.offset)] \($0.element.0) vs \($0.element.1)" })")
        }
    }
}
