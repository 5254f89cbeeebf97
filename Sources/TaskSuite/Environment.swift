import Physics
import Randomness

/// Which reference reward `step` returns.
public enum RewardKind: String, Sendable, Codable, CaseIterable {
    /// 1 when the success predicate holds for the new state, else 0 (Gymnasium's convention). Its
    /// name on the command line and in Python is `sparse`. Training's `sparse` reward
    /// (`Experiments.RewardChoice.sparse`) is a different one: 0 on success, −1 otherwise.
    case successIndicator = "sparse"
    /// A hand-shaped oracle reward: the negative of a task-specific distance to success
    /// (larger is better). For comparison with learned rewards only.
    case dense
}

/// What `step` reports besides the observation.
public struct StepInfo: Hashable, Sendable {
    /// The success predicate evaluated on the new state.
    public var success: Bool
    /// Task metrics of the new state, e.g. "distance" or "geodesic_distance".
    public var metrics: [String: Double]
}

/// The outcome of one control step, shaped like Gymnasium's 5-tuple.
public struct StepResult: Sendable {
    public var observation: [Double]
    public var reward: Double
    /// The MDP ended (only when the environment terminates on success; see
    /// `TaskEnvironment.terminatesOnSuccess`).
    public var terminated: Bool
    /// The horizon was reached.
    public var truncated: Bool
    public var info: StepInfo
}

/// Errors an environment reports instead of crashing.
public enum EnvironmentError: Error, Equatable, CustomStringConvertible {
    case wrongActionDimension(task: String, expected: Int, got: Int)
    case nonFiniteAction(task: String, index: Int, value: Double)
    case notReset(task: String)
    case episodeEnded(task: String, step: Int)
    case physicsFault(task: String, message: String)
    case snapshotMismatch(task: String, message: String)

    public var description: String {
        switch self {
        case let .wrongActionDimension(task, expected, got):
            return "\(task): action has \(got) components, expected \(expected)"
        case let .nonFiniteAction(task, index, value):
            return "\(task): action component \(index) is \(value); actions must be finite"
        case .notReset(let task):
            return "\(task): call reset(seed:) before step"
        case let .episodeEnded(task, step):
            return "\(task): the episode ended at step \(step); call reset(seed:) before stepping again"
        case let .physicsFault(task, message):
            return "\(task): physics fault: \(message)"
        case let .snapshotMismatch(task, message):
            return "\(task): cannot restore snapshot: \(message)"
        }
    }
}

/// A Gymnasium-shaped environment.
///
/// Actions are flat vectors in the bounds of `actionSpec` (for every task here, [−1, 1] per
/// component). Components outside the bounds are clipped to them; NaN or infinite
/// components and vectors of the wrong length are errors.
public protocol Environment: AnyObject {
    /// Versioned task id, e.g. "pusher-v1".
    var taskID: String { get }
    var observationSpec: ArraySpec { get }
    var actionSpec: ArraySpec { get }
    /// The components of the observation that reward classifiers see (`classifierFeatures`).
    var classifierFeatureSpec: ArraySpec { get }
    /// Control steps per episode; `step` reports `truncated` on the last one.
    var horizon: Int { get }
    /// Seconds of simulated time per `step`.
    var controlTimestep: Double { get }
    /// Seconds of simulated time per physics step (`controlTimestep / substeps`).
    var physicsTimestep: Double { get }
    /// Control steps taken in the current episode.
    var stepCount: Int { get }

    /// Starts an episode whose every random choice follows from `seed`; returns the first
    /// observation.
    func reset(seed: UInt64) throws -> [Double]
    /// Advances one control step.
    func step(_ action: [Double]) throws -> StepResult

    /// The success predicate: a pure function of the state, read from an observation.
    func isSuccess(_ observation: [Double]) -> Bool
    /// The part of an observation reward classifiers see.
    func classifierFeatures(_ observation: [Double]) -> [Double]
    /// A reference reward for an observation.
    func reward(_ kind: RewardKind, _ observation: [Double]) -> Double

    /// The scripted expert's action for the current state.
    func expertAction() -> [Double]

    /// The whole environment state: physics, RNG and step counter.
    func snapshot() -> EnvironmentSnapshot
    func restore(_ snapshot: EnvironmentSnapshot) throws
}

/// Everything needed to continue an environment bit for bit.
public struct EnvironmentSnapshot: Hashable, Sendable, Codable {
    public var taskID: String
    public var world: WorldSnapshot
    public var rng: RandomGenerator
    public var stepCount: Int
    public var phase: EpisodePhase
}

/// Where an environment is in its episode life cycle.
public enum EpisodePhase: String, Hashable, Sendable, Codable {
    case needsReset, running, ended
}
