import Foundation

/// Two fixed scenes that exercise the physics layer: `mural bench physics` times them and
/// the determinism tests replay them. Their actions are a pure function of the step index,
/// so any two runs (and the direct-ODE benchmark loop) apply exactly the same inputs.
public final class ReferenceScene {
    public enum Kind: String, CaseIterable, Sendable {
        /// Three bodies and contacts: a kinematic finger pushes a box into a hinged door.
        case contact
        /// Twenty bodies: a 3-DoF arm with a palm and five 3-link fingers on 18 velocity
        /// motors, above a box and a ball.
        case articulated
    }

    public let kind: Kind
    public let world: World
    /// The joints driven by the action vector, in action order.
    public let motors: [Joint]
    /// The kinematic body driven by the first three action components, if any.
    public let finger: Body?

    /// Number of action components per step.
    public var actionCount: Int { motors.count + (finger == nil ? 0 : 3) }

    /// Motor force limit in the articulated scene, kept modest relative to the link inertia
    /// so that motors pushed into their limits do not destabilise QuickStep.
    static let fingerMaxTorque = 0.05

    public init(_ kind: Kind, seed: UInt64 = 0) throws {
        var configuration = WorldConfiguration()
        configuration.timestep = 0.01
        configuration.solver = .quickStep(iterations: 20)
        let world = try World(configuration: configuration, seed: seed)
        self.kind = kind
        self.world = world
        switch kind {
        case .contact:
            (motors, finger) = try ReferenceScene.buildContact(world)
        case .articulated:
            (motors, finger) = try ReferenceScene.buildArticulated(world)
        }
    }

    private static func buildContact(_ world: World) throws -> ([Joint], Body?) {
        try world.addGeom(named: "ground", shape: .plane(normal: Vector3(0, 0, 1), offset: 0))
        let box = try world.addBody(named: "box", at: Vector3(0.25, 0, 0.05), massFrom: .box(size: Vector3(0.1, 0.1, 0.1)),
                                    totalMass: 0.5)
        try world.addGeom(named: "box", shape: .box(size: Vector3(0.1, 0.1, 0.1)), body: box)
        let door = try world.addBody(named: "door", at: Vector3(0.5, 0.25, 0.31), massFrom: .box(size: Vector3(0.02, 0.5, 0.6)),
                                     totalMass: 2)
        try world.addGeom(named: "door", shape: .box(size: Vector3(0.02, 0.5, 0.6)), body: door)
        let hinge = try world.addHinge(named: "door-hinge", door, anchor: Vector3(0.5, 0, 0.31), axis: Vector3(0, 0, 1),
                                       limits: -1.5...1.5)
        try hinge.setMotor(velocity: 0, maxForce: 0.3)  // hinge friction
        let finger = try world.addKinematicBody(named: "finger", at: Vector3(0, 0, 0.05),
                                                orientation: Quaternion(axis: Vector3(0, 1, 0), angle: .pi / 2))
        try world.addGeom(named: "finger", shape: .capsule(radius: 0.02, length: 0.1), body: finger)
        return ([], finger)
    }

    private static func buildArticulated(_ world: World) throws -> ([Joint], Body?) {
        try world.addGeom(named: "ground", shape: .plane(normal: Vector3(0, 0, 1), offset: 0))
        let armFilter = CollisionFilter(category: 2, collidesWith: 1)  // the hand never collides with itself
        let base = try world.addBody(named: "lift", at: Vector3(0, 0, 0.5), massFrom: .box(size: Vector3(0.1, 0.1, 0.1)),
                                     totalMass: 1)
        let lift = try world.addSlider(named: "lift", base, axis: Vector3(0, 0, 1), limits: -0.3...0.2)
        let turret = try world.addBody(named: "turret", at: Vector3(0, 0, 0.45), massFrom: .cylinder(radius: 0.05, length: 0.1),
                                       totalMass: 0.5)
        let yaw = try world.addHinge(named: "yaw", turret, base, anchor: Vector3(0, 0, 0.45), axis: Vector3(0, 0, 1),
                                     limits: -1.5...1.5)
        let palm = try world.addBody(named: "palm", at: Vector3(0, 0, 0.35), massFrom: .box(size: Vector3(0.1, 0.12, 0.02)),
                                     totalMass: 0.3)
        try world.addGeom(named: "palm", shape: .box(size: Vector3(0.1, 0.12, 0.02)), body: palm, filter: armFilter)
        let pitch = try world.addHinge(named: "pitch", palm, turret, anchor: Vector3(0, 0, 0.4), axis: Vector3(0, 1, 0),
                                       limits: -0.8...0.8)
        var motors: [Joint] = [lift, yaw, pitch]
        for joint in motors { try joint.setMotor(velocity: 0, maxForce: 20) }

        let phalanx = 0.04
        for f in 0..<5 {
            var parent = palm
            let x = -0.04 + 0.02 * Double(f)
            for k in 0..<3 {
                let top = 0.34 - phalanx * Double(k)
                let link = try world.addBody(named: "finger\(f)-\(k)", at: Vector3(x, 0.05, top - phalanx / 2),
                                             massFrom: .capsule(radius: 0.008, length: phalanx), totalMass: 0.03)
                try world.addGeom(named: "finger\(f)-\(k)", shape: .capsule(radius: 0.008, length: phalanx), body: link,
                                  filter: armFilter)
                let joint = try world.addHinge(named: "finger\(f)-\(k)", link, parent, anchor: Vector3(x, 0.05, top),
                                               axis: Vector3(1, 0, 0), limits: -0.2...1.4)
                try joint.setMotor(velocity: 0, maxForce: fingerMaxTorque)
                motors.append(joint)
                parent = link
            }
        }
        let block = try world.addBody(named: "block", at: Vector3(0, 0.05, 0.031), massFrom: .box(size: Vector3(0.06, 0.06, 0.06)),
                                      totalMass: 0.1)
        try world.addGeom(named: "block", shape: .box(size: Vector3(0.06, 0.06, 0.06)), body: block)
        let ball = try world.addBody(named: "ball", at: Vector3(0.08, -0.05, 0.03), massFrom: .sphere(radius: 0.03),
                                     totalMass: 0.05)
        try world.addGeom(named: "ball", shape: .sphere(radius: 0.03), body: ball)
        return (motors, nil)
    }

    /// The action at `step`: smooth, bounded and different for every component.
    public func action(at step: Int) -> [Double] {
        let t = Double(step)
        var action: [Double] = []
        action.reserveCapacity(actionCount)
        if finger != nil {
            // Sweep the finger along x through the box towards the door and back (m/s).
            action += [0.6 * cos(0.02 * t), 0.1 * sin(0.013 * t), 0]
        }
        for j in 0..<motors.count {
            let phase = Double(j) * 0.7
            action.append(2.0 * sin(0.03 * t * (1 + 0.1 * Double(j)) + phase))
        }
        return action
    }

    /// Applies an action: finger velocity, then motor velocities.
    public func apply(_ action: [Double]) throws {
        guard action.count == actionCount else {
            throw PhysicsError.invalidArgument("\(kind) scene takes \(actionCount) action components, got \(action.count)")
        }
        var i = 0
        if let finger {
            try finger.setLinearVelocity(Vector3(action[0], action[1], action[2]))
            i = 3
        }
        for joint in motors {
            try joint.setMotor(velocity: action[i], maxForce: joint.motorMaxForce)
            i += 1
        }
    }

    /// Applies the scheduled action and steps the world once.
    public func step() throws {
        try apply(action(at: world.stepCount))
        try world.step()
    }
}
