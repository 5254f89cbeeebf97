import Agents
import Foundation
import NeuralNet
import Randomness

/// The machine's single-thread sgemm peak, and how close a full SAC update gets to it. sgemm
/// and SAC trials alternate, so that on a shared machine both see the same quiet periods, and
/// the best trial of each is reported, in thread CPU time with wall-clock time alongside.
public struct NetworkBenchmark: Sendable {
    public var observationSize = 17
    public var actionSize = 6
    public var hiddenSizes = [256, 256]
    public var batchSize = 256
    /// SAC updates per timed trial.
    public var updates = 50
    /// Timed trials, each timing sgemm then SAC.
    public var trials = 15

    public init() {}

    public struct Report: Codable, Sendable {
        public var openBLASCore: String
        public var openBLASThreads: Int
        public var openBLASCoreTypeEnvironment: String?
        public var sgemmShape: [Int]
        public var sgemmMicroseconds: Double
        public var sgemmWallMicroseconds: Double
        public var sgemmGFLOPS: Double
        public var sacObservationSize: Int
        public var sacActionSize: Int
        public var sacHiddenSizes: [Int]
        public var sacBatchSize: Int
        public var sacGEMMFLOPsPerUpdate: Int
        public var sacUpdatesPerSecond: Double
        public var sacMillisecondsPerUpdate: Double
        public var sacWallMillisecondsPerUpdate: Double
        public var sacGFLOPS: Double
        public var sacFractionOfSgemmPeak: Double
        /// The same ratio from wall-clock times.
        public var sacWallFractionOfSgemmPeak: Double
        public var actMicroseconds: Double
        /// The 1-minute load average when the run started: above the core count, figures are contended.
        public var loadAverage: Double?
    }

    /// Runs on one OpenBLAS thread (and leaves OpenBLAS so).
    public func run() -> Report {
        BLASRuntime.setThreadCount(1)
        let loadAverage = Machine.loadAverage()
        let sgemm = SgemmProbe(size: 256)
        let sac = SACProbe(observationSize: observationSize, actionSize: actionSize, hiddenSizes: hiddenSizes,
                           batchSize: batchSize)
        var sgemmTime = Elapsed.infinity, updateTime = Elapsed.infinity, actTime = Elapsed.infinity
        for _ in 0..<trials {
            sgemmTime = sgemmTime.best(Elapsed.perCall(minimumSeconds: 0.02) { sgemm.run() })
            updateTime = updateTime.best(Elapsed.perCall(calls: updates) { sac.update() })
            actTime = actTime.best(Elapsed.perCall(minimumSeconds: 0.005) { sac.act() })
        }
        // Per-call times in µs.
        let sgemmMicroseconds = sgemmTime.cpu * 1e6, sgemmWallMicroseconds = sgemmTime.wall * 1e6
        let updateMicroseconds = updateTime.cpu * 1e6, updateWallMicroseconds = updateTime.wall * 1e6

        let sgemmGFLOPS = Double(sgemm.flops) / sgemmMicroseconds / 1e3
        let sacGFLOPS = Double(sac.flopsPerUpdate) / updateMicroseconds / 1e3
        return Report(
            openBLASCore: BLASRuntime.coreName, openBLASThreads: BLASRuntime.threadCount,
            openBLASCoreTypeEnvironment: ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"],
            sgemmShape: [sgemm.n, sgemm.n, sgemm.n], sgemmMicroseconds: sgemmMicroseconds,
            sgemmWallMicroseconds: sgemmWallMicroseconds, sgemmGFLOPS: sgemmGFLOPS,
            sacObservationSize: observationSize, sacActionSize: actionSize, sacHiddenSizes: hiddenSizes,
            sacBatchSize: batchSize, sacGEMMFLOPsPerUpdate: sac.flopsPerUpdate,
            sacUpdatesPerSecond: 1e6 / updateMicroseconds, sacMillisecondsPerUpdate: updateMicroseconds / 1e3,
            sacWallMillisecondsPerUpdate: updateWallMicroseconds / 1e3,
            sacGFLOPS: sacGFLOPS, sacFractionOfSgemmPeak: sacGFLOPS / sgemmGFLOPS,
            sacWallFractionOfSgemmPeak: (Double(sac.flopsPerUpdate) / updateWallMicroseconds)
                / (Double(sgemm.flops) / sgemmWallMicroseconds),
            actMicroseconds: actTime.cpu * 1e6, loadAverage: loadAverage)
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
