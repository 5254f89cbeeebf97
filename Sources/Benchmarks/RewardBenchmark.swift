import Foundation
import NeuralNet
import Rewards

/// Reward-model costs on one OpenBLAS thread: meta-NML query throughput (batched and naive
/// adaptation, cold and warm) against exact CNML, meta-training steps and VICE updates. The
/// networks stay at their seeded initialisation (timing does not depend on the parameter
/// values); features are synthetic 2-D maze-like states (negatives uniform over [−4, 4]²,
/// positives near (3, 3)). Exact CNML is measured on a few queries with an L-BFGS iteration cap
/// and extrapolated: when the cap stops a fit early, its rate is an upper bound, and the
/// speed-up a lower bound.
public struct RewardBenchmark: Sendable {
    /// Hidden width H of the meta-NML and CNML classifiers.
    public var hidden = 2048
    /// Feature dimension.
    public var dimension = 2
    /// Reward queries for meta-NML (batched and naive run the same queries and support sets).
    public var queries = 1000
    /// Queries scored by the naive path (a prefix of the batched ones).
    public var naiveQueries = 1000
    /// Queries sharing one support draw per label in the shared-plan batched run.
    public var queriesPerDraw = 50
    /// Queries checked against the naive path with the shared plan.
    public var sharedCheckQueries = 100
    /// Queries scored by exact CNML.
    public var cnmlQueries = 2
    /// L-BFGS iteration cap per CNML fit (θ_MLE and each label).
    public var cnmlIterations = 25
    /// Meta-training steps to time (16 tasks each).
    public var metaSteps = 1
    /// VICE updates to time.
    public var viceUpdates = 20
    /// Seed of every random choice.
    public var seed: UInt64 = 1

    public init() {}

    public struct Report: Codable, Sendable {
        public var openBLASCore: String
        public var openBLASThreads: Int
        public var hiddenSize: Int
        public var featureDimension: Int
        public var finetuningSetSize: Int
        public var queries: Int
        public var batchedPrecomputeSeconds: Double
        public var batchedSecondsColdIncludingPrecompute: Double
        public var batchedQueriesPerSecondCold: Double
        public var batchedQueriesPerSecondWarm: Double
        public var naiveQueries: Int
        public var naiveSeconds: Double
        public var naiveQueriesPerSecond: Double
        public var batchedOverNaiveSpeedup: Double
        public var batchedOverNaiveSpeedupWarm: Double
        public var maxAbsoluteRewardDifferenceBatchedVsNaive: Double
        public var queriesPerDraw: Int
        public var batchedSharedQueriesPerSecondWarm: Double
        public var batchedSharedQueriesPerSecondCold: Double
        public var batchedSharedOverNaiveSpeedup: Double
        public var maxAbsoluteRewardDifferenceSharedBatchedVsNaive: Double
        public var sharedCheckQueries: Int
        public var cnmlQueries: Int
        public var cnmlIterationCap: Int
        public var cnmlMaximumLikelihoodSeconds: Double
        public var cnmlMaximumLikelihoodConverged: Bool
        public var cnmlFitsConverged: Int
        public var cnmlFits: Int
        public var cnmlMeanIterationsPerFit: Double
        public var cnmlSecondsPerQuery: Double
        public var cnmlQueriesPerSecondExtrapolated: Double
        public var batchedOverCNMLSpeedup: Double
        public var metaStepSecondsSecondOrder: Double
        public var metaStepSecondsFirstOrder: Double
        public var metaStepTasks: Int
        public var viceUpdateMilliseconds: Double
        public var viceBatch: Int
    }

    /// Runs on one OpenBLAS thread (and leaves OpenBLAS so), telling `progress` which phase it is in.
    public func run(progress: (String) -> Void = { _ in }) throws -> Report {
        BLASRuntime.setThreadCount(1)
        var synthetic = SyntheticRewardData(seed: seed, dimension: dimension)
        let (data, positives) = synthetic.trainingData()

        // Meta-NML queries: batched (cold: including the per-(θ, F) precompute; warm: reusing it) and naive.
        var configuration = MetaNMLRewardModel.Configuration.paper(.maze)
        configuration.hiddenSize = hidden
        let model = try MetaNMLRewardModel(featureDimension: dimension, configuration: configuration, seed: seed)
        try model.setFinetuningSet(negatives: synthetic.features(configuration.finetuningNegatives, spread: 4),
                                   positives: positives.gathering((0..<configuration.finetuningPositives).map { $0 % positives.rows }))
        let queryFeatures = synthetic.features(queries, spread: 4)
        let plan = model.makeAdaptationPlan(queryCount: queries)
        progress("meta-NML batched, \(queries) queries at H = \(hidden)")
        var start = Elapsed.now().wall
        model.prepareAdaptation()
        let precompute = Elapsed.now().wall - start
        let batched = try model.rewards(features: queryFeatures, plan: plan, path: .batched)
        let batchedCold = Elapsed.now().wall - start
        start = Elapsed.now().wall
        _ = try model.rewards(features: queryFeatures, plan: model.makeAdaptationPlan(queryCount: queries), path: .batched)
        let batchedWarm = Elapsed.now().wall - start
        let sharedPlan = model.makeAdaptationPlan(queryCount: queries, queriesPerDraw: queriesPerDraw)
        start = Elapsed.now().wall
        let batchedShared = try model.rewards(features: queryFeatures, plan: sharedPlan, path: .batched)
        let batchedSharedWarm = Elapsed.now().wall - start
        progress("meta-NML naive, \(naiveQueries) queries")
        let naiveFeatures = queryFeatures.gathering(Array(0..<naiveQueries))
        start = Elapsed.now().wall
        let naive = try model.rewards(features: naiveFeatures, plan: Array(plan.prefix(2 * naiveQueries)), path: .naive)
        let naiveSeconds = Elapsed.now().wall - start
        let maxDifference = zip(batched, naive).map { Double(abs($0 - $1)) }.max()!
        progress("meta-NML naive with the shared plan, \(sharedCheckQueries) queries (correctness only)")
        let naiveShared = try model.rewards(features: queryFeatures.gathering(Array(0..<sharedCheckQueries)),
                                            plan: Array(sharedPlan.prefix(2 * sharedCheckQueries)), path: .naive)
        let maxSharedDifference = zip(batchedShared, naiveShared).map { Double(abs($0 - $1)) }.max()!

        // Exact CNML on the same finetuning set, extrapolated from a few queries.
        progress("exact CNML: θ_MLE, then \(cnmlQueries) queries (≤ \(cnmlIterations) L-BFGS iterations per fit)")
        let cnmlNetwork = MLP(inputSize: dimension, hiddenSizes: [hidden, hidden], outputSize: 2)
        start = Elapsed.now().wall
        let cnml = ExactCNML(network: cnmlNetwork, data: model.finetuning!, initialParameters: model.parameters,
                             settings: .init(gradientTolerance: 1e-4, maxIterations: cnmlIterations))
        let mleSeconds = Elapsed.now().wall - start
        var fits: [ExactCNML<Float>.FitReport] = []
        start = Elapsed.now().wall
        for i in 0..<cnmlQueries {
            fits += cnml.successProbability(query: Array(queryFeatures.row(i))).fits
        }
        let cnmlPerQuery = (Elapsed.now().wall - start) / Double(cnmlQueries)

        // One meta-training step: 16 tasks (8 query points × both labels), second and first order.
        func metaStepSeconds(secondOrder: Bool) throws -> Double {
            var c = configuration
            c.queryPoolNegatives = 8 * metaSteps
            c.initialMetaEpochs = 1
            c.secondOrder = secondOrder
            let trainer = try MetaNMLRewardModel(featureDimension: dimension, configuration: c, seed: seed)
            let begin = Elapsed.now().wall
            let summary = try trainer.update(epoch: 0, data: data)
            precondition(summary.optimizerSteps == metaSteps)
            return (Elapsed.now().wall - begin) / Double(metaSteps)
        }
        progress("meta-training steps")
        let secondOrderStep = try metaStepSeconds(secondOrder: true)
        let firstOrderStep = try metaStepSeconds(secondOrder: false)

        progress("VICE updates")
        // VICE: one Adam step on 128 + 128 (the policy's log π is a stand-in closure, not timed as SAC work).
        var viceConfiguration = VICERewardModel.Configuration.vice
        viceConfiguration.initialUpdates = 1
        viceConfiguration.updatesPerEpoch = 1
        let vice = try VICERewardModel(featureDimension: dimension, configuration: viceConfiguration, seed: seed)
        try vice.update(epoch: 0, data: data)
        start = Elapsed.now().wall
        for epoch in 1...viceUpdates { try vice.update(epoch: epoch, data: data) }
        let viceSeconds = (Elapsed.now().wall - start) / Double(viceUpdates)

        let report = Report(
            openBLASCore: BLASRuntime.coreName, openBLASThreads: BLASRuntime.threadCount,
            hiddenSize: hidden, featureDimension: dimension, finetuningSetSize: model.finetuning!.count, queries: queries,
            batchedPrecomputeSeconds: precompute, batchedSecondsColdIncludingPrecompute: batchedCold,
            batchedQueriesPerSecondCold: Double(queries) / batchedCold, batchedQueriesPerSecondWarm: Double(queries) / batchedWarm,
            naiveQueries: naiveQueries, naiveSeconds: naiveSeconds, naiveQueriesPerSecond: Double(naiveQueries) / naiveSeconds,
            batchedOverNaiveSpeedup: (Double(queries) / batchedCold) / (Double(naiveQueries) / naiveSeconds),
            batchedOverNaiveSpeedupWarm: (Double(queries) / batchedWarm) / (Double(naiveQueries) / naiveSeconds),
            maxAbsoluteRewardDifferenceBatchedVsNaive: maxDifference,
            queriesPerDraw: queriesPerDraw,
            batchedSharedQueriesPerSecondWarm: Double(queries) / batchedSharedWarm,
            batchedSharedQueriesPerSecondCold: Double(queries) / (batchedSharedWarm + precompute),
            batchedSharedOverNaiveSpeedup: (Double(queries) / (batchedSharedWarm + precompute)) / (Double(naiveQueries) / naiveSeconds),
            maxAbsoluteRewardDifferenceSharedBatchedVsNaive: maxSharedDifference,
            sharedCheckQueries: sharedCheckQueries,
            cnmlQueries: cnmlQueries, cnmlIterationCap: cnmlIterations, cnmlMaximumLikelihoodSeconds: mleSeconds,
            cnmlMaximumLikelihoodConverged: cnml.maximumLikelihoodReport.converged,
            cnmlFitsConverged: fits.filter(\.converged).count, cnmlFits: fits.count,
            cnmlMeanIterationsPerFit: Double(fits.map(\.iterations).reduce(0, +)) / Double(fits.count),
            cnmlSecondsPerQuery: cnmlPerQuery, cnmlQueriesPerSecondExtrapolated: 1 / cnmlPerQuery,
            batchedOverCNMLSpeedup: (Double(queries) / batchedCold) * cnmlPerQuery,
            metaStepSecondsSecondOrder: secondOrderStep, metaStepSecondsFirstOrder: firstOrderStep,
            metaStepTasks: configuration.tasksPerMetaStep,
            viceUpdateMilliseconds: viceSeconds * 1e3,
            viceBatch: viceConfiguration.negativesPerBatch + viceConfiguration.positivesPerBatch)
        return report
    }
}
