import Physics
import Testing

@Suite("World construction, dynamics and joints")
struct WorldTests {
    @Test("ODE is the double-precision build")
    func doublePrecision() {
        #expect(ODEInfo.isDoublePrecision, "ODE configuration: \(ODEInfo.configuration)")
        #expect(ODEInfo.version.hasPrefix("0.16"))
    }

    @Test("free fall follows ODE's semi-implicit Euler exactly")
    func freeFall() throws {
        let world = try World()
        let body = try world.addBody(named: "rock", at: Vector3(0, 0, 10), massFrom: .sphere(radius: 0.1))
        let n = 50
        try world.step(count: n)
        let g = -9.81, dt = 0.01
        // v_k = k·g·dt, z_n = z_0 + Σ v_k·dt = z_0 + g·dt²·n(n+1)/2
        let expected = 10 + g * dt * dt * Double(n * (n + 1)) / 2
        #expect(abs(body.position.z - expected) < 1e-9, "z = \(body.position.z), expected \(expected)")
        #expect(abs(body.linearVelocity.z - g * dt * Double(n)) < 1e-9)
    }

    @Test("mass comes from shape and density, or is rescaled to a total")
    func massFromShape() throws {
        let world = try World()
        let cube = try world.addBody(named: "cube", at: .zero, massFrom: .box(size: Vector3(0.1, 0.2, 0.5)), density: 500)
        #expect(abs(cube.mass - 500 * 0.01) < 1e-12)
        let ball = try world.addBody(named: "ball", at: .zero, massFrom: .sphere(radius: 0.1), totalMass: 2)
        #expect(abs(ball.mass - 2) < 1e-12)
        let finger = try world.addKinematicBody(named: "finger", at: .zero)
        #expect(finger.mass == 0 && finger.isKinematic)
    }

    @Test("a sphere comes to rest on the ground plane", arguments: [WorldConfiguration.Solver.quickStep(iterations: 20), .exact])
    func restingContact(solver: WorldConfiguration.Solver) throws {
        let world = try groundWorld { $0.solver = solver }
        let ball = try world.addBody(named: "ball", at: Vector3(0, 0, 0.5), massFrom: .sphere(radius: 0.1))
        try world.addGeom(named: "ball", shape: .sphere(radius: 0.1), body: ball)
        try world.step(count: 300)
        #expect(abs(ball.position.z - 0.1) < 0.003, "resting height \(ball.position.z)")
        #expect(length(ball.linearVelocity) < 1e-3)
        #expect(world.contactCount >= 1)
    }

    @Test("collision filters stop pairs whose bits do not match")
    func collisionFilter() throws {
        let world = try World()
        try world.addGeom(named: "ground", shape: .plane(normal: Vector3(0, 0, 1), offset: 0),
                          filter: CollisionFilter(category: 1, collidesWith: 1))
        let ghost = try world.addBody(named: "ghost", at: Vector3(0, 0, 0.2), massFrom: .sphere(radius: 0.1))
        try world.addGeom(named: "ghost", shape: .sphere(radius: 0.1), body: ghost,
                          filter: CollisionFilter(category: 2, collidesWith: 2))
        try world.step(count: 100)
        #expect(ghost.position.z < -0.1, "the ghost should fall through the ground")
        #expect(world.contactCount == 0)
    }

    @Test("pyramid friction: a sliding box stops after v²/(2μg)", arguments: [0.1, 0.3, 0.8])  // below 1, where the cube would tip
    func friction(mu: Double) throws {
        let world = try World()
        try world.addGeom(named: "ground", shape: .plane(normal: Vector3(0, 0, 1), offset: 0), material: Material(friction: mu))
        let box = try world.addBody(named: "box", at: Vector3(0, 0, 0.05), massFrom: .box(size: Vector3(0.1, 0.1, 0.1)))
        try world.addGeom(named: "box", shape: .box(size: Vector3(0.1, 0.1, 0.1)), body: box, material: Material(friction: mu))
        try world.step(count: 20)
        let start = box.position.x
        try box.setLinearVelocity(Vector3(1, 0, 0))
        try world.step(count: 200)
        let travelled = box.position.x - start
        let expected = 1 / (2 * mu * 9.81)  // friction force scales with the normal force (dContactApprox1)
        #expect(abs(travelled - expected) < 0.02 + 0.05 * expected, "μ = \(mu): slid \(travelled) m, expected \(expected)")
    }

    @Test("hinge limits hold against a motor pushing past them")
    func hingeLimits() throws {
        var configuration = WorldConfiguration()
        configuration.gravity = .zero
        let world = try World(configuration: configuration)
        let door = try world.addBody(named: "door", at: Vector3(0.25, 0, 0), massFrom: .box(size: Vector3(0.5, 0.02, 0.5)))
        let hinge = try world.addHinge(named: "hinge", door, anchor: .zero, axis: Vector3(0, 0, 1), limits: 0...0.8)
        try hinge.setMotor(velocity: 2, maxForce: 5)
        try world.step(count: 200)
        #expect(abs(hinge.angle - 0.8) < 0.02, "angle \(hinge.angle) should rest at the 0.8 rad limit")
        try hinge.setMotor(velocity: -2, maxForce: 5)
        try world.step(count: 200)
        #expect(abs(hinge.angle) < 0.02, "angle \(hinge.angle) should rest at the 0 rad limit")
    }

    @Test("a position servo drives a hinge and a slider to their targets")
    func servo() throws {
        var configuration = WorldConfiguration()
        configuration.gravity = .zero
        let world = try World(configuration: configuration)
        let arm = try world.addBody(named: "arm", at: Vector3(0.2, 0, 0), massFrom: .capsule(radius: 0.02, length: 0.4))
        let hinge = try world.addHinge(named: "shoulder", arm, anchor: .zero, axis: Vector3(0, 0, 1))
        try hinge.setServo(PositionServo(gain: 10, maxVelocity: 3, maxForce: 10))
        try hinge.setServoTarget(1.2)
        let carriage = try world.addBody(named: "carriage", at: Vector3(0, 1, 0), massFrom: .box(size: Vector3(0.1, 0.1, 0.1)))
        let slider = try world.addSlider(named: "rail", carriage, axis: Vector3(1, 0, 0), limits: -1...1)
        try slider.setServo(PositionServo(gain: 10, maxForce: 50))
        try slider.setServoTarget(-0.3)
        try world.step(count: 150)
        #expect(abs(hinge.angle - 1.2) < 1e-3, "hinge angle \(hinge.angle)")
        #expect(abs(slider.displacement + 0.3) < 1e-3, "slider displacement \(slider.displacement)")
    }

    @Test("ball and fixed joints keep bodies together")
    func ballAndFixed() throws {
        let world = try World(configuration: { var c = WorldConfiguration(); c.solver = .exact; return c }())
        let anchor = Vector3(0, 0, 1)
        let bob = try world.addBody(named: "bob", at: Vector3(0.5, 0, 1), massFrom: .sphere(radius: 0.05))
        try world.addBall(named: "pivot", bob, anchor: anchor)
        let weld = try world.addBody(named: "weld", at: Vector3(0.6, 0, 1), massFrom: .sphere(radius: 0.05))
        try world.addFixed(named: "weld", weld, bob)
        try world.step(count: 200)
        #expect(abs(length(bob.position - anchor) - 0.5) < 0.01, "pendulum length drifted to \(length(bob.position - anchor))")
        #expect(abs(length(weld.position - bob.position) - 0.1) < 0.005)
        #expect(bob.position.z < 0.9, "the pendulum should swing down")
    }

    @Test("bad construction input is refused with a message naming the problem")
    func badInput() throws {
        func message(_ work: () throws -> Void) -> String {
            do { try work(); return "no error" } catch { return "\(error)" }
        }
        var bad = WorldConfiguration()
        bad.timestep = 0
        #expect(message { _ = try World(configuration: bad) }.contains("timestep"))
        bad = WorldConfiguration()
        bad.solver = .quickStep(iterations: 0)
        #expect(message { _ = try World(configuration: bad) }.contains("iterations"))

        let world = try World()
        let body = try world.addBody(named: "a", at: .zero, massFrom: .sphere(radius: 1))
        #expect(message { try world.addBody(named: "a", at: .zero, massFrom: .sphere(radius: 1)) }.contains("'a' already exists"))
        #expect(message { try world.addBody(named: "b", at: .zero, massFrom: .sphere(radius: -1)) }.contains("radius"))
        #expect(message { try world.addBody(named: "c", at: .zero, massFrom: .plane(normal: Vector3(0, 0, 1), offset: 0)) }
            .contains("plane"))
        #expect(message { try world.addGeom(named: "g", shape: .box(size: Vector3(1, 0, 1))) }.contains("box size y"))
        #expect(message { try world.addGeom(named: "p", shape: .plane(normal: Vector3(0, 0, 1), offset: 0), body: body) }
            .contains("planes cannot be attached"))
        #expect(message { try world.addGeom(named: "m", shape: .sphere(radius: 1), material: Material(friction: -1)) }
            .contains("friction"))
        #expect(message { try world.addHinge(named: "h", body, anchor: .zero, axis: .zero) }.contains("axis"))
        #expect(message { try world.addHinge(named: "self", body, body, anchor: .zero, axis: Vector3(0, 0, 1)) }
            .contains("to itself"))
        let other = try World()
        let stranger = try other.addBody(named: "s", at: .zero, massFrom: .sphere(radius: 1))
        #expect(message { try world.addFixed(named: "f", body, stranger) }.contains("another world"))
        let ball = try world.addBall(named: "ball", body, anchor: .zero)
        #expect(message { try ball.setMotor(velocity: 1, maxForce: 1) }.contains("ball joint"))
        let hinge = try world.addHinge(named: "hinge", body, anchor: .zero, axis: Vector3(1, 0, 0))
        #expect(message { try hinge.setServoTarget(1) }.contains("no servo"))
        #expect(message { try hinge.setLimits(-Double.infinity...0) }.contains("not finite"))
    }

    @Test("handles keep ODE objects alive after their world is released")
    func handlesOutliveWorld() throws {
        var body: Body?
        do {
            let world = try World()
            body = try world.addBody(named: "survivor", at: Vector3(1, 2, 3), massFrom: .sphere(radius: 1))
            try world.step()
        }
        #expect(body?.position.x == 1)
        // Creating and dropping many worlds neither crashes nor accumulates state.
        for seed in 0..<100 { _ = try ReferenceScene(.articulated, seed: UInt64(seed)) }
    }
}

@Suite("Snapshots of actuated joints")
struct ServoSnapshotTests {
    @Test("a snapshot carries servo settings, so a servo attached later is undone by restore")
    func servoInSnapshot() throws {
        var configuration = WorldConfiguration()
        configuration.gravity = .zero
        let world = try World(configuration: configuration)
        let arm = try world.addBody(named: "arm", at: Vector3(0.2, 0, 0), massFrom: .capsule(radius: 0.02, length: 0.4))
        let hinge = try world.addHinge(named: "shoulder", arm, anchor: .zero, axis: Vector3(0, 0, 1))
        let before = world.snapshot()
        try hinge.setServo(PositionServo(gain: 10, maxForce: 10))
        try hinge.setServoTarget(1)
        let withServo = world.snapshot()
        try world.restore(before)
        try world.step(count: 50)
        #expect(abs(hinge.angle) < 1e-12, "the servo attached after the snapshot still drove the joint")
        try world.restore(withServo)
        try world.step(count: 100)
        #expect(abs(hinge.angle - 1) < 1e-3, "restoring the second snapshot should bring the servo back")
    }
}
