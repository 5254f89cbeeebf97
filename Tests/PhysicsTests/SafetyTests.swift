import CODE
import Physics
import Testing

@Suite("Numerical safety")
struct SafetyTests {
    /// A free-floating ball with no contacts or joints, so a NaN stays in its own state.
    func floatingBall() throws -> (World, Body) {
        var configuration = WorldConfiguration()
        configuration.gravity = .zero
        let world = try World(configuration: configuration)
        let ball = try world.addBody(named: "ball", at: Vector3(0, 0, 1), massFrom: .sphere(radius: 0.1))
        try world.addGeom(named: "ball", shape: .sphere(radius: 0.1), body: ball)
        return (world, ball)
    }

    @Test("a step that yields NaN throws an error naming the body")
    func nanIsDetected() throws {
        let (world, ball) = try floatingBall()
        try world.step()
        // Simulate a numerical blow-up inside ODE by writing NaN behind the API's back.
        dBodySetLinearVel(ball.id, .nan, 0, 0)
        let error = #expect(throws: PhysicsError.self) { try world.step() }
        guard case let .nonFinite(body, quantity, step) = error else {
            Issue.record("expected .nonFinite, got \(String(describing: error))")
            return
        }
        #expect(body == "ball")
        #expect(quantity == "position" || quantity == "linear velocity")
        #expect(step == 2)
    }

    @Test("a runaway velocity throws, the world refuses to step, and a restore recovers it")
    func runawayIsDetected() throws {
        let (world, ball) = try floatingBall()
        let healthy = world.snapshot()
        try ball.addForce(Vector3(0, 1e9, 0))  // finite, but far beyond any sane speed after one step
        let error = #expect(throws: PhysicsError.self) { try world.step() }
        guard case let .runawayVelocity(body, quantity, speed, limit, _) = error else {
            Issue.record("expected .runawayVelocity, got \(String(describing: error))")
            return
        }
        #expect(body == "ball" && quantity == "linear speed")
        #expect(speed > limit)
        #expect(throws: PhysicsError.self, "a faulted world must not step") { try world.step() }
        try world.restore(healthy)
        try world.step()
        #expect(ball.position == Vector3(0, 0, 1))
    }

    @Test("runaway spin is detected too")
    func runawaySpin() throws {
        let (world, ball) = try floatingBall()
        try ball.setAngularVelocity(Vector3(0, 0, 1e5))
        #expect(throws: PhysicsError.self) { try world.step() }
    }

    @Test("non-finite inputs are rejected before they reach ODE")
    func nonFiniteInputs() throws {
        let (world, ball) = try floatingBall()
        let checks: [(String, () throws -> Void)] = [
            ("position", { try ball.setPosition(Vector3(.nan, 0, 0)) }),
            ("linear velocity", { try ball.setLinearVelocity(Vector3(0, .infinity, 0)) }),
            ("angular velocity", { try ball.setAngularVelocity(Vector3(0, 0, -.infinity)) }),
            ("force", { try ball.addForce(Vector3(.nan, .nan, .nan)) }),
            ("torque", { try ball.addTorque(Vector3(0, .nan, 0)) }),
            ("orientation", { try ball.setOrientation(Quaternion(w: 0, x: 0, y: 0, z: 0)) }),
        ]
        for (what, action) in checks {
            let error = #expect(throws: PhysicsError.self, "\(what) should be rejected") { try action() }
            let message = error.map { "\($0)" } ?? ""
            #expect(message.contains("ball") && message.contains(what), "message '\(message)' should name the body and \(what)")
        }
        // Nothing was applied: the ball still steps cleanly from where it was.
        try world.step()
        #expect(ball.position == Vector3(0, 0, 1))
    }

    @Test("a snapshot holding NaN is refused")
    func corruptSnapshot() throws {
        let (world, _) = try floatingBall()
        var snapshot = world.snapshot()
        snapshot.bodies[0].linearVelocity = Vector3(.nan, 0, 0)
        #expect(throws: PhysicsError.self) { try world.restore(snapshot) }
        snapshot = world.snapshot()
        snapshot.bodies.append(snapshot.bodies[0])
        #expect(throws: PhysicsError.snapshotMismatch("it has 2 bodies and 0 joints; this world has 1 and 0")) {
            try world.restore(snapshot)
        }
    }
}
