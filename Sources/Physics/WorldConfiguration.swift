/// How a world integrates. Defaults follow ODE's own, except where Mural's tasks need
/// something steadier (a contact surface layer and a bounded correcting velocity stop
/// resting contacts from jittering).
public struct WorldConfiguration: Hashable, Sendable, Codable {
    /// The constraint solver.
    public enum Solver: Hashable, Sendable, Codable {
        /// `dWorldQuickStep`: iterative projected Gauss–Seidel, O(n) per step. It reorders
        /// constraints with a random generator that Mural seeds per world.
        case quickStep(iterations: Int)
        /// `dWorldStep`: the exact big-matrix LCP solver, slower and deterministic by nature.
        case exact
    }

    /// The broad phase used to find candidate geom pairs.
    public enum Broadphase: Hashable, Sendable, Codable {
        /// Tests every pair: the fastest choice for the few dozen geoms of a task scene.
        case simple
        /// A multi-resolution hash grid, for scenes with many geoms.
        case hash
    }

    public var gravity: Vector3 = Vector3(0, 0, -9.81)
    /// Physics timestep in seconds.
    public var timestep: Double = 0.01
    public var solver: Solver = .quickStep(iterations: 20)
    /// Over-relaxation factor of QuickStep's Gauss–Seidel sweeps.
    public var successiveOverRelaxation: Double = 1.3
    /// Global error-reduction parameter for joints. Contacts take theirs from the touching
    /// geoms' `Material.softERP` instead.
    public var erp: Double = 0.2
    /// Global constraint-force mixing for joints. Contacts take theirs from `Material.softCFM`.
    public var cfm: Double = 1e-10
    /// Penetration depth allowed before contacts push back (metres).
    public var contactSurfaceLayer: Double = 0.001
    /// Bound on the velocity contacts may use to correct penetration (m/s).
    public var maxCorrectingVelocity: Double = 1
    public var linearDamping: Double = 0
    public var angularDamping: Double = 0
    /// Contact points kept per colliding geom pair.
    public var maxContactsPerPair: Int = 4
    public var broadphase: Broadphase = .simple
    /// Safety limits: a step that leaves any body faster than these raises
    /// `PhysicsError.runawayVelocity`, long before values could overflow.
    public var maxLinearSpeed: Double = 1_000
    public var maxAngularSpeed: Double = 10_000

    public init() {}

    func validate() throws {
        try requireFinite(gravity, "world gravity")
        try requirePositive(timestep, "world timestep")
        if case .quickStep(let iterations) = solver, iterations < 1 {
            throw PhysicsError.invalidArgument("QuickStep iterations must be ≥ 1, got \(iterations)")
        }
        try requirePositive(successiveOverRelaxation, "successive over-relaxation")
        guard erp.isFinite, erp >= 0, erp <= 1 else {
            throw PhysicsError.invalidArgument("world ERP must be in [0, 1], got \(erp)")
        }
        guard cfm.isFinite, cfm >= 0 else {
            throw PhysicsError.invalidArgument("world CFM must be finite and ≥ 0, got \(cfm)")
        }
        guard contactSurfaceLayer.isFinite, contactSurfaceLayer >= 0 else {
            throw PhysicsError.invalidArgument("contact surface layer must be ≥ 0, got \(contactSurfaceLayer)")
        }
        guard maxCorrectingVelocity > 0 else {
            throw PhysicsError.invalidArgument(
                "max correcting velocity must be positive (or infinity), got \(maxCorrectingVelocity)")
        }
        for (name, d) in [("linear damping", linearDamping), ("angular damping", angularDamping)] {
            guard d.isFinite, (0...1).contains(d) else {
                throw PhysicsError.invalidArgument("\(name) must be in [0, 1], got \(d)")
            }
        }
        guard (1...64).contains(maxContactsPerPair) else {
            throw PhysicsError.invalidArgument("max contacts per pair must be in 1...64, got \(maxContactsPerPair)")
        }
        try requirePositive(maxLinearSpeed, "max linear speed")
        try requirePositive(maxAngularSpeed, "max angular speed")
    }
}
