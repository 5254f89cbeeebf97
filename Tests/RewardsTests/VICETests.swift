import NeuralNet
import Randomness
@testable import Rewards
import Testing

@Suite struct VICETests {
    func trainedModel(_ configure: (inout VICERewardModel.Configuration) -> Void) throws -> (VICERewardModel, ToyTask) {
        var configuration = VICERewardModel.Configuration.vice
        configuration.hiddenSizes = [32, 32]
        configuration.learningRate = 3e-3
        configuration.updatesPerEpoch = 60
        configuration.initialUpdates = 60
        configure(&configuration)
        let task = ToyTask(seed: 3)
        let model = try VICERewardModel(featureDimension: 2, configuration: configuration, seed: 4)
        // A stand-in policy: log π(a′|s) depends on the state, so the discriminator must account for it.
        let logPolicy: (FeatureMatrix) throws -> [Float] = { o in (0..<o.rows).map { -1 + 0.3 * o.row($0).first! } }
        for epoch in 0..<3 { try model.update(epoch: epoch, data: task.trainingData(logPolicy: logPolicy)) }
        return (model, task)
    }

    func separation(_ model: VICERewardModel, _ task: ToyTask) throws -> (accuracy: Double, gap: Float) {
        let f = try model.rewards(features: try FeatureMatrix(task.negatives + task.positives))
        let (neg, pos) = (f[..<task.negatives.count], f[task.negatives.count...])
        let threshold = (neg.max()! + pos.min()!) / 2
        let correct = neg.filter { $0 < threshold }.count + pos.filter { $0 > threshold }.count
        let gap = pos.reduce(0, +) / Float(pos.count) - neg.reduce(0, +) / Float(neg.count)
        return (Double(correct) / Double(f.count), gap)
    }

    @Test(arguments: [VICERewardModel.LossKind.discriminator, .binaryCrossEntropy])
    func separatesPositivesFromNegatives(loss: VICERewardModel.LossKind) throws {
        let (model, task) = try trainedModel { $0.loss = loss }
        let (accuracy, gap) = try separation(model, task)
        #expect(model.timing == .recomputedPerBatch)
        #expect(model.gradientSteps == 180)
        #expect(accuracy == 1, "accuracy \(accuracy)")
        #expect(gap > 2, "mean logit gap \(gap)")
    }

    @Test func mixupAndWeightDecayStillSeparate() throws {
        let (model, task) = try trainedModel { $0.mixupAlpha = 1; $0.weightDecay = 1e-4 }
        let (accuracy, gap) = try separation(model, task)
        #expect(accuracy == 1 && gap > 1, "accuracy \(accuracy), gap \(gap)")
    }

    @Test func presets() {
        let raq = VICERewardModel.Configuration.viceRAQ
        #expect(raq.negativesPerBatch == 256 && raq.positivesPerBatch == 256 && raq.updatesPerEpoch == 10 && raq.mixupAlpha == 1)
        let vice = VICERewardModel.Configuration.vice
        #expect(vice.learningRate == 1e-4 && vice.updatesPerEpoch == 2 && vice.initialUpdates == 1 && vice.hiddenSizes == [256, 256])
    }

    /// Beta(α, α) draws have mean ½ and variance 1/(4(2α + 1)).
    @Test(arguments: [0.4, 1.0, 3.0])
    func betaSampler(alpha: Double) {
        var g = RandomGenerator(seed: 8)
        let draws = (0..<20000).map { _ in sampleBeta(alpha, using: &g) }
        let mean = draws.reduce(0, +) / Double(draws.count)
        let variance = draws.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(draws.count)
        #expect(abs(mean - 0.5) < 0.01)
        #expect(abs(variance - 1 / (4 * (2 * alpha + 1))) < 0.01)
    }
}

@Suite struct BaselineTests {
    @Test func sparseReward() throws {
        let model = try SparseRewardModel(featureDimension: 2)
        let features = try FeatureMatrix([[0, 0], [1, 1]])
        #expect(try model.rewards(features: features, successes: [false, true]) == [-1, 0])
        #expect(model.timing == .storedAtCollection)
    }

    @Test func countBonus() throws {
        let model = try CountBonusRewardModel(configuration: .init(
            lowerBounds: [-4, -4], upperBounds: [4, 4], binsPerDimension: 8, bonusScale: 1))
        try model.observe(features: try FeatureMatrix([[0.1, 0.1], [0.9, 0.9], [0.5, 0.2], [0.5, 0.5], [-3.9, -3.9], [100, -100]]))
        #expect(model.cell(of: [0.1, 0.1]) == [4, 4])
        #expect(model.cell(of: [100, -100]) == [7, 0])  // clamped to the edge bins
        let r = try model.rewards(features: try FeatureMatrix([[0.3, 0.3], [-3.5, -3.5], [2.5, 2.5]]), successes: [false, true, false])
        // Cell (4, 4) holds 4 visits; (0, 0) one visit, plus success (0); (6, 6) none (counts as 1).
        #expect(r == [Float(-0.5), 1, 0])
    }
}
