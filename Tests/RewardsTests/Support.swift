import NeuralNet
import Randomness
@testable import Rewards

/// A 2-D toy task: negatives ("replay") uniform in a square, positives clustered around a goal.
struct ToyTask {
    var negatives: [[Float]]
    var positives: [[Float]]

    init(seed: UInt64, negativeCount: Int = 400, positiveCount: Int = 60,
         negativeBox: ClosedRange<Float> = -2...0, goal: (Float, Float) = (1.5, 1.5), goalRadius: Float = 0.2) {
        var g = RandomGenerator(seed: seed)
        func uniform(_ range: ClosedRange<Float>) -> Float { Float(g.uniform(Double(range.lowerBound)...Double(range.upperBound))) }
        negatives = (0..<negativeCount).map { _ in [uniform(negativeBox), uniform(negativeBox)] }
        positives = (0..<positiveCount).map { _ in
            [goal.0 + uniform(-goalRadius...goalRadius), goal.1 + uniform(-goalRadius...goalRadius)]
        }
    }

    var positiveMatrix: FeatureMatrix { try! FeatureMatrix(positives) }

    /// Replay sampling as the training loop does it: uniform with replacement, from the model's generator.
    /// Observations are the features with a constant appended (a stand-in for the full observation).
    func trainingData(logPolicy: ((FeatureMatrix) throws -> [Float])? = nil) -> RewardTrainingData {
        let negatives = self.negatives
        return RewardTrainingData(
            positives: positiveMatrix,
            positiveObservations: try! FeatureMatrix(positives.map { $0 + [1] }),
            sampleNegatives: { count, generator in
                let rows = (0..<count).map { _ in negatives[generator.index(below: negatives.count)] }
                return NegativeSample(features: try FeatureMatrix(rows), observations: try FeatureMatrix(rows.map { $0 + [1] }))
            },
            logPolicy: logPolicy)
    }
}

/// A meta-NML configuration small enough for debug-build tests.
func smallMetaNMLConfiguration(hiddenSize: Int = 32) -> MetaNMLRewardModel.Configuration {
    var c = MetaNMLRewardModel.Configuration(hiddenSize: hiddenSize, distanceThreshold: 0.5, queryPointWeight: 1)
    c.queryPoolNegatives = 16
    c.testPoolNegatives = 128
    c.testPoolPositives = 128
    c.pointsPerTask = 32
    c.outerNegatives = 127
    c.outerPositives = 127
    c.tasksPerMetaStep = 8
    c.initialMetaEpochs = 5
    c.finetuningNegatives = 128
    c.finetuningPositives = 128
    return c
}

func temporaryPath(_ name: String) -> String {
    "/tmp/rewards-tests-\(name)-\(UInt64.random(in: 0..<UInt64.max))"
}
