import Agents
import Foundation
import NeuralNet
import Randomness

/// The machine's single-thread sgemm peak, how close a full SAC update gets to it, and what
/// Adam's step costs on live and on dead (subnormal-moment) parameters. The probes' trials
/// alternate, so that on a shared machine all see the same quiet periods, and the best trial of
/// each is reported, in thread CPU time with wall-clock time alongside.
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
        /// Adam's step over every SAC parameter (policy and both critics).
        public var adamParameterCount: Int
        /// Per parameter, with gradients and moments of ordinary size.
        public var adamNanosecondsPerParameter: Double
        /// Per parameter of a dead unit: zero gradient, moments decayed to subnormal numbers, each
        /// of which costs an x86 microcode assist (docs/benchmarks.md).
        public var adamSubnormalNanosecondsPerParameter: Double
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
        let liveAdam = AdamProbe(parameterCount: sac.parameterCount, deadUnits: false)
        let deadAdam = AdamProbe(parameterCount: sac.parameterCount, deadUnits: true)
        var sgemmTime = Elapsed.infinity, updateTime = Elapsed.infinity, actTime = Elapsed.infinity
        var liveAdamTime = Elapsed.infinity, deadAdamTime = Elapsed.infinity
        for _ in 0..<trials {
            sgemmTime = sgemmTime.best(Elapsed.perCall(minimumSeconds: 0.02) { sgemm.run() })
            updateTime = updateTime.best(Elapsed.perCall(calls: updates) { sac.update() })
            actTime = actTime.best(Elapsed.perCall(minimumSeconds: 0.005) { sac.act() })
            liveAdamTime = liveAdamTime.best(Elapsed.perCall(minimumSeconds: 0.01) { liveAdam.step() })
            deadAdamTime = deadAdamTime.best(Elapsed.perCall(minimumSeconds: 0.01) { deadAdam.step() })
        }
        precondition(deadAdam.momentsAreSubnormal, "the dead-unit probe's moments left the subnormal range")
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
            actMicroseconds: actTime.cpu * 1e6, adamParameterCount: sac.parameterCount,
            adamNanosecondsPerParameter: liveAdamTime.cpu * 1e9 / Double(sac.parameterCount),
            adamSubnormalNanosecondsPerParameter: deadAdamTime.cpu * 1e9 / Double(sac.parameterCount),
            loadAverage: loadAverage)
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
    /// Trainable parameters of the policy and both critics.
    var parameterCount: Int { agent.policyNetwork.parameterCount + 2 * agent.criticNetwork.parameterCount }

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

/// One Adam step over `parameterCount` parameters. Live parameters get random gradients of
/// ordinary size. Dead ones (a ReLU unit that never fires) get zero gradients, and their moments
/// are where training leaves them: decayed into the subnormal range, which β·m rounds back into,
/// so they stay there step after step.
private final class AdamProbe {
    var optimizer: Adam<Float>
    var parameters: [Float]
    let gradient: [Float]

    init(parameterCount: Int, deadUnits: Bool) {
        var generator = RandomGenerator(seed: 3)
        func uniform(_ range: ClosedRange<Double>) -> [Float] {
            (0..<parameterCount).map { _ in Float(generator.uniform(range)) }
        }
        parameters = uniform(-0.1...0.1)
        let subnormal = Float.leastNormalMagnitude / 8
        gradient = deadUnits ? Array(repeating: 0, count: parameterCount) : uniform(-1e-2...1e-2)
        optimizer = Adam(learningRate: 3e-4, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, step: 1000,
                         firstMoment: deadUnits ? Array(repeating: subnormal, count: parameterCount) : uniform(-1e-3...1e-3),
                         secondMoment: deadUnits ? Array(repeating: subnormal, count: parameterCount) : uniform(1e-6...1e-4))
    }

    var momentsAreSubnormal: Bool {
        (optimizer.firstMoment + optimizer.secondMoment).allSatisfy { $0.isSubnormal }
    }

    func step() { optimizer.update(&parameters, gradient: gradient) }
}
