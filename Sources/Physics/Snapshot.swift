import CODE

/// The complete dynamic state of a `World`: enough to continue bit for bit.
///
/// Joint frames are fixed at construction and contact joints are rebuilt every step, so
/// bodies, motor settings, the solver RNG and the step counter are all a world needs.
public struct WorldSnapshot: Hashable, Sendable, Codable {
    public struct BodyState: Hashable, Sendable, Codable {
        public var position: Vector3
        /// The exact quaternion last given to ODE (see `Body.quaternionPreimage`).
        public var orientation: Quaternion
        public var linearVelocity: Vector3
        public var angularVelocity: Vector3
        public var force: Vector3
        public var torque: Vector3
    }

    public struct JointState: Hashable, Sendable, Codable {
        public var motorVelocity: Double
        public var motorMaxForce: Double
        /// The servo driving the joint, if any, and its target.
        public var servo: PositionServo?
        public var servoTarget: Double
    }

    public var bodies: [BodyState]
    public var joints: [JointState]
    public var solverSeed: UInt32
    public var stepCount: Int
}

extension World {
    /// Captures the world's dynamic state.
    public func snapshot() -> WorldSnapshot {
        WorldSnapshot(
            bodies: bodies.map { body in
                WorldSnapshot.BodyState(
                    position: body.position,
                    orientation: body.quaternionPreimage,
                    linearVelocity: body.linearVelocity,
                    angularVelocity: body.angularVelocity,
                    force: readVector3(dBodyGetForce(body.id)),
                    torque: readVector3(dBodyGetTorque(body.id)))
            },
            joints: joints.map {
                WorldSnapshot.JointState(motorVelocity: $0.motorVelocity, motorMaxForce: $0.motorMaxForce,
                                         servo: $0.servo, servoTarget: $0.servoTarget)
            },
            solverSeed: UInt32(truncatingIfNeeded: solverSeed),
            stepCount: stepCount)
    }

    /// Restores a snapshot taken from this world (or one built identically), and clears any
    /// fault. Every value is checked before any is applied.
    public func restore(_ snapshot: WorldSnapshot) throws {
        guard snapshot.bodies.count == bodies.count, snapshot.joints.count == joints.count else {
            throw PhysicsError.snapshotMismatch(
                "it has \(snapshot.bodies.count) bodies and \(snapshot.joints.count) joints; "
                    + "this world has \(bodies.count) and \(joints.count)")
        }
        guard snapshot.stepCount >= 0 else {
            throw PhysicsError.snapshotMismatch("step count \(snapshot.stepCount) is negative")
        }
        for (body, state) in zip(bodies, snapshot.bodies) {
            for (what, v) in [("position", state.position), ("linear velocity", state.linearVelocity),
                              ("angular velocity", state.angularVelocity), ("force", state.force),
                              ("torque", state.torque)] {
                try requireFinite(v, "snapshot of body '\(body.name)': \(what)")
            }
            let q = state.orientation
            guard q.isFinite, q.w * q.w + q.x * q.x + q.y * q.y + q.z * q.z > 0 else {
                throw PhysicsError.snapshotMismatch("body '\(body.name)' has an invalid orientation \(q)")
            }
        }
        for (joint, state) in zip(joints, snapshot.joints) {
            guard state.motorVelocity.isFinite, state.motorMaxForce.isFinite, state.motorMaxForce >= 0,
                  state.servoTarget.isFinite else {
                throw PhysicsError.snapshotMismatch("joint '\(joint.name)' has invalid motor state \(state)")
            }
            if let servo = state.servo {
                do { try servo.validate("joint '\(joint.name)'") } catch {
                    throw PhysicsError.snapshotMismatch("joint '\(joint.name)' has an invalid servo: \(error)")
                }
            }
        }

        dJointGroupEmpty(handles.contactGroup)
        for (body, state) in zip(bodies, snapshot.bodies) {
            let id = body.id
            dBodySetPosition(id, state.position.x, state.position.y, state.position.z)
            body.setQuaternionPreimage(state.orientation)
            dBodySetLinearVel(id, state.linearVelocity.x, state.linearVelocity.y, state.linearVelocity.z)
            dBodySetAngularVel(id, state.angularVelocity.x, state.angularVelocity.y, state.angularVelocity.z)
            dBodySetForce(id, state.force.x, state.force.y, state.force.z)
            dBodySetTorque(id, state.torque.x, state.torque.y, state.torque.z)
        }
        for (joint, state) in zip(joints, snapshot.joints) {
            joint.applyMotor(velocity: state.motorVelocity, maxForce: state.motorMaxForce)
            joint.servo = state.servo
            joint.servoTarget = state.servoTarget
        }
        restoreCounters(solverSeed: UInt(snapshot.solverSeed), stepCount: snapshot.stepCount)
    }
}
