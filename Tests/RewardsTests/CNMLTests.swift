import NeuralNet
import Randomness
@testable import Rewards
import Testing

@Suite struct ExactCNMLTests {
    /// One-hot inputs and a linear one-hot → 2-logit model can fit every cell, so CNML reduces to the
    /// Laplace estimate (n⁺ + 1)/(n⁺ + n⁻ + 2) (mural-reference.md §1.1).
    @Test func tabularCNMLIsLaplace() {
        let counts: [(positive: Int, negative: Int)] = [(1, 1), (2, 1), (1, 3), (3, 2), (4, 1)]
        let k = counts.count
        var data = WeightedPoints<Double>(dimension: k)
        for (cell, c) in counts.enumerated() {
            let x = (0..<k).map { $0 == cell ? 1.0 : 0.0 }
            for _ in 0..<c.positive { data.append(x, label: 1, weight: 1) }
            for _ in 0..<c.negative { data.append(x, label: 0, weight: 1) }
        }
        let network = MLP(layerSizes: [k, 2], activations: [.identity])
        var g = RandomGenerator(seed: 3)
        let cnml = ExactCNML(network: network, data: data, initialParameters: network.initialParameters(as: Double.self, using: &g),
                             settings: .init(gradientTolerance: 1e-9, maxIterations: 5000))
        #expect(cnml.maximumLikelihoodReport.converged)
        for (cell, c) in counts.enumerated() {
            let (p, fits) = cnml.successProbability(query: (0..<k).map { $0 == cell ? 1.0 : 0.0 })
            let laplace = Double(c.positive + 1) / Double(c.positive + c.negative + 2)
            #expect(fits.allSatisfy { $0.converged })
            #expect(abs(p - laplace) < 1e-7, "cell \(cell): CNML \(p), Laplace \(laplace)")
        }
    }

    /// The L-BFGS fit reports non-convergence honestly when its step cap is hit.
    @Test func fitReportsStepCap() {
        let network = MLP(inputSize: 2, hiddenSizes: [8], outputSize: 2)
        var g = RandomGenerator(seed: 1)
        let data = WeightedPoints<Double>(inputs: [0, 0, 1, 1, 0, 1], labels: [0, 1, 1], dimension: 2)
        let cnml = ExactCNML(network: network, data: data, initialParameters: network.initialParameters(as: Double.self, using: &g),
                             settings: .init(gradientTolerance: 1e-14, maxIterations: 3))
        #expect(cnml.maximumLikelihoodReport.iterations == 3)
        #expect(!cnml.maximumLikelihoodReport.converged)
    }
}
