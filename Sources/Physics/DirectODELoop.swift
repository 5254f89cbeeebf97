import CODE

/// `World.step` rewritten as direct ODE calls on a reference scene's world: the baseline that
/// the wrapper's overhead is measured against (`mural bench physics`). It lives here because
/// only Physics talks to ODE; its final state must equal the wrapper's bit for bit.
public final class DirectODELoop {
    private let world: dWorldID
    private let space: dSpaceID
    private let group: dJointGroupID
    private let timestep: Double
    private let maxContacts: Int32
    private let maxLinearSpeed: Double
    private let maxAngularSpeed: Double
    private let bodies: [dBodyID]
    private let fingerBody: dBodyID?
    private let motors: [(id: dJointID, isHinge: Bool, maxForce: Double)]
    private let geoms: [dGeomID]
    private let geomBodies: [dBodyID?]
    private let geomIsDynamic: [Bool]
    private let materials: [Material]
    private var pairs: [UInt64] = []
    private let contacts: UnsafeMutablePointer<dContact>

    public init(_ scene: ReferenceScene) {
        let w = scene.world
        world = dBodyGetWorld(w.bodies[0].id)
        space = dGeomGetSpace(w.geoms[0].id)
        group = dJointGroupCreate(0)
        timestep = w.configuration.timestep
        maxContacts = Int32(w.configuration.maxContactsPerPair)
        maxLinearSpeed = w.configuration.maxLinearSpeed
        maxAngularSpeed = w.configuration.maxAngularSpeed
        bodies = w.bodies.map(\.id)
        fingerBody = scene.finger?.id
        motors = scene.motors.map { ($0.id, $0 is HingeJoint, $0.motorMaxForce) }
        geoms = w.geoms.map(\.id)
        geomBodies = w.geoms.map { $0.body?.id }
        geomIsDynamic = w.geoms.map { $0.body.map { !$0.isKinematic } ?? false }
        materials = w.geoms.map(\.material)
        contacts = .allocate(capacity: Int(maxContacts))
        contacts.initialize(repeating: dContact(), count: Int(maxContacts))
        pairs.reserveCapacity(64)
    }

    deinit {
        dJointGroupDestroy(group)
        contacts.deallocate()
    }

    private func apply(_ action: [Double]) {
        var i = 0
        if let fingerBody {
            dBodySetLinearVel(fingerBody, action[0], action[1], action[2])
            i = 3
        }
        for motor in motors {
            if motor.isHinge {
                dJointSetHingeParam(motor.id, Int32(dParamVel), action[i])
                dJointSetHingeParam(motor.id, Int32(dParamFMax), motor.maxForce)
            } else {
                dJointSetSliderParam(motor.id, Int32(dParamVel), action[i])
                dJointSetSliderParam(motor.id, Int32(dParamFMax), motor.maxForce)
            }
            i += 1
        }
    }

    /// Steps the world once per action, as `World.step` does: canonical contact order, the
    /// given solver seed (advanced in place), and the same state checks. Holds the solver lock
    /// throughout, so that worlds stepping on other threads keep their own RNG states.
    public func run(_ actions: [[Double]], solverSeed: inout UInt) throws {
        try ODERuntime.solverLock.withLock { _ in try runLocked(actions, solverSeed: &solverSeed) }
    }

    private func runLocked(_ actions: [[Double]], solverSeed: inout UInt) throws {
        let offset = MemoryLayout<dContact>.offset(of: \dContact.geom)!
        let contactGeoms = (UnsafeMutableRawPointer(contacts) + offset).assumingMemoryBound(to: dContactGeom.self)
        let stride = Int32(MemoryLayout<dContact>.stride)
        for action in actions {
            apply(action)
            pairs.removeAll(keepingCapacity: true)
            dSpaceCollide(space, Unmanaged.passUnretained(self).toOpaque()) { data, o1, o2 in
                let loop = Unmanaged<DirectODELoop>.fromOpaque(data!).takeUnretainedValue()
                let i = Int(bitPattern: dGeomGetData(o1)) - 1, j = Int(bitPattern: dGeomGetData(o2)) - 1
                guard loop.geomIsDynamic[i] || loop.geomIsDynamic[j] else { return }
                if let a = loop.geomBodies[i], let b = loop.geomBodies[j] {
                    if a == b || dAreConnectedExcluding(a, b, Int32(dJointTypeContact.rawValue)) != 0 { return }
                }
                loop.pairs.append(i < j ? UInt64(i) << 32 | UInt64(j) : UInt64(j) << 32 | UInt64(i))
            }
            pairs.sort()
            for key in pairs {
                let i = Int(key >> 32), j = Int(key & 0xFFFF_FFFF)
                let n = Int(dCollide(geoms[i], geoms[j], maxContacts, contactGeoms, stride))
                guard n > 0 else { continue }
                let a = materials[i], b = materials[j]
                let mu = (a.friction * b.friction).squareRoot()
                for k in 0..<n {
                    let c = contacts + k
                    c.pointee.surface.mode = Int32(dContactApprox1 | dContactSoftERP | dContactSoftCFM)
                    c.pointee.surface.mu = mu
                    c.pointee.surface.bounce = max(a.bounce, b.bounce)
                    c.pointee.surface.bounce_vel = 0.01
                    c.pointee.surface.soft_erp = min(a.softERP, b.softERP)
                    c.pointee.surface.soft_cfm = max(a.softCFM, b.softCFM)
                    dJointAttach(dJointCreateContact(world, group, c), geomBodies[i], geomBodies[j])
                }
            }
            dRandSetSeed(solverSeed)
            dWorldQuickStep(world, timestep)
            solverSeed = dRandGetSeed()
            dJointGroupEmpty(group)
            for body in bodies {
                let p = dBodyGetPosition(body)!, q = dBodyGetQuaternion(body)!
                let v = dBodyGetLinearVel(body)!, w = dBodyGetAngularVel(body)!
                let v2 = v[0] * v[0] + v[1] * v[1] + v[2] * v[2], w2 = w[0] * w[0] + w[1] * w[1] + w[2] * w[2]
                guard p[0].isFinite, p[1].isFinite, p[2].isFinite, q[0].isFinite, q[1].isFinite, q[2].isFinite,
                      q[3].isFinite, v2 <= maxLinearSpeed * maxLinearSpeed, w2 <= maxAngularSpeed * maxAngularSpeed
                else { throw PhysicsError.faulted("direct loop: body state out of bounds") }
                dBodySetQuaternion(body, q)
            }
        }
    }

    /// Plain ODE: contacts in the space's own order, the shared global RNG, no checks.
    /// Holds the solver lock throughout, as `run` does.
    public func runBare(_ actions: [[Double]]) {
        ODERuntime.solverLock.withLock { _ in runBareLocked(actions) }
    }

    private func runBareLocked(_ actions: [[Double]]) {
        for action in actions {
            apply(action)
            dSpaceCollide(space, Unmanaged.passUnretained(self).toOpaque()) { data, o1, o2 in
                let loop = Unmanaged<DirectODELoop>.fromOpaque(data!).takeUnretainedValue()
                let b1 = dGeomGetBody(o1), b2 = dGeomGetBody(o2)
                if b1 == nil && b2 == nil { return }
                if let b1, let b2, dAreConnectedExcluding(b1, b2, Int32(dJointTypeContact.rawValue)) != 0 { return }
                let offset = MemoryLayout<dContact>.offset(of: \dContact.geom)!
                let contactGeoms = (UnsafeMutableRawPointer(loop.contacts) + offset).assumingMemoryBound(to: dContactGeom.self)
                let n = Int(dCollide(o1, o2, loop.maxContacts, contactGeoms, Int32(MemoryLayout<dContact>.stride)))
                for k in 0..<n {
                    let c = loop.contacts + k
                    c.pointee.surface.mode = Int32(dContactApprox1 | dContactSoftERP | dContactSoftCFM)
                    c.pointee.surface.mu = 1
                    c.pointee.surface.soft_erp = 0.2
                    c.pointee.surface.soft_cfm = 1e-5
                    dJointAttach(dJointCreateContact(loop.world, loop.group, c), b1, b2)
                }
            }
            dWorldQuickStep(world, timestep)
            dJointGroupEmpty(group)
        }
    }
}
