import Foundation
import NeuralNet
import Rewards

/// One epoch of paper-size meta-NML at several OpenBLAS thread counts, for cells that may use k
/// cores (`mural train --threads`). An epoch after the first is a meta-epoch (16 Adam steps of 16
/// tasks each) and the epoch's 1000 reward queries, batched, with their precompute; the benchmark
/// times one Adam step and the queries, and counts the epoch as 16 steps plus the queries. Every
/// count runs the same seeded model and data, twice, and the rewards must repeat bit for bit.
public struct MetaNMLThreadsBenchmark: Sendable {
    public var threadCounts = [1, 2]
    public var hidden = 2048
    public var queries = 1000
    public var seed: UInt64 = 1

    public init() {}

    public struct Measurement: Codable, Sendable {
        public var threads: Int
        public var metaEpochSeconds: Double
        public var querySeconds: Double
        public var epochSeconds: Double
        /// The first count's epoch time (one thread's, by default) over this one's.
        public var speedup: Double
        /// Whether a second epoch from the same state gave the same rewards, bit for bit.
        public var repeatsBitForBit: Bool
    }

    public struct Report: Codable, Sendable {
        public var machine: Machine
        public var openBLASCore: String
        public var hiddenSize: Int
        public var queries: Int
        public var measurements: [Measurement]
    }

    public func run(progress: (String) -> Void = { _ in }) throws -> Report {
        defer { BLASRuntime.setThreadCount(1) }
        var measurements: [Measurement] = []
        for threads in threadCounts {
            BLASRuntime.setThreadCount(threads)
            progress("\(threads) thread(s): a paper-size meta-NML epoch, H = \(hidden)")
            let first = try epoch(), second = try epoch()
            let seconds = first.metaEpoch + first.queries
            measurements.append(Measurement(threads: threads, metaEpochSeconds: first.metaEpoch, querySeconds: first.queries,
                                            epochSeconds: seconds, speedup: (measurements.first?.epochSeconds ?? seconds) / seconds,
                                            repeatsBitForBit: first.rewards == second.rewards))
        }
        return Report(machine: Machine.current(), openBLASCore: BLASRuntime.coreName, hiddenSize: hidden, queries: queries,
                      measurements: measurements)
    }

    /// Adam steps in one meta-epoch of the reference (256 tasks in steps of 16).
    static let stepsPerMetaEpoch = 16

    /// A fresh seeded model's one-step update and the epoch's queries, timed.
    private func epoch() throws -> (metaEpoch: Double, queries: Double, rewards: [Float]) {
        var synthetic = SyntheticRewardData(seed: seed, dimension: 2)
        let (data, _) = synthetic.trainingData()
        var configuration = MetaNMLRewardModel.Configuration.paper(.maze)
        configuration.hiddenSize = hidden
        // One update of one Adam step (8 query points × both labels = 16 tasks).
        configuration.queryPoolNegatives = 8
        configuration.initialMetaEpochs = 1
        let model = try MetaNMLRewardModel(featureDimension: synthetic.dimension, configuration: configuration, seed: seed)
        let queryFeatures = synthetic.features(queries, spread: 4)
        var start = Elapsed.now().wall
        let summary = try model.update(epoch: 0, data: data)
        precondition(summary.optimizerSteps == 1, "the timed update should be one Adam step")
        let metaEpoch = (Elapsed.now().wall - start) * Double(MetaNMLThreadsBenchmark.stepsPerMetaEpoch)
        start = Elapsed.now().wall
        let rewards = try model.rewards(features: queryFeatures)
        return (metaEpoch, Elapsed.now().wall - start, rewards)
    }
}
