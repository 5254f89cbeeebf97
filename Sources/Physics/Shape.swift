/// A collision and mass shape. Lengths are in metres; capsules and cylinders lie along
/// their local z axis, as in ODE.
public enum Shape: Hashable, Sendable, Codable {
    /// An infinite plane `normal · p = offset`. Planes are always static.
    case plane(normal: Vector3, offset: Double)
    /// A box with full side lengths `size`.
    case box(size: Vector3)
    case sphere(radius: Double)
    /// A cylinder of `length` capped by two hemispheres of `radius`.
    case capsule(radius: Double, length: Double)
    case cylinder(radius: Double, length: Double)

    func validate(_ owner: String) throws {
        switch self {
        case .plane(let normal, let offset):
            try requireFinite(normal, "\(owner): plane normal")
            try requireFinite(offset, "\(owner): plane offset")
            guard length(normal) > 0 else {
                throw PhysicsError.invalidArgument("\(owner): plane normal must be non-zero")
            }
        case .box(let size):
            for (axis, s) in zip(["x", "y", "z"], [size.x, size.y, size.z]) {
                try requirePositive(s, "\(owner): box size \(axis)")
            }
        case .sphere(let radius):
            try requirePositive(radius, "\(owner): sphere radius")
        case .capsule(let radius, let length), .cylinder(let radius, let length):
            try requirePositive(radius, "\(owner): radius")
            try requirePositive(length, "\(owner): length")
        }
    }
}

/// Surface properties of a geom. When two geoms touch, their materials combine:
/// friction is the geometric mean, bounce the larger, and softness the softer of the two
/// (smaller ERP, larger CFM).
public struct Material: Hashable, Sendable, Codable {
    /// Coulomb friction coefficient of the pyramid approximation (`dContactApprox1`).
    public var friction: Double
    /// Restitution in [0, 1]; 0 disables bouncing.
    public var bounce: Double
    /// Contact error-reduction parameter in (0, 1].
    public var softERP: Double
    /// Contact constraint-force mixing, ≥ 0; larger is softer.
    public var softCFM: Double

    public init(friction: Double = 1, bounce: Double = 0, softERP: Double = 0.2, softCFM: Double = 1e-5) {
        self.friction = friction
        self.bounce = bounce
        self.softERP = softERP
        self.softCFM = softCFM
    }

    public static let `default` = Material()

    func validate(_ owner: String) throws {
        guard friction.isFinite, friction >= 0 else {
            throw PhysicsError.invalidArgument("\(owner): friction must be finite and ≥ 0, got \(friction)")
        }
        guard bounce.isFinite, (0...1).contains(bounce) else {
            throw PhysicsError.invalidArgument("\(owner): bounce must be in [0, 1], got \(bounce)")
        }
        guard softERP.isFinite, softERP > 0, softERP <= 1 else {
            throw PhysicsError.invalidArgument("\(owner): softERP must be in (0, 1], got \(softERP)")
        }
        guard softCFM.isFinite, softCFM >= 0 else {
            throw PhysicsError.invalidArgument("\(owner): softCFM must be finite and ≥ 0, got \(softCFM)")
        }
    }

    /// The surface used for a contact between two materials.
    static func combine(_ a: Material, _ b: Material) -> Material {
        Material(
            friction: (a.friction * b.friction).squareRoot(),
            bounce: max(a.bounce, b.bounce),
            softERP: min(a.softERP, b.softERP),
            softCFM: max(a.softCFM, b.softCFM))
    }
}

/// Collision filtering with ODE's category and collide bits: two geoms are tested when
/// either one's category intersects the other's collide mask.
public struct CollisionFilter: Hashable, Sendable, Codable {
    public var category: UInt32
    public var collidesWith: UInt32

    public init(category: UInt32 = 1, collidesWith: UInt32 = .max) {
        self.category = category
        self.collidesWith = collidesWith
    }

    public static let all = CollisionFilter()
    /// A geom that never collides (for example a visual-only marker).
    public static let none = CollisionFilter(category: 0, collidesWith: 0)
}
