import Physics
import Randomness

/// The environment for every task in the suite: one `TaskScene` driven by shared episode
/// machinery.
///
/// - `reset(seed:)` restores the as-built world, reseeds the solver and samples the initial
///   state, all from `seed`.
/// - `step` rejects actions of the wrong length or with NaN/infinite components, clips
///   out-of-range components to [−1, 1], runs `substeps` physics steps, and reports
///   `truncated` on step `horizon`. Stepping an ended episode is an error.
/// - `snapshot()`/`restore` carry physics, RNG, step counter and episode phase.
public final class TaskEnvironment: Environment {
    public let definition: TaskDefinition
    public let observationSpec: ArraySpec
    public let actionSpec: ArraySpec
    public let classifierFeatureSpec: ArraySpec
    /// The reward `step` returns.
    public var rewardKind: RewardKind
    /// When true, `step` reports `terminated` (and ends the episode) as soon as the success
    /// predicate holds. Off by default, as in MURAL, where episodes only end at the horizon.
    public var terminatesOnSuccess: Bool

    public private(set) var stepCount = 0
    public private(set) var phase: EpisodePhase = .needsReset
    /// The episode RNG (task randomness after reset; expert noise is drawn by callers).
    public private(set) var rng = RandomGenerator(seed: 0)

    let scene: any TaskScene
    private let builtState: WorldSnapshot

    init(definition: TaskDefinition, scene: any TaskScene, rewardKind: RewardKind, terminatesOnSuccess: Bool) throws {
        self.definition = definition
        self.scene = scene
        self.rewardKind = rewardKind
        self.terminatesOnSuccess = terminatesOnSuccess
        observationSpec = scene.observationSpec
        actionSpec = ArraySpec(names: scene.actionNames, bound: -1...1)
        classifierFeatureSpec = scene.observationSpec.subset(scene.featureIndices)
        builtState = scene.world.snapshot()
        try Self.checkColours(definition, scene.world)
    }

    /// Every geom needs a colour, and every exact colour key must name a geom, so a renamed
    /// geom cannot leave a stale entry behind.
    private static func checkColours(_ definition: TaskDefinition, _ world: World) throws {
        let names = Set(world.geoms.map(\.name))
        for key in definition.render.colours.keys.sorted() {
            let matches = key.hasSuffix("*") ? names.contains { $0.hasPrefix(key.dropLast()) } : names.contains(key)
            guard matches else {
                throw TaskDefinitionError(file: definition.file, key: "render.colours.\(key)",
                                          message: "names no geom; geoms are \(names.sorted().joined(separator: ", "))")
            }
        }
        for geom in world.geoms where definition.render.colour(forGeom: geom.name) == nil {
            throw TaskDefinitionError(file: definition.file, key: "render.colours",
                                      message: "no colour for geom '\(geom.name)'")
        }
    }

    public var taskID: String { definition.id }
    /// Whether deterministic evaluation episodes repeat each other (a fixed start and nothing
    /// random after it), so that only seeds vary.
    public var evaluationEpisodesRepeat: Bool { scene.evaluationEpisodesRepeat }
    public var horizon: Int { definition.timing.horizon }
    public var controlTimestep: Double { definition.timing.controlTimestep }
    public var physicsTimestep: Double { definition.timing.physicsTimestep }
    /// The physics world, for renderers and inspection. Changing it changes the episode.
    public var world: World { scene.world }

    public func reset(seed: UInt64) throws -> [Double] {
        rng = RandomGenerator(seed: seed)
        do {
            try scene.world.restore(builtState)
            scene.world.reseedSolver(rng.next())
            try scene.resetState(rng: &rng)
        } catch let error as PhysicsError {
            phase = .needsReset
            throw EnvironmentError.physicsFault(task: taskID, message: error.description)
        }
        stepCount = 0
        phase = .running
        return scene.observation()
    }

    public func step(_ action: [Double]) throws -> StepResult {
        switch phase {
        case .needsReset: throw EnvironmentError.notReset(task: taskID)
        case .ended: throw EnvironmentError.episodeEnded(task: taskID, step: stepCount)
        case .running: break
        }
        let clipped = try checkedAction(action)
        do { try advance(clipped) } catch let error as PhysicsError {
            // The world refuses to step after a fault; the episode must be reset.
            phase = .ended
            throw EnvironmentError.physicsFault(task: taskID, message: error.description)
        }
        stepCount += 1
        let observation = scene.observation()
        let success = scene.isSuccess(observation)
        let terminated = terminatesOnSuccess && success
        let truncated = !terminated && stepCount >= horizon
        if terminated || truncated { phase = .ended }
        return StepResult(observation: observation, reward: reward(rewardKind, observation),
                          terminated: terminated, truncated: truncated,
                          info: StepInfo(success: success, metrics: scene.metrics(observation)))
    }

    /// One control step of physics under a checked action.
    private func advance(_ action: [Double]) throws {
        try scene.applyAction(action)
        for _ in 0..<definition.timing.substeps {
            try scene.beforeSubstep()
            try scene.world.step()
        }
    }

    /// Checks length and finiteness, then clips to the action bounds.
    func checkedAction(_ action: [Double]) throws -> [Double] {
        guard action.count == actionSpec.count else {
            throw EnvironmentError.wrongActionDimension(task: taskID, expected: actionSpec.count, got: action.count)
        }
        for (i, a) in action.enumerated() where !a.isFinite {
            throw EnvironmentError.nonFiniteAction(task: taskID, index: i, value: a)
        }
        return action.map { min(max($0, -1), 1) }
    }

    /// The current observation (valid after `reset`).
    public func observation() -> [Double] { scene.observation() }

    public func isSuccess(_ observation: [Double]) -> Bool { scene.isSuccess(observation) }

    public func classifierFeatures(_ observation: [Double]) -> [Double] {
        scene.featureIndices.map { observation[$0] }
    }

    public func metrics(_ observation: [Double]) -> [String: Double] { scene.metrics(observation) }

    public func reward(_ kind: RewardKind, _ observation: [Double]) -> Double {
        switch kind {
        case .successIndicator: return scene.isSuccess(observation) ? 1 : 0
        case .dense:
            return scene.denseShaping(observation) + (scene.isSuccess(observation) ? definition.denseSuccessBonus : 0)
        }
    }

    /// Visual-only shapes that show the goal, for renderers.
    public func goalMarkers() -> [GoalMarker] { scene.goalMarkers() }

    /// The plane a maze-like task's point moves on; nil for other tasks.
    public var planarLayout: PlanarLayout? { scene.planarLayout }

    /// The metric that says how far a state is from the goal (see `TaskDefinition.Family.goalMetric`).
    public var goalMetric: String { definition.family.goalMetric }

    public func expertAction() -> [Double] { scene.expertAction(step: stepCount) }

    public func snapshot() -> EnvironmentSnapshot {
        EnvironmentSnapshot(taskID: taskID, world: scene.world.snapshot(), rng: rng, stepCount: stepCount, phase: phase)
    }

    public func restore(_ snapshot: EnvironmentSnapshot) throws {
        guard snapshot.taskID == taskID else {
            throw EnvironmentError.snapshotMismatch(task: taskID, message: "it was taken from '\(snapshot.taskID)'")
        }
        guard snapshot.stepCount >= 0, snapshot.stepCount <= horizon else {
            throw EnvironmentError.snapshotMismatch(task: taskID, message: "step count \(snapshot.stepCount) is outside 0...\(horizon)")
        }
        do { try scene.world.restore(snapshot.world) } catch let error as PhysicsError {
            throw EnvironmentError.snapshotMismatch(task: taskID, message: error.description)
        }
        rng = snapshot.rng
        stepCount = snapshot.stepCount
        phase = snapshot.phase
    }

    /// Places the scene in a sampled success configuration and lets it settle for
    /// `settleSteps` zero-action control steps; the episode is then running at step 0.
    /// Used by the teleport-and-settle example generator.
    func teleportToSuccess(seed: UInt64, settleSteps: Int) throws -> [Double] {
        _ = try reset(seed: seed)
        let zero = [Double](repeating: 0, count: actionSpec.count)
        do {
            try scene.placeInSuccessConfiguration(rng: &rng)
            for _ in 0..<settleSteps { try advance(zero) }
        } catch let error as PhysicsError {
            phase = .needsReset
            throw EnvironmentError.physicsFault(task: taskID, message: error.description)
        }
        return scene.observation()
    }
}
