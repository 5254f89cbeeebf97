import Foundation

/// A 3-vector in world or body coordinates (metres, m/s, newtons, ...).
public typealias Vector3 = SIMD3<Double>

/// An axis-aligned rectangle of the plane: a wall seen from above, the region a chart shows.
public struct Rectangle: Hashable, Sendable {
    public var lower: SIMD2<Double>
    public var upper: SIMD2<Double>

    public init(lower: SIMD2<Double>, upper: SIMD2<Double>) {
        self.lower = lower
        self.upper = upper
    }

    /// Whether `point` lies inside, edges included.
    public func contains(_ point: SIMD2<Double>) -> Bool {
        point.x >= lower.x && point.x <= upper.x && point.y >= lower.y && point.y <= upper.y
    }

    /// The smallest rectangle holding both.
    public func union(_ other: Rectangle) -> Rectangle {
        Rectangle(lower: pointwiseMin(lower, other.lower), upper: pointwiseMax(upper, other.upper))
    }
}

/// A rotation as a unit quaternion, stored in ODE's order (w, x, y, z).
public struct Quaternion: Hashable, Sendable, Codable {
    public var w: Double
    public var x: Double
    public var y: Double
    public var z: Double

    public init(w: Double, x: Double, y: Double, z: Double) {
        self.w = w; self.x = x; self.y = y; self.z = z
    }

    /// The identity rotation.
    public static let identity = Quaternion(w: 1, x: 0, y: 0, z: 0)

    /// A rotation of `angle` radians about `axis` (any non-zero length).
    public init(axis: Vector3, angle: Double) {
        let length = (axis * axis).sum().squareRoot()
        precondition(length > 0, "rotation axis must be non-zero")
        let s = sin(angle / 2) / length
        self.init(w: cos(angle / 2), x: axis.x * s, y: axis.y * s, z: axis.z * s)
    }

    /// The Hamilton product `self * other`: apply `other`, then `self`.
    public static func * (a: Quaternion, b: Quaternion) -> Quaternion {
        Quaternion(
            w: a.w * b.w - a.x * b.x - a.y * b.y - a.z * b.z,
            x: a.w * b.x + a.x * b.w + a.y * b.z - a.z * b.y,
            y: a.w * b.y - a.x * b.z + a.y * b.w + a.z * b.x,
            z: a.w * b.z + a.x * b.y - a.y * b.x + a.z * b.w)
    }

    /// Rotates a vector.
    public func rotate(_ v: Vector3) -> Vector3 {
        let u = Vector3(x, y, z)
        let t = 2 * cross(u, v)
        return v + w * t + cross(u, t)
    }

    var isFinite: Bool { w.isFinite && x.isFinite && y.isFinite && z.isFinite }
}

/// The cross product of two 3-vectors.
@inlinable
public func cross(_ a: Vector3, _ b: Vector3) -> Vector3 {
    Vector3(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x)
}

/// The Euclidean norm of a 3-vector.
@inlinable
public func length(_ v: Vector3) -> Double { (v * v).sum().squareRoot() }

extension SIMD3 where Scalar == Double {
    var isFinite: Bool { x.isFinite && y.isFinite && z.isFinite }
}

