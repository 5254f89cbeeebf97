import CODE

/// A rigid body in a `World`. Bodies are created by `World.addBody` and
/// `World.addKinematicBody`; setters validate their input and throw rather than let a
/// NaN into the solver.
public final class Body {
    /// Unique within its world; errors and snapshots refer to bodies by name.
    public let name: String
    /// Creation order within the world.
    public let index: Int
    /// A kinematic body follows its velocity exactly and is not moved by forces or contacts.
    public let isKinematic: Bool
    let handles: ODEHandles
    package let id: dBodyID
    /// The quaternion last passed to `dBodySetQuaternion`. ODE renormalises what it is given,
    /// which is not idempotent in floating point; storing the exact preimage makes restore
    /// bitwise exact.
    var quaternionPreimage: Quaternion

    init(name: String, index: Int, kinematic: Bool, handles: ODEHandles, id: dBodyID, orientation: Quaternion) {
        self.name = name
        self.index = index
        self.isKinematic = kinematic
        self.handles = handles
        self.id = id
        self.quaternionPreimage = orientation
    }

    public var position: Vector3 { readVector3(dBodyGetPosition(id)) }
    public var linearVelocity: Vector3 { readVector3(dBodyGetLinearVel(id)) }
    public var angularVelocity: Vector3 { readVector3(dBodyGetAngularVel(id)) }

    public var orientation: Quaternion {
        let q = dBodyGetQuaternion(id)!
        return Quaternion(w: q[0], x: q[1], y: q[2], z: q[3])
    }

    /// Total mass in kilograms (0 for kinematic bodies).
    public var mass: Double {
        var m = dMass()
        dBodyGetMass(id, &m)
        return isKinematic ? 0 : m.mass
    }

    /// The world position of a point given in body coordinates.
    public func worldPoint(_ local: Vector3) -> Vector3 {
        var out = dVector3(0, 0, 0, 0)
        withUnsafeMutablePointer(to: &out) {
            $0.withMemoryRebound(to: dReal.self, capacity: 4) { dBodyGetRelPointPos(id, local.x, local.y, local.z, $0) }
        }
        return Vector3(out.0, out.1, out.2)
    }

    public func setPosition(_ p: Vector3) throws {
        try requireFinite(p, "body '\(name)': position")
        dBodySetPosition(id, p.x, p.y, p.z)
    }

    public func setOrientation(_ q: Quaternion) throws {
        guard q.isFinite, q.w * q.w + q.x * q.x + q.y * q.y + q.z * q.z > 0 else {
            throw PhysicsError.invalidArgument("body '\(name)': orientation \(q) is not a finite non-zero quaternion")
        }
        setQuaternionPreimage(q)
    }

    public func setLinearVelocity(_ v: Vector3) throws {
        try requireFinite(v, "body '\(name)': linear velocity")
        dBodySetLinearVel(id, v.x, v.y, v.z)
    }

    public func setAngularVelocity(_ w: Vector3) throws {
        try requireFinite(w, "body '\(name)': angular velocity")
        dBodySetAngularVel(id, w.x, w.y, w.z)
    }

    /// Adds a force (N) at the centre of mass for the next step.
    public func addForce(_ f: Vector3) throws {
        try requireFinite(f, "body '\(name)': force")
        dBodyAddForce(id, f.x, f.y, f.z)
    }

    /// Adds a torque (N·m) for the next step.
    public func addTorque(_ t: Vector3) throws {
        try requireFinite(t, "body '\(name)': torque")
        dBodyAddTorque(id, t.x, t.y, t.z)
    }

    func setQuaternionPreimage(_ q: Quaternion) {
        quaternionPreimage = q
        var raw: dQuaternion = (q.w, q.x, q.y, q.z)
        withUnsafePointer(to: &raw) { $0.withMemoryRebound(to: dReal.self, capacity: 4) { dBodySetQuaternion(id, $0) } }
    }
}

@inline(__always)
func readVector3(_ p: UnsafePointer<dReal>?) -> Vector3 {
    let p = p!
    return Vector3(p[0], p[1], p[2])
}
