import Agents
import ArgumentParser
import Foundation
import NeuralNet
import Randomness

/// `mural bench nn`: the machine's single-thread sgemm peak, and how close a full SAC update gets to it.
struct BenchNNCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nn",
        abstract: "Benchmark sgemm and SAC updates on one OpenBLAS thread.",
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

    struct Report: Codable {
        var openBLASCore: String
        var openBLASThreads: Int
        var openBLASCoreTypeEnvironment: String?
        var sgemmShape: [Int]
        var sgemmMicroseconds: Double
        var sgemmWallMicroseconds: Double
        var sgemmGFLOPS: Double
        var sacObservationSize: Int
        var sacActionSize: Int
        var sacHiddenSizes: [Int]
        var sacBatchSize: Int
        var sacGEMMFLOPsPerUpdate: Int
        var sacUpdatesPerSecond: Double
        var sacMillisecondsPerUpdate: Double
        var sacWallMillisecondsPerUpdate: Double
        var sacGFLOPS: Double
        var sacFractionOfSgemmPeak: Double
        /// The same ratio from wall-clock times.
        var sacWallFractionOfSgemmPeak: Double
        var actMicroseconds: Double
        /// The 1-minute load average when the run started: above the core count, figures are contended.
        var loadAverage: Double?
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
        let loadAverage = Self.loadAverage()
        let sgemm = SgemmProbe(size: 256)
        let sac = SACProbe(observationSize: observationSize, actionSize: actionSize, hiddenSizes: hiddenSizes!,
                           batchSize: batchSize)
        var sgemmTime = Timing.worst, updateTime = Timing.worst, actTime = Timing.worst
        for _ in 0..<trials {
            sgemmTime = sgemmTime.best(Timing.perCall(minimumSeconds: 0.02) { sgemm.run() })
            updateTime = updateTime.best(Timing.perCall(calls: updates) { sac.update() })
            actTime = actTime.best(Timing.perCall(minimumSeconds: 0.005) { sac.act() })
        }

        let sgemmGFLOPS = Double(sgemm.flops) / sgemmTime.cpu / 1e3
        let sacGFLOPS = Double(sac.flopsPerUpdate) / updateTime.cpu / 1e3
        let report = Report(
            openBLASCore: BLASRuntime.coreName, openBLASThreads: BLASRuntime.threadCount,
            openBLASCoreTypeEnvironment: ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"],
            sgemmShape: [sgemm.n, sgemm.n, sgemm.n], sgemmMicroseconds: sgemmTime.cpu,
            sgemmWallMicroseconds: sgemmTime.wall, sgemmGFLOPS: sgemmGFLOPS,
            sacObservationSize: observationSize, sacActionSize: actionSize, sacHiddenSizes: hiddenSizes!,
            sacBatchSize: batchSize, sacGEMMFLOPsPerUpdate: sac.flopsPerUpdate,
            sacUpdatesPerSecond: 1e6 / updateTime.cpu, sacMillisecondsPerUpdate: updateTime.cpu / 1e3,
            sacWallMillisecondsPerUpdate: updateTime.wall / 1e3,
            sacGFLOPS: sacGFLOPS, sacFractionOfSgemmPeak: sacGFLOPS / sgemmGFLOPS,
            sacWallFractionOfSgemmPeak: (Double(sac.flopsPerUpdate) / updateTime.wall) / (Double(sgemm.flops) / sgemmTime.wall),
            actMicroseconds: actTime.cpu, loadAverage: loadAverage)
        if json {
            try printJSON(report)
        } else {
            printTable(report)
        }
    }

    private func printTable(_ r: Report) {
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
            ("load average at start", r.loadAverage.map { fixed($0, 2) } ?? "unknown"),
        ]
        let width = rows.map(\.0.count).max()!
        for (label, value) in rows {
            print(label.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + value)
        }
    }

    static func loadAverage() -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) else { return nil }
        return text.split(separator: " ").first.flatMap { Double($0) }
    }
}

/// C = A·B on random n×n matrices: the peak-throughput reference.
private final class SgemmProbe {
    let n: Int
    let a: [Float], b: [Float]
    var c: [Float]
    var flops: Int { 2 * n * n * n }

    init(size n: Int) {
        self.n = n
        var generator = RandomGenerator(seed: 1)
        a = (0..<(n * n)).map { _ in Float(generator.uniform(-1...1)) }
        b = (0..<(n * n)).map { _ in Float(generator.uniform(-1...1)) }
        c = Array(repeating: 0, count: n * n)
    }

    func run() {
        let n = self.n
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                c.withUnsafeMutableBufferPointer { c in
                    Float.gemm(transposeA: false, transposeB: false, m: n, n: n, k: n, alpha: 1,
                               a: a.baseAddress!, lda: n, b: b.baseAddress!, ldb: n, beta: 0, c: c.baseAddress!, ldc: n)
                }
            }
        }
    }
}

/// A SAC agent on a replay buffer of random transitions, warmed up and ready to time.
private final class SACProbe {
    let agent: SACAgent
    let replay: ReplayBuffer
    let observation: [Float]
    /// GEMM FLOPs of one full update, as counted by the agent's workspaces.
    let flopsPerUpdate: Int

    init(observationSize: Int, actionSize: Int, hiddenSizes: [Int], batchSize: Int) {
        var configuration = SACConfiguration()
        configuration.hiddenSizes = hiddenSizes
        configuration.batchSize = batchSize
        configuration.replayCapacity = 10_000
        agent = SACAgent(observationSize: observationSize, actionSize: actionSize, configuration: configuration, seed: 1)
        replay = agent.makeReplayBuffer()
        var generator = RandomGenerator(seed: 2)
        func uniform(_ count: Int) -> [Float] { (0..<count).map { _ in Float(generator.uniform(-1...1)) } }
        for _ in 0..<replay.capacity {
            replay.append(observation: uniform(observationSize), action: uniform(actionSize),
                          nextObservation: uniform(observationSize), reward: uniform(1)[0])
        }
        observation = uniform(observationSize)
        for _ in 0..<10 { agent.update(from: replay) }   // page in the workspaces and warm the caches
        let before = agent.gemmFLOPs
        agent.update(from: replay)
        flopsPerUpdate = agent.gemmFLOPs - before
    }

    func update() { agent.update(from: replay) }
    func act() { _ = agent.act(observation: observation, deterministic: true) }
}

/// Per-call times in µs: this thread's CPU time and wall-clock time.
private struct Timing {
    var cpu: Double
    var wall: Double

    static let worst = Timing(cpu: .infinity, wall: .infinity)

    func best(_ other: Timing) -> Timing { Timing(cpu: min(cpu, other.cpu), wall: min(wall, other.wall)) }

    /// Loops `body` until at least `minimumSeconds` of wall time have passed.
    static func perCall(minimumSeconds: Double, _ body: () -> Void) -> Timing {
        let start = now()
        var calls = 0, elapsed = Timing(cpu: 0, wall: 0)
        repeat {
            body()
            calls += 1
            elapsed = now().since(start)
        } while elapsed.wall < minimumSeconds * 1e6
        return Timing(cpu: elapsed.cpu / Double(calls), wall: elapsed.wall / Double(calls))
    }

    static func perCall(calls: Int, _ body: () -> Void) -> Timing {
        let start = now()
        for _ in 0..<calls { body() }
        let elapsed = now().since(start)
        return Timing(cpu: elapsed.cpu / Double(calls), wall: elapsed.wall / Double(calls))
    }

    private static func now() -> Timing {
        func microseconds(_ clock: clockid_t) -> Double {
            var time = timespec()
            clock_gettime(clock, &time)
            return Double(time.tv_sec) * 1e6 + Double(time.tv_nsec) * 1e-3
        }
        return Timing(cpu: microseconds(CLOCK_THREAD_CPUTIME_ID), wall: microseconds(CLOCK_MONOTONIC))
    }

    private func since(_ start: Timing) -> Timing { Timing(cpu: cpu - start.cpu, wall: wall - start.wall) }
}
