import CODE

/// A joint between two bodies, or between a body and the static world.
///
/// Hinges and sliders can carry limits, a velocity motor and a position servo. A servo is
/// an implicit PD controller: each step it sets the motor's target velocity to
/// `gain · (target − q)`, clamped to `maxVelocity`, with at most `maxForce`. The motor
/// constraint supplies the damping inside the solver, which keeps stiff servos stable at
/// timesteps where an explicit PD torque would explode.
public class Joint {
    public enum Kind: String, Sendable, Codable { case hinge, slider, ball, fixed }

    public let name: String
    public let index: Int
    public let kind: Kind
    public let bodyA: Body
    /// `nil` when the joint attaches `bodyA` to the static world.
    public let bodyB: Body?
    let handles: ODEHandles
    package let id: dJointID

    /// The motor's target velocity and force limit, as last set (by `setMotor` or the servo).
    public internal(set) var motorVelocity: Double = 0
    public internal(set) var motorMaxForce: Double = 0
    var servo: PositionServo?
    var servoTarget: Double = 0

    init(name: String, index: Int, kind: Kind, bodyA: Body, bodyB: Body?, handles: ODEHandles, id: dJointID) {
        self.name = name
        self.index = index
        self.kind = kind
        self.bodyA = bodyA
        self.bodyB = bodyB
        self.handles = handles
        self.id = id
    }

    var isActuated: Bool { kind == .hinge || kind == .slider }

    func setParameter(_ parameter: Int, _ value: Double) {
        switch kind {
        case .hinge: dJointSetHingeParam(id, Int32(parameter), value)
        case .slider: dJointSetSliderParam(id, Int32(parameter), value)
        case .ball, .fixed: break
        }
    }

    /// The joint coordinate: angle (rad) for a hinge, displacement (m) for a slider.
    var coordinate: Double {
        switch kind {
        case .hinge: return dJointGetHingeAngle(id)
        case .slider: return dJointGetSliderPosition(id)
        case .ball, .fixed: return 0
        }
    }

    /// The joint coordinate's rate of change.
    var coordinateRate: Double {
        switch kind {
        case .hinge: return dJointGetHingeAngleRate(id)
        case .slider: return dJointGetSliderPositionRate(id)
        case .ball, .fixed: return 0
        }
    }

    func requireActuated(_ what: String) throws {
        guard isActuated else {
            throw PhysicsError.invalidArgument("joint '\(name)' is a \(kind) joint and has no \(what)")
        }
    }

    /// Sets joint limits (rad for hinges, m for sliders).
    public func setLimits(_ limits: ClosedRange<Double>) throws {
        try requireActuated("limits")
        guard limits.lowerBound.isFinite, limits.upperBound.isFinite else {
            throw PhysicsError.invalidArgument("joint '\(name)': limits \(limits) are not finite")
        }
        // ODE ignores a low stop above the current high stop, so widen first.
        setParameter(dParamHiStop, .infinity)
        setParameter(dParamLoStop, limits.lowerBound)
        setParameter(dParamHiStop, limits.upperBound)
    }

    /// Drives the joint at `velocity` using at most `maxForce` (N or N·m). A motor with
    /// zero velocity acts as joint friction. Replaces any servo.
    public func setMotor(velocity: Double, maxForce: Double) throws {
        try requireActuated("motor")
        try requireFinite(velocity, "joint '\(name)': motor velocity")
        guard maxForce.isFinite, maxForce >= 0 else {
            throw PhysicsError.invalidArgument("joint '\(name)': motor max force must be finite and ≥ 0, got \(maxForce)")
        }
        servo = nil
        applyMotor(velocity: velocity, maxForce: maxForce)
    }

    /// Attaches a position servo; `setServoTarget` then moves the joint.
    public func setServo(_ servo: PositionServo) throws {
        try requireActuated("servo")
        try servo.validate("joint '\(name)'")
        self.servo = servo
        self.servoTarget = coordinate
    }

    /// The servo's target coordinate.
    public func setServoTarget(_ target: Double) throws {
        guard servo != nil else {
            throw PhysicsError.invalidArgument("joint '\(name)' has no servo; call setServo first")
        }
        try requireFinite(target, "joint '\(name)': servo target")
        servoTarget = target
    }

    /// Updates the motor from the servo; called by `World.step` before solving.
    @inline(__always)
    func updateServo() {
        guard let servo else { return }
        let velocity = min(max(servo.gain * (servoTarget - coordinate), -servo.maxVelocity), servo.maxVelocity)
        applyMotor(velocity: velocity, maxForce: servo.maxForce)
    }

    func applyMotor(velocity: Double, maxForce: Double) {
        motorVelocity = velocity
        motorMaxForce = maxForce
        setParameter(dParamVel, velocity)
        setParameter(dParamFMax, maxForce)
    }
}

/// A hinge (revolute) joint.
public final class HingeJoint: Joint {
    /// Angle in radians, relative to the pose at creation.
    public var angle: Double { coordinate }
    public var angleRate: Double { coordinateRate }
}

/// A slider (prismatic) joint.
public final class SliderJoint: Joint {
    /// Displacement in metres, relative to the pose at creation.
    public var displacement: Double { coordinate }
    public var displacementRate: Double { coordinateRate }
}

/// A ball-and-socket joint.
public final class BallJoint: Joint {}

/// A joint that welds two bodies (or a body and the world) together.
public final class FixedJoint: Joint {}

/// Settings of an implicit PD position servo; see `Joint`.
public struct PositionServo: Hashable, Sendable, Codable {
    /// Proportional gain (1/s): target velocity per unit of position error.
    public var gain: Double
    /// Bound on the commanded velocity.
    public var maxVelocity: Double
    /// Force or torque limit of the motor.
    public var maxForce: Double

    public init(gain: Double, maxVelocity: Double = .infinity, maxForce: Double) {
        self.gain = gain
        self.maxVelocity = maxVelocity
        self.maxForce = maxForce
    }

    func validate(_ owner: String) throws {
        try requirePositive(gain, "\(owner): servo gain")
        guard maxVelocity > 0 else {
            throw PhysicsError.invalidArgument("\(owner): servo max velocity must be positive, got \(maxVelocity)")
        }
        try requirePositive(maxForce, "\(owner): servo max force")
    }
}
