import ArgumentParser
import Foundation
import NeuralNet
import Randomness
import Rewards

/// `mural bench rewards`: query throughput of meta-NML (batched and naive adaptation) against exact CNML,
/// and the cost of meta-training and VICE updates, on one OpenBLAS thread.
struct BenchRewardsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rewards",
        abstract: "Benchmark reward models: meta-NML batched vs naive vs exact CNML, meta-training, VICE.",
        discussion: """
            The networks are at their seeded initialisation: timing does not depend on the parameter values. \
            Features are synthetic 2-D maze-like states (negatives uniform over [−4, 4]², positives near (3, 3)). \
            Exact CNML is measured on a few queries with an L-BFGS iteration cap and extrapolated; when the cap \
            stops a fit before convergence, the measured CNML rate is an upper bound, so the speed-up is a lower bound.
            """)

    @Option(help: "Hidden width H of the meta-NML and CNML classifiers.") var hidden = 2048
    @Option(help: "Feature dimension.") var dimension = 2
    @Option(help: "Reward queries for meta-NML (batched and naive run the same queries and support sets).") var queries = 1000
    @Option(help: "Queries scored by the naive path (a prefix of the batched ones).") var naiveQueries = 1000
    @Option(help: "Queries sharing one support draw per label in the shared-plan batched run.") var queriesPerDraw = 50
    @Option(help: "Queries checked against the naive path with the shared plan.") var sharedCheckQueries = 100
    @Option(help: "Queries scored by exact CNML.") var cnmlQueries = 2
    @Option(help: "L-BFGS iteration cap per CNML fit (θ_MLE and each label).") var cnmlIterations = 25
    @Option(help: "Meta-training steps to time (16 tasks each).") var metaSteps = 1
    @Option(help: "VICE updates to time.") var viceUpdates = 20
    @Option(parsing: .unconditional, help: "Seed of every random choice (default 1).", transform: parseSeed) var seed: UInt64 = 1
    @Flag(help: "Print JSON instead of a table.") var json = false

    struct Report: Codable {
        var openBLASCore: String
        var openBLASThreads: Int
        var hiddenSize: Int
        var featureDimension: Int
        var finetuningSetSize: Int
        var queries: Int
        var batchedPrecomputeSeconds: Double
        var batchedSecondsColdIncludingPrecompute: Double
        var batchedQueriesPerSecondCold: Double
        var batchedQueriesPerSecondWarm: Double
        var naiveQueries: Int
        var naiveSeconds: Double
        var naiveQueriesPerSecond: Double
        var batchedOverNaiveSpeedup: Double
        var batchedOverNaiveSpeedupWarm: Double
        var maxAbsoluteRewardDifferenceBatchedVsNaive: Double
        var queriesPerDraw: Int
        var batchedSharedQueriesPerSecondWarm: Double
        var batchedSharedQueriesPerSecondCold: Double
        var batchedSharedOverNaiveSpeedup: Double
        var maxAbsoluteRewardDifferenceSharedBatchedVsNaive: Double
        var sharedCheckQueries: Int
        var cnmlQueries: Int
        var cnmlIterationCap: Int
        var cnmlMaximumLikelihoodSeconds: Double
        var cnmlMaximumLikelihoodConverged: Bool
        var cnmlFitsConverged: Int
        var cnmlFits: Int
        var cnmlMeanIterationsPerFit: Double
        var cnmlSecondsPerQuery: Double
        var cnmlQueriesPerSecondExtrapolated: Double
        var batchedOverCNMLSpeedup: Double
        var metaStepSecondsSecondOrder: Double
        var metaStepSecondsFirstOrder: Double
        var metaStepTasks: Int
        var viceUpdateMilliseconds: Double
        var viceBatch: Int
    }

    func validate() throws {
        guard hidden > 0, dimension > 0, queries > 0, naiveQueries > 0, naiveQueries <= queries, cnmlQueries > 0,
              queriesPerDraw > 0, sharedCheckQueries > 0, sharedCheckQueries <= queries,
              cnmlIterations > 0, metaSteps > 0, viceUpdates > 0 else {
            throw ValidationError("sizes and counts must be positive, and --naive-queries ≤ --queries")
        }
    }

    /// Progress on stderr, so long runs show which phase they are in without disturbing the table or JSON.
    private func progress(_ message: String) {
        FileHandle.standardError.write(Data("[bench rewards] \(message)\n".utf8))
    }

    func run() throws {
        BLASRuntime.setThreadCount(1)
        var generator = RandomGenerator(seed: seed)
        func features(_ rows: Int, near centre: Float?, spread: Float) -> FeatureMatrix {
            let values = (0..<(rows * dimension)).map { _ in (centre ?? 0) + Float(generator.uniform(-Double(spread)...Double(spread))) }
            return try! FeatureMatrix(rows: rows, columns: dimension, values: values)
        }
        let replay = features(20_000, near: nil, spread: 4)
        let positives = features(150, near: 3, spread: 0.1)
        let data = RewardTrainingData(
            positives: positives, positiveObservations: positives,
            sampleNegatives: { count, g in
                let rows = replay.gathering((0..<count).map { _ in g.index(below: replay.rows) })
                return NegativeSample(features: rows, observations: rows)
            },
            logPolicy: { observations in (0..<observations.rows).map { -Float(observations.row($0).first!) } })

        // Meta-NML queries: batched (cold: including the per-(θ, F) precompute; warm: reusing it) and naive.
        var configuration = MetaNMLRewardModel.Configuration.paper(.maze)
        configuration.hiddenSize = hidden
        let model = try MetaNMLRewardModel(featureDimension: dimension, configuration: configuration, seed: seed)
        try model.setFinetuningSet(negatives: features(configuration.finetuningNegatives, near: nil, spread: 4),
                                   positives: positives.gathering((0..<configuration.finetuningPositives).map { $0 % positives.rows }))
        let queryFeatures = features(queries, near: nil, spread: 4)
        let plan = model.makeAdaptationPlan(queryCount: queries)
        progress("meta-NML batched, \(queries) queries at H = \(hidden)")
        var start = now()
        model.prepareAdaptation()
        let precompute = now() - start
        let batched = try model.rewards(features: queryFeatures, plan: plan, path: .batched)
        let batchedCold = now() - start
        start = now()
        _ = try model.rewards(features: queryFeatures, plan: model.makeAdaptationPlan(queryCount: queries), path: .batched)
        let batchedWarm = now() - start
        let sharedPlan = model.makeAdaptationPlan(queryCount: queries, queriesPerDraw: queriesPerDraw)
        start = now()
        let batchedShared = try model.rewards(features: queryFeatures, plan: sharedPlan, path: .batched)
        let batchedSharedWarm = now() - start
        progress("meta-NML naive, \(naiveQueries) queries")
        let naiveFeatures = queryFeatures.gathering(Array(0..<naiveQueries))
        start = now()
        let naive = try model.rewards(features: naiveFeatures, plan: Array(plan.prefix(2 * naiveQueries)), path: .naive)
        let naiveSeconds = now() - start
        let maxDifference = zip(batched, naive).map { Double(abs($0 - $1)) }.max()!
        progress("meta-NML naive with the shared plan, \(sharedCheckQueries) queries (correctness only)")
        let naiveShared = try model.rewards(features: queryFeatures.gathering(Array(0..<sharedCheckQueries)),
                                            plan: Array(sharedPlan.prefix(2 * sharedCheckQueries)), path: .naive)
        let maxSharedDifference = zip(batchedShared, naiveShared).map { Double(abs($0 - $1)) }.max()!

        // Exact CNML on the same finetuning set, extrapolated from a few queries.
        progress("exact CNML: θ_MLE, then \(cnmlQueries) queries (≤ \(cnmlIterations) L-BFGS iterations per fit)")
        let cnmlNetwork = MLP(inputSize: dimension, hiddenSizes: [hidden, hidden], outputSize: 2)
        start = now()
        let cnml = ExactCNML(network: cnmlNetwork, data: model.finetuning!, initialParameters: model.parameters,
                             settings: .init(gradientTolerance: 1e-4, maxIterations: cnmlIterations))
        let mleSeconds = now() - start
        var fits: [ExactCNML<Float>.FitReport] = []
        start = now()
        for i in 0..<cnmlQueries {
            fits += cnml.successProbability(query: Array(queryFeatures.row(i))).fits
        }
        let cnmlPerQuery = (now() - start) / Double(cnmlQueries)

        // One meta-training step: 16 tasks (8 query points × both labels), second and first order.
        func metaStepSeconds(secondOrder: Bool) throws -> Double {
            var c = configuration
            c.queryPoolNegatives = 8 * metaSteps
            c.initialMetaEpochs = 1
            c.secondOrder = secondOrder
            let trainer = try MetaNMLRewardModel(featureDimension: dimension, configuration: c, seed: seed)
            let begin = now()
            let summary = try trainer.update(epoch: 0, data: data)
            precondition(summary.optimizerSteps == metaSteps)
            return (now() - begin) / Double(metaSteps)
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
        start = now()
        for epoch in 1...viceUpdates { try vice.update(epoch: epoch, data: data) }
        let viceSeconds = (now() - start) / Double(viceUpdates)

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
        if json {
            try printJSON(report)
        } else {
            printTable(report)
        }
    }

    private func printTable(_ r: Report) {
        func fixed(_ x: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", x) }
        let rows: [(String, String)] = [
            ("OpenBLAS", "\(r.openBLASCore), \(r.openBLASThreads) thread"),
            ("network", "d = \(r.featureDimension), H = \(r.hiddenSize), finetuning set \(r.finetuningSetSize)"),
            ("meta-NML batched (cold)", "\(fixed(r.batchedQueriesPerSecondCold)) queries/s over \(r.queries) queries, incl. \(fixed(r.batchedPrecomputeSeconds, 3)) s precompute"),
            ("meta-NML batched (warm)", "\(fixed(r.batchedQueriesPerSecondWarm)) queries/s (precompute reused within an epoch)"),
            ("meta-NML naive", "\(fixed(r.naiveQueriesPerSecond, 2)) queries/s over \(r.naiveQueries) queries"),
            ("batched / naive", "\(fixed(r.batchedOverNaiveSpeedup))× cold, \(fixed(r.batchedOverNaiveSpeedupWarm))× warm, max |Δr| = \(String(format: "%.2e", r.maxAbsoluteRewardDifferenceBatchedVsNaive)) over \(r.naiveQueries) queries"),
            ("batched, shared draws", "\(fixed(r.batchedSharedQueriesPerSecondCold)) queries/s cold (precompute + warm), \(fixed(r.batchedSharedQueriesPerSecondWarm)) warm; one support draw per label per \(r.queriesPerDraw) queries"),
            ("shared / naive", "\(fixed(r.batchedSharedOverNaiveSpeedup))× cold, max |Δr| = \(String(format: "%.2e", r.maxAbsoluteRewardDifferenceSharedBatchedVsNaive)) over \(r.sharedCheckQueries) queries"),
            ("exact CNML", "\(fixed(r.cnmlSecondsPerQuery, 2)) s/query measured on \(r.cnmlQueries) queries, extrapolated \(String(format: "%.4f", r.cnmlQueriesPerSecondExtrapolated)) queries/s"),
            ("  CNML fits", "\(r.cnmlFitsConverged)/\(r.cnmlFits) converged within \(r.cnmlIterationCap) L-BFGS iterations (mean \(fixed(r.cnmlMeanIterationsPerFit))); θ_MLE \(r.cnmlMaximumLikelihoodConverged ? "converged" : "capped") in \(fixed(r.cnmlMaximumLikelihoodSeconds)) s"),
            ("batched / CNML", "\(fixed(r.batchedOverCNMLSpeedup, 0))× (a lower bound when CNML fits were capped)"),
            ("meta-training step", "\(fixed(r.metaStepSecondsSecondOrder, 2)) s second order, \(fixed(r.metaStepSecondsFirstOrder, 2)) s first order (\(r.metaStepTasks) tasks)"),
            ("VICE update", "\(fixed(r.viceUpdateMilliseconds, 2)) ms (\(r.viceBatch) states, (256, 256), excl. the caller's log π)"),
        ]
        let width = rows.map(\.0.count).max()!
        for (label, value) in rows {
            print(label.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + value)
        }
    }

    private func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
    }
}
