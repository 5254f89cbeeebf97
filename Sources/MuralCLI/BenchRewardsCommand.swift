import ArgumentParser
import Benchmarks
import Foundation

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

    func validate() throws {
        guard hidden > 0, dimension > 0, queries > 0, naiveQueries > 0, naiveQueries <= queries, cnmlQueries > 0,
              queriesPerDraw > 0, sharedCheckQueries > 0, sharedCheckQueries <= queries,
              cnmlIterations > 0, metaSteps > 0, viceUpdates > 0 else {
            throw ValidationError("sizes and counts must be positive, and --naive-queries ≤ --queries")
        }
    }

    func run() throws {
        var benchmark = RewardBenchmark()
        (benchmark.hidden, benchmark.dimension, benchmark.queries, benchmark.naiveQueries) = (hidden, dimension, queries, naiveQueries)
        (benchmark.queriesPerDraw, benchmark.sharedCheckQueries) = (queriesPerDraw, sharedCheckQueries)
        (benchmark.cnmlQueries, benchmark.cnmlIterations) = (cnmlQueries, cnmlIterations)
        (benchmark.metaSteps, benchmark.viceUpdates, benchmark.seed) = (metaSteps, viceUpdates, seed)
        // Progress on stderr, so long runs show which phase they are in without disturbing the table or JSON.
        let report = try benchmark.run { FileHandle.standardError.write(Data("[bench rewards] \($0)\n".utf8)) }
        if json {
            try printJSON(report)
        } else {
            printTable(report)
        }
    }

    private func printTable(_ r: RewardBenchmark.Report) {
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
        printLabelled(rows)
    }
}
