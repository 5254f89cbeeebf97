import Agents
import ArgumentParser
import Foundation
import NeuralNet

/// `mural bench nn`: the machine's single-thread sgemm peak, and how close a full SAC update gets to it.
struct BenchNNCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nn",
        abstract: "Benchmark sgemm and SAC updates on one OpenBLAS thread.",
        discussion: """
            OpenBLAS picks its kernel at load time; OPENBLAS_CORETYPE overrides it. On AVX-512 machines \
            OPENBLAS_CORETYPE=Haswell halves sgemm throughput, so compare runs with and without it.
            """)

    @Option(help: "Observation width of the benchmarked agent.") var observationSize = 17
    @Option(help: "Action width of the benchmarked agent.") var actionSize = 6
    @Option(help: "Hidden widths of the policy and critics, comma-separated.") var hidden = "256,256"
    @Option(help: "Minibatch size.") var batchSize = 256
    @Option(help: "SAC updates per timed trial.") var updates = 200
    @Option(help: "Timed trials; the best is reported.") var trials = 5
    @Flag(help: "Print JSON instead of a table.") var json = false

    struct Report: Codable {
        var openBLASCore: String
        var openBLASThreads: Int
        var openBLASCoreTypeEnvironment: String?
        var sgemmShape: [Int]
        var sgemmMicroseconds: Double
        var sgemmGFLOPS: Double
        var sacObservationSize: Int
        var sacActionSize: Int
        var sacHiddenSizes: [Int]
        var sacBatchSize: Int
        var sacGEMMFLOPsPerUpdate: Int
        var sacUpdatesPerSecond: Double
        var sacMillisecondsPerUpdate: Double
        var sacGFLOPS: Double
        var sacFractionOfSgemmPeak: Double
        var actMicroseconds: Double
    }

    func validate() throws {
        guard hiddenSizes != nil else { throw ValidationError("--hidden must be positive integers, e.g. 256,256") }
        guard observationSize > 0, actionSize > 0, batchSize > 0, updates > 0, trials > 0 else {
            throw ValidationError("sizes, --updates and --trials must be positive")
        }
    }

    private var hiddenSizes: [Int]? {
        let sizes = hidden.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !sizes.isEmpty, sizes.allSatisfy({ ($0 ?? 0) > 0 }) else { return nil }
        return sizes.map { $0! }
    }

    func run() throws {
        BLASRuntime.setThreadCount(1)
        let sgemm = Self.measureSgemm(size: 256, trials: trials)
        let sac = measureSAC(hiddenSizes: hiddenSizes!)
        let sgemmGFLOPS = 2 * pow(256, 3) / sgemm / 1e3
        let sacGFLOPS = Double(sac.flopsPerUpdate) / sac.microsecondsPerUpdate / 1e3
        let report = Report(
            openBLASCore: BLASRuntime.coreName, openBLASThreads: BLASRuntime.threadCount,
            openBLASCoreTypeEnvironment: ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"],
            sgemmShape: [256, 256, 256], sgemmMicroseconds: sgemm, sgemmGFLOPS: sgemmGFLOPS,
            sacObservationSize: observationSize, sacActionSize: actionSize, sacHiddenSizes: hiddenSizes!,
            sacBatchSize: batchSize, sacGEMMFLOPsPerUpdate: sac.flopsPerUpdate,
            sacUpdatesPerSecond: 1e6 / sac.microsecondsPerUpdate, sacMillisecondsPerUpdate: sac.microsecondsPerUpdate / 1e3,
            sacGFLOPS: sacGFLOPS, sacFractionOfSgemmPeak: sacGFLOPS / sgemmGFLOPS, actMicroseconds: sac.actMicroseconds)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            printTable(report)
        }
    }

    private func printTable(_ r: Report) {
        func fixed(_ x: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", x) }
        let environment = r.openBLASCoreTypeEnvironment.map { "OPENBLAS_CORETYPE=\($0)" } ?? "OPENBLAS_CORETYPE unset"
        let rows: [(String, String)] = [
            ("OpenBLAS core", "\(r.openBLASCore) (\(environment)), \(r.openBLASThreads) thread"),
            ("sgemm 256×256×256", "\(fixed(r.sgemmMicroseconds)) µs, \(fixed(r.sgemmGFLOPS)) GFLOP/s"),
            ("SAC network", "obs \(r.sacObservationSize), act \(r.sacActionSize), hidden \(r.sacHiddenSizes), batch \(r.sacBatchSize)"),
            ("SAC GEMM work per update", "\(fixed(Double(r.sacGEMMFLOPsPerUpdate) / 1e6)) MFLOP"),
            ("SAC update", "\(fixed(r.sacMillisecondsPerUpdate, 3)) ms, \(fixed(r.sacUpdatesPerSecond)) updates/s"),
            ("SAC achieved", "\(fixed(r.sacGFLOPS)) GFLOP/s = \(fixed(100 * r.sacFractionOfSgemmPeak)) % of sgemm peak"),
            ("act (batch 1, GEMV)", "\(fixed(r.actMicroseconds, 2)) µs"),
        ]
        let width = rows.map(\.0.count).max()!
        for (label, value) in rows {
            print(label.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + value)
        }
    }

    /// Best-of-`trials` time of one 256³ sgemm, each trial repeating it for at least 20 ms.
    static func measureSgemm(size n: Int, trials: Int) -> Double {
        var generator = SeededGenerator(seed: 1)
        let a = (0..<(n * n)).map { _ in Float.random(in: -1...1, using: &generator) }
        let b = (0..<(n * n)).map { _ in Float.random(in: -1...1, using: &generator) }
        var c = [Float](repeating: 0, count: n * n)
        return a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                c.withUnsafeMutableBufferPointer { c in
                    bestMicroseconds(trials: trials, minimumSeconds: 0.02) {
                        Float.gemm(transposeA: false, transposeB: false, m: n, n: n, k: n, alpha: 1,
                                   a: a.baseAddress!, lda: n, b: b.baseAddress!, ldb: n, beta: 0, c: c.baseAddress!, ldc: n)
                    }
                }
            }
        }
    }

    private func measureSAC(hiddenSizes: [Int]) -> (microsecondsPerUpdate: Double, flopsPerUpdate: Int, actMicroseconds: Double) {
        var configuration = SACConfiguration()
        configuration.hiddenSizes = hiddenSizes
        configuration.batchSize = batchSize
        let agent = SACAgent(observationSize: observationSize, actionSize: actionSize, configuration: configuration, seed: 1)
        var generator = SeededGenerator(seed: 2)
        let replay = ReplayBuffer(capacity: 10_000, observationSize: observationSize, actionSize: actionSize)
        func uniform(_ count: Int) -> [Float] { (0..<count).map { _ in Float.random(in: -1...1, using: &generator) } }
        for _ in 0..<replay.capacity {
            replay.append(observation: uniform(observationSize), action: uniform(actionSize),
                          nextObservation: uniform(observationSize), reward: uniform(1)[0])
        }
        for _ in 0..<10 { agent.update(from: replay) }   // warm caches and page in the workspaces

        let flopsBefore = agent.gemmFLOPs
        agent.update(from: replay)
        let flopsPerUpdate = agent.gemmFLOPs - flopsBefore

        var best = Double.infinity
        for _ in 0..<trials {
            let start = monotonicSeconds()
            for _ in 0..<updates { agent.update(from: replay) }
            best = min(best, (monotonicSeconds() - start) / Double(updates) * 1e6)
        }
        let observation = uniform(observationSize)
        let act = Self.bestMicroseconds(trials: trials, minimumSeconds: 0.02) {
            _ = agent.act(observation: observation, deterministic: true)
        }
        return (best, flopsPerUpdate, act)
    }

    /// Best per-call time in µs over `trials`, each trial looping `body` for at least `minimumSeconds`.
    static func bestMicroseconds(trials: Int, minimumSeconds: Double, _ body: () -> Void) -> Double {
        var best = Double.infinity
        for _ in 0..<trials {
            var calls = 0
            let start = monotonicSeconds()
            var elapsed = 0.0
            repeat {
                body()
                calls += 1
                elapsed = monotonicSeconds() - start
            } while elapsed < minimumSeconds
            best = min(best, elapsed / Double(calls) * 1e6)
        }
        return best
    }
}

private func monotonicSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
}
