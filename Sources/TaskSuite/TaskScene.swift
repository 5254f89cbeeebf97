import Physics
import Randomness

/// What a task family implements: a physics scene plus the task's reading of it. The shared
/// episode machinery (`TaskEnvironment`) does everything else: input checking, clipping,
/// substepping, horizons, rewards, snapshots and seeding.
///
/// Physics never computes rewards: the scene reads bodies and joints and turns them into
/// observations, and the success predicate and rewards are functions of observations.
protocol TaskScene: AnyObject {
    var world: World { get }
    var observationSpec: ArraySpec { get }
    /// Action components; every task uses [−1, 1] per component.
    var actionNames: [String] { get }
    /// Indices into the observation of the classifier features.
    var featureIndices: [Int] { get }

    /// Whether deterministic evaluation episodes repeat each other: every episode starts from
    /// the same state and nothing random acts after it. Then seeds, not episodes, are samples.
    var evaluationEpisodesRepeat: Bool { get }
    /// Samples the episode's initial state. The world has just been restored to its
    /// as-built state.
    func resetState(rng: inout RandomGenerator) throws
    /// Takes a clipped action at the start of a control step.
    func applyAction(_ action: [Double]) throws
    /// Called before each physics substep (for controllers that act every substep).
    func beforeSubstep() throws

    func observation() -> [Double]
    func isSuccess(_ observation: [Double]) -> Bool
    func metrics(_ observation: [Double]) -> [String: Double]
    /// The family's shaping term of the dense oracle reward (higher is better); the task's
    /// success bonus is added to it by `TaskEnvironment`, the same way for every family.
    func denseShaping(_ observation: [Double]) -> Double

    /// The scripted expert's action for the current physics state (privileged: it may read
    /// anything in the world) after `step` control steps of the episode. Deterministic.
    func expertAction(step: Int) -> [Double]
    /// Visual-only shapes that show the goal (see `GoalMarker`).
    func goalMarkers() -> [GoalMarker]
    /// The plane the task's point moves on, for tasks that are one (mazes); nil otherwise.
    var planarLayout: PlanarLayout? { get }
    /// Teleports the objects into a sampled success configuration (for example generation);
    /// the caller lets physics settle and re-checks the predicate.
    func placeInSuccessConfiguration(rng: inout RandomGenerator) throws
}

extension TaskScene {
    func beforeSubstep() throws {}
    var planarLayout: PlanarLayout? { nil }
}
