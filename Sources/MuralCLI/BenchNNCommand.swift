import ArgumentParser
import Benchmarks
import Foundation

/// `mural bench nn`: the machine's single-thread sgemm peak, and how close a full SAC update gets to it.
struct BenchNNCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nn",
        abstract: "Benchmark sgemm, SAC updates and Adam's step on one OpenBLAS thread.",
        discussion: """
            OpenBLAS picks its kernel at load time; OPENBLAS_CORETYPE overrides it. On AVX-512 machines \
            OPENBLAS_CORETYPE=Haswell halves sgemm throughput, so compare runs with and without it. \
            sgemm and SAC trials alternate, so that on a shared machine both see the same quiet periods, \
            and the best trial of each is reported. Times are this thread's CPU time, which excludes the \
            periods when other processes hold the core; wall-clock figures are reported alongside.
            """)

    @Option(help: "Observation width of the benchmarked agent.") var observationSize = 17
    @Option(help: "Action width of the benchmarked agent.") var actionSize = 6
    @Option(help: "Hidden widths of the policy and critics, comma-separated.") var hidden = "256,256"
    @Option(help: "Minibatch size.") var batchSize = 256
    @Option(help: "SAC updates per timed trial.") var updates = 50
    @Option(help: "Timed trials, each timing sgemm then SAC; the best of each is reported.") var trials = 15
    @Flag(help: "Print JSON instead of a table.") var json = false

    func validate() throws {
        _ = try parseSizes(hidden, option: "--hidden")
        guard observationSize > 0, actionSize > 0, batchSize > 0, updates > 0, trials > 0 else {
            throw ValidationError("sizes, --updates and --trials must be positive")
        }
    }

    func run() throws {
        var benchmark = NetworkBenchmark()
        (benchmark.observationSize, benchmark.actionSize) = (observationSize, actionSize)
        benchmark.hiddenSizes = try parseSizes(hidden, option: "--hidden")
        (benchmark.batchSize, benchmark.updates, benchmark.trials) = (batchSize, updates, trials)
        let report = benchmark.run()
        if json {
            try printJSON(report)
        } else {
            printTable(report)
        }
    }

    private func printTable(_ r: NetworkBenchmark.Report) {
        func fixed(_ x: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", x) }
        let environment = r.openBLASCoreTypeEnvironment.map { "OPENBLAS_CORETYPE=\($0)" } ?? "OPENBLAS_CORETYPE unset"
        let rows: [(String, String)] = [
            ("OpenBLAS core", "\(r.openBLASCore) (\(environment)), \(r.openBLASThreads) thread"),
            ("sgemm 256×256×256", "\(fixed(r.sgemmMicroseconds)) µs, \(fixed(r.sgemmGFLOPS)) GFLOP/s (wall \(fixed(r.sgemmWallMicroseconds)) µs)"),
            ("SAC network", "obs \(r.sacObservationSize), act \(r.sacActionSize), hidden \(r.sacHiddenSizes), batch \(r.sacBatchSize)"),
            ("SAC GEMM work per update", "\(fixed(Double(r.sacGEMMFLOPsPerUpdate) / 1e6)) MFLOP"),
            ("SAC update", "\(fixed(r.sacMillisecondsPerUpdate, 3)) ms, \(fixed(r.sacUpdatesPerSecond)) updates/s (wall \(fixed(r.sacWallMillisecondsPerUpdate, 3)) ms)"),
            ("SAC achieved", "\(fixed(r.sacGFLOPS)) GFLOP/s = \(fixed(100 * r.sacFractionOfSgemmPeak)) % of sgemm peak (wall: \(fixed(100 * r.sacWallFractionOfSgemmPeak)) %)"),
            ("act (batch 1, GEMV)", "\(fixed(r.actMicroseconds, 2)) µs"),
            ("Adam step, \(r.adamParameterCount) parameters", "\(fixed(r.adamNanosecondsPerParameter, 3)) ns per parameter"),
            ("the same, dead units", "\(fixed(r.adamSubnormalNanosecondsPerParameter, 3)) ns per parameter (subnormal moments; \(fixed(r.adamSubnormalNanosecondsPerParameter / r.adamNanosecondsPerParameter, 2))× the live step)"),
            ("load average at start", r.loadAverage.map { fixed($0, 2) } ?? "unknown"),
        ]
        printLabelled(rows)
    }
}
