import NeuralNet
import Randomness
import Rewards

/// Maze-like data for the reward benchmarks: 2-D states, success examples near (3, 3), replay
/// states uniform over [−4, 4]², every draw from one seeded generator in the order asked for.
/// Timing does not depend on the values, only the sizes; the seed makes the runs comparable.
struct SyntheticRewardData {
    let dimension: Int
    private var generator: RandomGenerator

    init(seed: UInt64, dimension: Int) {
        self.dimension = dimension
        generator = RandomGenerator(seed: seed)
    }

    /// `rows` states uniform within `spread` of `centre` (the origin when nil) in every coordinate.
    mutating func features(_ rows: Int, near centre: Float? = nil, spread: Float) -> FeatureMatrix {
        let values = (0..<(rows * dimension)).map { _ in (centre ?? 0) + Float(generator.uniform(-Double(spread)...Double(spread))) }
        return try! FeatureMatrix(rows: rows, columns: dimension, values: values)
    }

    /// 150 success examples near (3, 3) against negatives sampled from 20,000 replay states, and
    /// the examples themselves. The policy's log π, which only VICE reads, is minus the first coordinate.
    mutating func trainingData() -> (data: RewardTrainingData, positives: FeatureMatrix) {
        let replay = features(20_000, spread: 4)
        let positives = features(150, near: 3, spread: 0.1)
        let data = RewardTrainingData(
            positives: positives, positiveObservations: positives,
            sampleNegatives: { count, g in
                let rows = replay.gathering((0..<count).map { _ in g.index(below: replay.rows) })
                return NegativeSample(features: rows, observations: rows)
            },
            logPolicy: { observations in (0..<observations.rows).map { -Float(observations.row($0).first!) } })
        return (data, positives)
    }
}
