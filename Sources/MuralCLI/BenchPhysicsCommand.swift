import ArgumentParser
import CODE
import Foundation
import Physics

struct BenchPhysicsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "physics",
        abstract: "Physics steps per second through Mural's wrapper and through direct ODE calls.",
        discussion: """
            Each reference scene is stepped three ways from the same snapshot, with the same actions:
              wrapper  World.step(): canonical contact order, per-world solver RNG, NaN and runaway
                       checks, exact-restore quaternion tracking;
              direct   the same work written as direct ODE calls (its final state must be bitwise
                       identical to the wrapper's, which the command checks);
              bare     plain ODE with none of those guarantees, for reference.
            overhead = wrapper time / direct time − 1, from interleaved trials in one run (best of each).
            """)

    @Option(help: "Physics steps per trial.")
    var steps = 4000

    @Option(help: "Trials per method; the best is reported.")
    var trials = 5

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    func validate() throws {
        guard steps > 0 else { throw ValidationError("--steps must be positive, got \(steps)") }
        guard trials > 0 else { throw ValidationError("--trials must be positive, got \(trials)") }
    }

    struct SceneResult: Codable {
        var scene: String
        var bodies: Int
        var joints: Int
        var contactsPerStep: Double
        var wrapperStepsPerSecond: Double
        var directStepsPerSecond: Double
        var bareStepsPerSecond: Double
        var overhead: Double
        var identicalToDirect: Bool
    }

    struct Report: Codable {
        var machine: BenchMachine
        var timestep: Double
        var solver: String
        var stepsPerTrial: Int
        var trials: Int
        var scenes: [SceneResult]
    }

    func run() throws {
        var results: [SceneResult] = []
        for kind in ReferenceScene.Kind.allCases {
            results.append(try benchmark(kind))
        }
        let report = Report(machine: .current(), timestep: 0.01, solver: "QuickStep, 20 iterations",
                            stepsPerTrial: steps, trials: trials, scenes: results)
        if json {
            try printJSON(report)
            return
        }
        print("mural bench physics — \(report.machine.summary)")
        print("dt = \(report.timestep) s, \(report.solver), \(steps) steps × best of \(trials) trials\n")
        printTable(
            ["scene", "bodies", "contacts/step", "wrapper steps/s", "direct steps/s", "bare steps/s", "overhead", "bitwise = direct"],
            results.map {
                [$0.scene, "\($0.bodies)", String(format: "%.1f", $0.contactsPerStep),
                 String(format: "%.0f", $0.wrapperStepsPerSecond), String(format: "%.0f", $0.directStepsPerSecond),
                 String(format: "%.0f", $0.bareStepsPerSecond), String(format: "%+.1f%%", $0.overhead * 100),
                 $0.identicalToDirect ? "yes" : "NO"]
            })
    }

    private func benchmark(_ kind: ReferenceScene.Kind) throws -> SceneResult {
        let scene = try ReferenceScene(kind, seed: 1)
        for _ in 0..<50 { try scene.step() }
        let start = scene.world.snapshot()
        let actions = (0..<steps).map { scene.action(at: start.stepCount + $0) }
        let direct = DirectODELoop(scene)

        var wrapperBest = Double.infinity, directBest = Double.infinity, bareBest = Double.infinity
        var contacts = 0
        var wrapperFinal = StateFingerprint(), directFinal = StateFingerprint()
        for _ in 0..<trials {
            try scene.world.restore(start)
            contacts = 0
            wrapperBest = min(wrapperBest, try measure {
                for action in actions {
                    try scene.apply(action)
                    try scene.world.step()
                    contacts += scene.world.contactCount
                }
            })
            wrapperFinal = StateFingerprint()
            wrapperFinal.combine(scene.world)

            try scene.world.restore(start)
            var seed = UInt(start.solverSeed)
            directBest = min(directBest, try measure { try direct.run(actions, solverSeed: &seed) })
            directFinal = StateFingerprint()
            directFinal.combine(scene.world)

            try scene.world.restore(start)
            bareBest = min(bareBest, measure { direct.runBare(actions) })
        }
        let identical = wrapperFinal == directFinal
        return SceneResult(
            scene: kind.rawValue, bodies: scene.world.bodies.count, joints: scene.world.joints.count,
            contactsPerStep: Double(contacts) / Double(steps),
            wrapperStepsPerSecond: Double(steps) / wrapperBest, directStepsPerSecond: Double(steps) / directBest,
            bareStepsPerSecond: Double(steps) / bareBest, overhead: wrapperBest / directBest - 1,
            identicalToDirect: identical)
    }
}

/// `World.step` rewritten as direct ODE calls on the same world: the baseline that the
/// wrapper's overhead is measured against.
private final class DirectODELoop {
    let world: dWorldID
    let space: dSpaceID
    let group: dJointGroupID
    let timestep: Double
    let maxContacts: Int32
    let maxLinearSpeed: Double
    let maxAngularSpeed: Double
    let bodies: [dBodyID]
    let fingerBody: dBodyID?
    let motors: [(id: dJointID, isHinge: Bool, maxForce: Double)]
    let geoms: [dGeomID]
    let geomBodies: [dBodyID?]
    let geomIsDynamic: [Bool]
    let materials: [Material]
    var pairs: [UInt64] = []
    let contacts: UnsafeMutablePointer<dContact>

    init(_ scene: ReferenceScene) {
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

    func run(_ actions: [[Double]], solverSeed: inout UInt) throws {
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
    func runBare(_ actions: [[Double]]) {
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
