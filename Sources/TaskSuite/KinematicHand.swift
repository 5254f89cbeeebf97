import Physics

/// Settings of a kinematic end-effector (`hand:` in a task file).
struct HandParameters: Sendable {
    var start: SIMD3<Double>
    var workspaceLower: SIMD3<Double>
    var workspaceUpper: SIMD3<Double>
    /// Largest displacement per control step along each commanded axis (metres).
    var maxDisplacement: Double

    init(_ t: YAMLTable) throws {
        start = try t.vector3("start")
        workspaceLower = try t.vector3("workspace_lower")
        workspaceUpper = try t.vector3("workspace_upper")
        maxDisplacement = try t.positive("max_displacement")
        guard all(workspaceLower .<= workspaceUpper) else {
            throw t.error("workspace_upper", "must be ≥ workspace_lower on every axis")
        }
        guard all(start .>= workspaceLower), all(start .<= workspaceUpper) else {
            throw t.error("start", "lies outside the workspace")
        }
    }
}

/// An end-effector moved by displacement commands, never teleported during an episode: each
/// control step sets the kinematic body's velocity to (clipped target − position) / control
/// timestep, so it sweeps through the substeps and pushes what it meets. Kinematic bodies
/// have infinite mass: objects cannot push back, as with MURAL's mocap-driven Sawyer hand.
final class KinematicHand {
    let body: Body
    let parameters: HandParameters
    private let controlTimestep: Double

    init(world: World, name: String, parameters: HandParameters, controlTimestep: Double) throws {
        body = try world.addKinematicBody(named: name, at: parameters.start)
        self.parameters = parameters
        self.controlTimestep = controlTimestep
    }

    var position: SIMD3<Double> { body.position }
    var velocity: SIMD3<Double> { body.linearVelocity }

    /// Moves by `action × maxDisplacement` over the next control step, staying in the workspace.
    func command(_ action: SIMD3<Double>) throws {
        let target = (position + action * parameters.maxDisplacement)
            .clamped(lowerBound: parameters.workspaceLower, upperBound: parameters.workspaceUpper)
        try body.setLinearVelocity((target - position) / controlTimestep)
    }

    /// Places the hand at rest (episode resets and example generation only).
    func place(at p: SIMD3<Double>) throws {
        try body.setPosition(p.clamped(lowerBound: parameters.workspaceLower, upperBound: parameters.workspaceUpper))
        try body.setLinearVelocity(.zero)
        try body.setAngularVelocity(.zero)
    }

    /// The action that moves toward `target` as far as one step allows.
    func action(toward target: SIMD3<Double>) -> SIMD3<Double> {
        let delta = (target - position) / parameters.maxDisplacement
        let n = norm(delta)
        return n > 1 ? delta / n : delta
    }
}
