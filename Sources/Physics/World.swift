import CODE

/// A simulated world: bodies, geoms and joints stepped by ODE under Mural's determinism
/// contract.
///
/// - The same configuration, construction, seed and inputs give bitwise-identical states,
///   in one process or across processes: the solver RNG is per world (see `ODERuntime`).
/// - `snapshot()` and `restore(_:)` are exact: a restored world continues bit for bit.
/// - Contacts are generated in a canonical order (by geom creation index), independent of
///   the collision space's internal history.
/// - A step that produces NaN, infinity or a runaway speed throws a `PhysicsError` naming
///   the body; the world then refuses to step until a snapshot is restored.
///
/// A world is not thread-safe; use one world per thread, and processes for throughput.
public final class World {
    public let configuration: WorldConfiguration
    public private(set) var bodies: [Body] = []
    public private(set) var geoms: [Geom] = []
    public private(set) var joints: [Joint] = []
    /// Steps taken since creation (restored by `restore`).
    public private(set) var stepCount = 0
    /// Contact points created in the last step.
    public private(set) var contactCount = 0

    let handles: ODEHandles
    /// This world's private state of ODE's solver RNG.
    private(set) var solverSeed: UInt
    private var fault: String?
    private var servoJoints: [Joint] = []
    private var names: [String: Set<String>] = [:]  // per kind of object
    private var candidatePairs: [UInt64] = []
    private let contactBuffer: UnsafeMutablePointer<dContact>
    private let contactGeoms: UnsafeMutablePointer<dContactGeom>

    /// Creates an empty world. `seed` sets the solver's constraint-ordering RNG.
    public init(configuration: WorldConfiguration = WorldConfiguration(), seed: UInt64 = 0) throws {
        try configuration.validate()
        self.configuration = configuration
        self.handles = ODEHandles(broadphase: configuration.broadphase)
        self.solverSeed = World.solverSeed(from: seed)
        contactBuffer = .allocate(capacity: configuration.maxContactsPerPair)
        contactBuffer.initialize(repeating: dContact(), count: configuration.maxContactsPerPair)
        let offset = MemoryLayout<dContact>.offset(of: \dContact.geom)!
        contactGeoms = (UnsafeMutableRawPointer(contactBuffer) + offset).assumingMemoryBound(to: dContactGeom.self)
        candidatePairs.reserveCapacity(64)

        let c = configuration
        let w = handles.world
        dWorldSetGravity(w, c.gravity.x, c.gravity.y, c.gravity.z)
        dWorldSetERP(w, c.erp)
        dWorldSetCFM(w, c.cfm)
        dWorldSetContactSurfaceLayer(w, c.contactSurfaceLayer)
        dWorldSetContactMaxCorrectingVel(w, c.maxCorrectingVelocity.isFinite ? c.maxCorrectingVelocity : CODE_dInfinity)
        dWorldSetLinearDamping(w, c.linearDamping)
        dWorldSetAngularDamping(w, c.angularDamping)
        dWorldSetQuickStepW(w, c.successiveOverRelaxation)
        if case .quickStep(let iterations) = c.solver { dWorldSetQuickStepNumIterations(w, Int32(iterations)) }
        // Auto-disabling idle bodies would make trajectories depend on a heuristic.
        dWorldSetAutoDisableFlag(w, 0)
    }

    deinit {
        contactBuffer.deinitialize(count: configuration.maxContactsPerPair)
        contactBuffer.deallocate()
    }

    /// Resets the solver RNG; call at every episode start for reproducible episodes.
    public func reseedSolver(_ seed: UInt64) {
        solverSeed = World.solverSeed(from: seed)
    }

    /// Sets the counters a snapshot carries and clears any fault; used by `restore`.
    func restoreCounters(solverSeed: UInt, stepCount: Int) {
        self.solverSeed = solverSeed
        self.stepCount = stepCount
        fault = nil
    }

    /// ODE's solver RNG holds 32 bits; mix the 64-bit seed into them.
    static func solverSeed(from seed: UInt64) -> UInt {
        var z = seed &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return UInt((z ^ (z >> 31)) & 0xFFFF_FFFF)
    }

    // MARK: - Building

    /// Reserves a name; bodies, geoms and joints each have their own namespace.
    private func claim(_ name: String, _ kind: String) throws {
        guard !name.isEmpty else { throw PhysicsError.invalidArgument("\(kind) names must not be empty") }
        guard names[kind, default: []].insert(name).inserted else {
            throw PhysicsError.invalidArgument("a \(kind) named '\(name)' already exists in this world")
        }
    }

    /// Adds a dynamic body whose mass and inertia are those of `shape` filled with `density`
    /// (kg/m³). `totalMass`, when given, rescales the mass to that value.
    @discardableResult
    public func addBody(
        named name: String, at position: Vector3, orientation: Quaternion = .identity,
        massFrom shape: Shape, density: Double = 1000, totalMass: Double? = nil
    ) throws -> Body {
        try shape.validate("body '\(name)'")
        try requirePositive(density, "body '\(name)': density")
        if let totalMass { try requirePositive(totalMass, "body '\(name)': total mass") }
        var m = dMass()
        switch shape {
        case .plane:
            throw PhysicsError.invalidArgument("body '\(name)': a plane has no mass; planes are static geoms")
        case .box(let s): dMassSetBox(&m, density, s.x, s.y, s.z)
        case .sphere(let r): dMassSetSphere(&m, density, r)
        case .capsule(let r, let l): dMassSetCapsule(&m, density, 3, r, l)
        case .cylinder(let r, let l): dMassSetCylinder(&m, density, 3, r, l)
        }
        if let totalMass { dMassAdjust(&m, totalMass) }
        let body = try makeBody(name, position, orientation, kinematic: false)
        dBodySetMass(body.id, &m)
        return body
    }

    /// Adds a kinematic body: it moves with the velocity you set and pushes dynamic bodies,
    /// but forces and contacts do not move it.
    @discardableResult
    public func addKinematicBody(named name: String, at position: Vector3, orientation: Quaternion = .identity) throws -> Body {
        try makeBody(name, position, orientation, kinematic: true)
    }

    private func makeBody(_ name: String, _ position: Vector3, _ orientation: Quaternion, kinematic: Bool) throws -> Body {
        try requireFinite(position, "body '\(name)': position")
        try claim(name, "body")
        let id = dBodyCreate(handles.world)!
        let body = Body(name: name, index: bodies.count, kinematic: kinematic, handles: handles, id: id, orientation: orientation)
        if kinematic { dBodySetKinematic(id) }
        dBodySetPosition(id, position.x, position.y, position.z)
        do { try body.setOrientation(orientation) } catch {
            names["body"]?.remove(name)
            dBodyDestroy(id)
            throw error
        }
        bodies.append(body)
        return body
    }

    /// Adds a collision geom, attached to `body` at a local offset, or static when `body` is
    /// `nil` (then `offset`/`rotation` are its world pose).
    @discardableResult
    public func addGeom(
        named name: String, shape: Shape, body: Body? = nil,
        offset: Vector3 = .zero, rotation: Quaternion = .identity,
        material: Material = .default, filter: CollisionFilter = .all
    ) throws -> Geom {
        try shape.validate("geom '\(name)'")
        try material.validate("geom '\(name)'")
        try requireFinite(offset, "geom '\(name)': offset")
        guard rotation.isFinite else { throw PhysicsError.invalidArgument("geom '\(name)': rotation is not finite") }
        if let body { try requireOwned(body) }
        if case .plane = shape, body != nil {
            throw PhysicsError.invalidArgument("geom '\(name)': planes cannot be attached to a body")
        }
        try claim(name, "geom")
        let space = handles.space
        let id: dGeomID
        switch shape {
        case .plane(let n, let d):
            let l = length(n)
            id = dCreatePlane(space, n.x / l, n.y / l, n.z / l, d / l)
        case .box(let s): id = dCreateBox(space, s.x, s.y, s.z)
        case .sphere(let r): id = dCreateSphere(space, r)
        case .capsule(let r, let l): id = dCreateCapsule(space, r, l)
        case .cylinder(let r, let l): id = dCreateCylinder(space, r, l)
        }
        var q: dQuaternion = (rotation.w, rotation.x, rotation.y, rotation.z)
        if case .plane = shape {} else {
            if let body {
                dGeomSetBody(id, body.id)
                dGeomSetOffsetPosition(id, offset.x, offset.y, offset.z)
                withUnsafePointer(to: &q) { $0.withMemoryRebound(to: dReal.self, capacity: 4) { dGeomSetOffsetQuaternion(id, $0) } }
            } else {
                dGeomSetPosition(id, offset.x, offset.y, offset.z)
                withUnsafePointer(to: &q) { $0.withMemoryRebound(to: dReal.self, capacity: 4) { dGeomSetQuaternion(id, $0) } }
            }
        }
        dGeomSetCategoryBits(id, UInt(filter.category))
        dGeomSetCollideBits(id, UInt(filter.collidesWith))
        let geom = Geom(name: name, index: geoms.count, shape: shape, body: body, material: material, filter: filter,
                        handles: handles, id: id)
        // The geom's index travels through ODE's user-data pointer (offset by one: nil is 0).
        dGeomSetData(id, UnsafeMutableRawPointer(bitPattern: geom.index + 1))
        geoms.append(geom)
        return geom
    }

    /// Adds a hinge about `axis` through `anchor` (world coordinates); `b == nil` hinges `a`
    /// to the world.
    @discardableResult
    public func addHinge(
        named name: String, _ a: Body, _ b: Body? = nil, anchor: Vector3, axis: Vector3,
        limits: ClosedRange<Double>? = nil
    ) throws -> HingeJoint {
        try requireFinite(anchor, "hinge '\(name)': anchor")
        try requireAxis(axis, "hinge '\(name)'")
        let joint = try makeJoint(name, .hinge, a, b, dJointCreateHinge(handles.world, nil)!, HingeJoint.init) as! HingeJoint
        dJointSetHingeAnchor(joint.id, anchor.x, anchor.y, anchor.z)
        dJointSetHingeAxis(joint.id, axis.x, axis.y, axis.z)
        if let limits { try joint.setLimits(limits) }
        return joint
    }

    /// Adds a slider along `axis` (world coordinates); `b == nil` slides `a` against the world.
    @discardableResult
    public func addSlider(
        named name: String, _ a: Body, _ b: Body? = nil, axis: Vector3, limits: ClosedRange<Double>? = nil
    ) throws -> SliderJoint {
        try requireAxis(axis, "slider '\(name)'")
        let joint = try makeJoint(name, .slider, a, b, dJointCreateSlider(handles.world, nil)!, SliderJoint.init) as! SliderJoint
        dJointSetSliderAxis(joint.id, axis.x, axis.y, axis.z)
        if let limits { try joint.setLimits(limits) }
        return joint
    }

    /// Adds a ball-and-socket joint at `anchor` (world coordinates).
    @discardableResult
    public func addBall(named name: String, _ a: Body, _ b: Body? = nil, anchor: Vector3) throws -> BallJoint {
        try requireFinite(anchor, "ball '\(name)': anchor")
        let joint = try makeJoint(name, .ball, a, b, dJointCreateBall(handles.world, nil)!, BallJoint.init) as! BallJoint
        dJointSetBallAnchor(joint.id, anchor.x, anchor.y, anchor.z)
        return joint
    }

    /// Welds `a` to `b` (or to the world) in their current relative pose.
    @discardableResult
    public func addFixed(named name: String, _ a: Body, _ b: Body? = nil) throws -> FixedJoint {
        let joint = try makeJoint(name, .fixed, a, b, dJointCreateFixed(handles.world, nil)!, FixedJoint.init) as! FixedJoint
        dJointSetFixed(joint.id)
        return joint
    }

    private func requireAxis(_ axis: Vector3, _ owner: String) throws {
        try requireFinite(axis, "\(owner): axis")
        guard length(axis) > 0 else { throw PhysicsError.invalidArgument("\(owner): axis must be non-zero") }
    }

    private func requireOwned(_ body: Body) throws {
        guard body.handles === handles else {
            throw PhysicsError.invalidArgument("body '\(body.name)' belongs to another world")
        }
    }

    private func makeJoint(
        _ name: String, _ kind: Joint.Kind, _ a: Body, _ b: Body?, _ id: dJointID,
        _ make: (String, Int, Joint.Kind, Body, Body?, ODEHandles, dJointID) -> Joint
    ) throws -> Joint {
        do {
            try requireOwned(a)
            if let b {
                try requireOwned(b)
                guard b !== a else { throw PhysicsError.invalidArgument("joint '\(name)' connects body '\(a.name)' to itself") }
            }
            try claim(name, "joint")
        } catch {
            dJointDestroy(id)
            throw error
        }
        dJointAttach(id, a.id, b?.id)
        let joint = make(name, joints.count, kind, a, b, handles, id)
        joints.append(joint)
        return joint
    }

    /// Looks an object up by name.
    public func body(named name: String) -> Body? { bodies.first { $0.name == name } }
    public func geom(named name: String) -> Geom? { geoms.first { $0.name == name } }
    public func joint(named name: String) -> Joint? { joints.first { $0.name == name } }

    // MARK: - Stepping

    /// Advances the world by one timestep.
    public func step() throws {
        if let fault { throw PhysicsError.faulted(fault) }
        for joint in joints where joint.servo != nil { joint.updateServo() }
        generateContacts()
        let world = handles.world
        let dt = configuration.timestep
        var solved = true
        switch configuration.solver {
        case .quickStep:
            solverSeed = ODERuntime.withSolverRNG(seed: solverSeed) { solved = dWorldQuickStep(world, dt) != 0 }
        case .exact:
            solverSeed = ODERuntime.withSolverRNG(seed: solverSeed) { solved = dWorldStep(world, dt) != 0 }
        }
        dJointGroupEmpty(handles.contactGroup)
        stepCount += 1
        guard solved else { try raise(.faulted("ODE could not allocate memory for step \(stepCount)")) }
        try verifyAndTrackQuaternions()
    }

    /// Steps `count` times.
    public func step(count: Int) throws {
        for _ in 0..<count { try step() }
    }

    private func raise(_ error: PhysicsError) throws -> Never {
        fault = error.description
        throw error
    }

    /// Checks every body for non-finite or runaway state, then re-sets each quaternion to
    /// itself so that the stored preimage reproduces it exactly on restore.
    private func verifyAndTrackQuaternions() throws {
        let maxLinear = configuration.maxLinearSpeed
        let maxAngular = configuration.maxAngularSpeed
        for body in bodies {
            let id = body.id
            let p = dBodyGetPosition(id)!, q = dBodyGetQuaternion(id)!
            let v = dBodyGetLinearVel(id)!, w = dBodyGetAngularVel(id)!
            if !(p[0].isFinite && p[1].isFinite && p[2].isFinite) {
                try raise(.nonFinite(body: body.name, quantity: "position", step: stepCount))
            }
            if !(q[0].isFinite && q[1].isFinite && q[2].isFinite && q[3].isFinite) {
                try raise(.nonFinite(body: body.name, quantity: "orientation", step: stepCount))
            }
            let v2 = v[0] * v[0] + v[1] * v[1] + v[2] * v[2]
            let w2 = w[0] * w[0] + w[1] * w[1] + w[2] * w[2]
            if !v2.isFinite {
                try raise(.nonFinite(body: body.name, quantity: "linear velocity", step: stepCount))
            }
            if !w2.isFinite {
                try raise(.nonFinite(body: body.name, quantity: "angular velocity", step: stepCount))
            }
            if v2 > maxLinear * maxLinear {
                try raise(.runawayVelocity(body: body.name, quantity: "linear speed", speed: v2.squareRoot(),
                                           limit: maxLinear, step: stepCount))
            }
            if w2 > maxAngular * maxAngular {
                try raise(.runawayVelocity(body: body.name, quantity: "angular speed", speed: w2.squareRoot(),
                                           limit: maxAngular, step: stepCount))
            }
            body.quaternionPreimage = Quaternion(w: q[0], x: q[1], y: q[2], z: q[3])
            dBodySetQuaternion(id, q)
        }
    }

    /// Collects candidate pairs from the broad phase, sorts them by geom index, and creates
    /// contact joints in that canonical order.
    private func generateContacts() {
        candidatePairs.removeAll(keepingCapacity: true)
        let context = Unmanaged.passUnretained(self).toOpaque()
        dSpaceCollide(handles.space, context) { data, o1, o2 in
            let world = Unmanaged<World>.fromOpaque(data!).takeUnretainedValue()
            world.considerPair(o1!, o2!)
        }
        candidatePairs.sort()
        var created = 0
        let maxContacts = Int32(configuration.maxContactsPerPair)
        let stride = Int32(MemoryLayout<dContact>.stride)
        for key in candidatePairs {
            let a = geoms[Int(key >> 32)], b = geoms[Int(key & 0xFFFF_FFFF)]
            let n = Int(dCollide(a.id, b.id, maxContacts, contactGeoms, stride))
            guard n > 0 else { continue }
            let surface = Material.combine(a.material, b.material)
            var mode = Int32(dContactApprox1 | dContactSoftERP | dContactSoftCFM)
            if surface.bounce > 0 { mode |= Int32(dContactBounce) }
            let bodyA = a.body?.id, bodyB = b.body?.id
            for i in 0..<n {
                let contact = contactBuffer + i
                contact.pointee.surface.mode = mode
                contact.pointee.surface.mu = surface.friction
                contact.pointee.surface.bounce = surface.bounce
                contact.pointee.surface.bounce_vel = 0.01
                contact.pointee.surface.soft_erp = surface.softERP
                contact.pointee.surface.soft_cfm = surface.softCFM
                let joint = dJointCreateContact(handles.world, handles.contactGroup, contact)
                dJointAttach(joint, bodyA, bodyB)
            }
            created += n
        }
        contactCount = created
    }

    /// Broad-phase callback: keeps pairs where at least one side is a dynamic body and the
    /// two are not already connected by a joint.
    private func considerPair(_ o1: dGeomID, _ o2: dGeomID) {
        let i = Int(bitPattern: dGeomGetData(o1)) - 1
        let j = Int(bitPattern: dGeomGetData(o2)) - 1
        let a = geoms[i].body, b = geoms[j].body
        let dynamicA = a.map { !$0.isKinematic } ?? false
        let dynamicB = b.map { !$0.isKinematic } ?? false
        guard dynamicA || dynamicB else { return }
        if let a, let b {
            if a === b { return }
            if dAreConnectedExcluding(a.id, b.id, Int32(dJointTypeContact.rawValue)) != 0 { return }
        }
        let (lo, hi) = i < j ? (i, j) : (j, i)
        candidatePairs.append(UInt64(lo) << 32 | UInt64(hi))
    }
}
