import NeuralNet
import Randomness
@testable import Rewards
import TestSupport
import Testing

@Suite struct MetaNMLTests {
    /// The second-order meta-gradient (I − α∇²L_in)∇L_out(θ′) against central differences of
    /// θ ↦ L_out(θ − α∇L_in(θ)), in Double, on every parameter of a small network.
    @Test func metaGradientMatchesFiniteDifferences() {
        let network = MLP(inputSize: 2, hiddenSizes: [6, 6], outputSize: 2)
        var g = RandomGenerator(seed: 11)
        let theta = network.initialParameters(as: Double.self, using: &g).map { $0 * 3 }
        func points(_ n: Int) -> WeightedPoints<Double> {
            WeightedPoints(inputs: (0..<(2 * n)).map { _ in g.uniform(-2...2) },
                           labels: (0..<n).map { _ in Double(g.index(below: 2)) },
                           weights: (0..<n).map { _ in g.uniform(0.05...1) }, dimension: 2)
        }
        let support = points(8), outer = points(20)
        let alpha = 0.5  // large, so that the Hessian term is far above the finite-difference error
        let learner = MetaLearner<Double>(network: network, supportCapacity: 8, outerCapacity: 20)
        var secondOrder = [Double](), differenced = [Double](), firstOrder = [Double]()
        _ = learner.metaGradient(parameters: theta, support: support, outer: outer, innerStepSize: alpha, secondOrder: .exact, into: &secondOrder)
        _ = learner.metaGradient(parameters: theta, support: support, outer: outer, innerStepSize: alpha,
                                 secondOrder: .centralDifference, into: &differenced)
        _ = learner.metaGradient(parameters: theta, support: support, outer: outer, innerStepSize: alpha, secondOrder: nil, into: &firstOrder)
        let check = MetaLearner<Double>(network: network, supportCapacity: 8, outerCapacity: 20)
        var probe = theta
        let h = 1e-6
        let numeric = theta.indices.map { i -> Double in
            probe[i] = theta[i] + h
            let plus = check.outerLoss(parameters: probe, support: support, outer: outer, innerStepSize: alpha)
            probe[i] = theta[i] - h
            let minus = check.outerLoss(parameters: probe, support: support, outer: outer, innerStepSize: alpha)
            probe[i] = theta[i]
            return (plus - minus) / (2 * h)
        }
        let error = zip(secondOrder, numeric).map { abs($0 - $1) }.max()!
        let differencedError = zip(differenced, numeric).map { abs($0 - $1) }.max()!
        let firstOrderError = zip(firstOrder, numeric).map { abs($0 - $1) }.max()!
        let scale = numeric.map(abs).max()!
        #expect(error < 1e-6 * max(1, scale), "second-order (R-operator) error \(error), gradient scale \(scale)")
        #expect(differencedError < 1e-6 * max(1, scale), "second-order (central differences) error \(differencedError)")
        // The Hessian term matters here, so the check can tell second order from first order.
        #expect(firstOrderError > 100 * error, "first-order error \(firstOrderError) vs second-order \(error)")
    }

    /// Batched adaptation (never forming θ′) equals the naive one (θ′ per query and label) on the
    /// same support subsets and weights, before and after the finetuning set exists.
    @Test func batchedAdaptationEqualsNaive() throws {
        var configuration = smallMetaNMLConfiguration(hiddenSize: 48)
        configuration.pointsPerTask = 64
        configuration.distanceThreshold = 1.5
        let model = try MetaNMLRewardModel(featureDimension: 3, configuration: configuration, seed: 5)
        var g = RandomGenerator(seed: 99)
        let queries = try FeatureMatrix(rows: 40, columns: 3, values: (0..<120).map { _ in Float(g.uniform(-1...1)) })

        // Epoch 0: the support set is the query alone.
        let plan0 = model.makeAdaptationPlan(queryCount: queries.rows)
        let naive0 = try model.rewards(features: queries, plan: plan0, path: .naive)
        let batched0 = try model.rewards(features: queries, plan: plan0, path: .batched)
        #expect(zip(naive0, batched0).map { abs($0 - $1) }.max()! < 1e-4)

        let negatives = try FeatureMatrix(rows: 300, columns: 3, values: (0..<900).map { _ in Float(g.uniform(-1...1)) })
        let positives = try FeatureMatrix(rows: 100, columns: 3, values: (0..<300).map { _ in Float(g.uniform(0...1)) })
        try model.setFinetuningSet(negatives: negatives, positives: positives)
        let plan = model.makeAdaptationPlan(queryCount: queries.rows)
        #expect(plan.allSatisfy { Set($0).count == 63 })
        let naive = try model.rewards(features: queries, plan: plan, path: .naive)
        let batched = try model.rewards(features: queries, plan: plan, path: .batched)
        let difference = zip(naive, batched).map { abs($0 - $1) }.max()!
        #expect(difference < 1e-4, "max |Δr| = \(difference)")
        // The adaptation does something: rewards differ from the unadapted 0.5-ish spread and between queries.
        #expect(Set(batched).count > 30)

        // Support draws shared by blocks of 8 queries take the GEMM path; still the same function.
        let shared = model.makeAdaptationPlan(queryCount: queries.rows, queriesPerDraw: 8)
        #expect(shared[0] == shared[2] && shared[1] == shared[3] && shared[0] != shared[1] && shared[0] != shared[16])
        let naiveShared = try model.rewards(features: queries, plan: shared, path: .naive)
        let batchedShared = try model.rewards(features: queries, plan: shared, path: .batched)
        let sharedDifference = zip(naiveShared, batchedShared).map { abs($0 - $1) }.max()!
        #expect(sharedDifference < 1e-4, "max |Δr| with shared supports = \(sharedDifference)")
    }

    /// Novel states get ≈ 0.5, states near the success examples get high rewards, and densely visited
    /// negative states get low rewards, after meta-training on a 2-D toy task.
    @Test(.tags(.slow), .skippedInFastTier) func qualitativeBehaviour() throws {
        let task = ToyTask(seed: 7)
        let model = try MetaNMLRewardModel(featureDimension: 2, configuration: smallMetaNMLConfiguration(hiddenSize: 256), seed: 1)
        try model.update(epoch: 0, data: task.trainingData())
        for epoch in 1..<4 { try model.update(epoch: epoch, data: task.trainingData()) }
        let r = try model.rewards(features: try FeatureMatrix([[4, -4], [-1, -1], [-1.5, -0.5], [1.5, 1.5], [1.4, 1.6]]))
        print("meta-NML toy rewards: far \(r[0]), negatives \(r[1]) \(r[2]), positives \(r[3]) \(r[4])")
        #expect(abs(r[0] - 0.5) < 0.15)
        #expect(r[1] < 0.15 && r[2] < 0.15)
        #expect(r[3] > 0.8 && r[4] > 0.8)
    }
}

@Suite(.tags(.slow), .skippedInFastTier) struct MetaNMLAccuracyTests {
    /// Meta-NML against exact CNML on a 2-D toy task whose states sit on five cells two units apart (far
    /// beyond τ = 0.5): A (−2, −2) only negatives, B (0, −2) mostly negatives, D (2, −2) mostly positives,
    /// C (2, 2) only positives, and empty space. The CNML reference fits, to convergence, the objective
    /// meta-NML's outer loss trains one inner step to reach: D = the model's finetuning set weighted by
    /// exp(−2.3‖x − x_j‖/τ), plus the query with weight qpw/2. With repeated states this is the
    /// weighted-count estimate p ≈ (n⁺ + ½)/(n⁺ + n⁻ + 1) per cell and ½ in empty space, for any model that
    /// can fit each cell (on continuous data a converged flexible model memorises the query and CNML is ½
    /// almost everywhere, which is why the cells are discrete).
    @Test func metaNMLApproximatesCNML() throws {
        func repeated(_ point: [Float], _ n: Int) -> [[Float]] { Array(repeating: point, count: n) }
        var task = ToyTask(seed: 0, negativeCount: 0, positiveCount: 0)
        task.negatives = repeated([-2, -2], 200) + repeated([0, -2], 100) + repeated([2, -2], 60)
        task.positives = repeated([2, 2], 40) + repeated([0, -2], 10) + repeated([2, -2], 30)
        let model = try MetaNMLRewardModel(featureDimension: 2, configuration: smallMetaNMLConfiguration(hiddenSize: 256), seed: 1)
        for epoch in 0..<4 { try model.update(epoch: epoch, data: task.trainingData()) }
        let finetuning = try #require(model.finetuning)
        let data = WeightedPoints<Double>(inputs: finetuning.inputs.map(Double.init), labels: finetuning.labels.map(Double.init), dimension: 2)
        let network = MLP(inputSize: 2, hiddenSizes: [16, 16], outputSize: 2)
        var g = RandomGenerator(seed: 2)
        let cnml = ExactCNML(network: network, data: data, initialParameters: network.initialParameters(as: Double.self, using: &g),
                             settings: .init(gradientTolerance: 1e-6, maxIterations: 400),
                             weighting: .init(distanceThreshold: 0.5, queryWeight: 0.5))
        let queries: [[Float]] = [[-2, -2], [0, -2], [2, -2], [2, 2], [-2, 2], [0, 2], [-4, 0], [4, 0]]
        var metaNML: [Float] = []
        for _ in 0..<8 { metaNML.append(contentsOf: try model.rewards(features: try FeatureMatrix(queries))) }
        let exact = queries.map { cnml.successProbability(query: $0.map(Double.init)).probability }
        // Meta-NML draws a fresh support subset per call; average 8 draws per query.
        let averaged = queries.indices.map { i in (0..<8).map { Double(metaNML[$0 * queries.count + i]) }.reduce(0, +) / 8 }
        // Meta-NML is meta-trained on queries drawn from the replay buffer (cells A, B, D); that is where it
        // is meant to approximate CNML, so the bound applies there. Positives-only and empty-space queries
        // are never meta-training queries; their gap is printed for the report, not bounded.
        let trained = 0..<3
        let error = trained.map { abs(averaged[$0] - exact[$0]) }.reduce(0, +) / Double(trained.count)
        let constantError = trained.map { abs(0.5 - exact[$0]) }.reduce(0, +) / Double(trained.count)
        let outside = (3..<queries.count).map { abs(averaged[$0] - exact[$0]) }.reduce(0, +) / Double(queries.count - 3)
        print("meta-NML vs CNML on replay states: mean |Δp| = \(error) (constant ½: \(constantError)); elsewhere: \(outside)")
        print("meta-NML: \(averaged.map { ($0 * 1000).rounded() / 1000 })")
        print("CNML:     \(exact.map { ($0 * 1000).rounded() / 1000 })")
        #expect(error < 0.08)
        #expect(error < 0.25 * constantError)
    }
}
