import Foundation
import Physics

/// A triangle mesh in a shape's local frame: counter-clockwise triangles seen from outside,
/// with per-vertex normals (shared on curved surfaces, split at creases).
struct Mesh: Sendable {
    var positions: [SIMD3<Float>] = []
    var normals: [SIMD3<Float>] = []
    var indices: [Int32] = []

    /// Segments around a curved surface's circumference; enough that silhouettes look round
    /// at the frame sizes Mural renders.
    static let segments = 32

    init(positions: [SIMD3<Float>], normals: [SIMD3<Float>], indices: [Int32]) {
        self.positions = positions
        self.normals = normals
        self.indices = indices
    }

    /// The mesh for a bounded shape (`nil` for planes, which the renderer draws per frame).
    init?(shape: Shape) {
        switch shape {
        case .plane: return nil
        case .box(let size): addBox(half: SIMD3<Float>(size / 2))
        case .sphere(let radius): addRoundedCylinder(radius: Float(radius), halfLength: 0)
        case .capsule(let radius, let length): addRoundedCylinder(radius: Float(radius), halfLength: Float(length / 2))
        case .cylinder(let radius, let length): addCylinder(radius: Float(radius), halfLength: Float(length / 2))
        }
    }

    private mutating func vertex(_ p: SIMD3<Float>, _ n: SIMD3<Float>) -> Int32 {
        positions.append(p)
        normals.append(n)
        return Int32(positions.count - 1)
    }

    private mutating func quad(_ a: Int32, _ b: Int32, _ c: Int32, _ d: Int32) {
        indices += [a, b, c, a, c, d]
    }

    private mutating func addBox(half h: SIMD3<Float>) {
        // Each face: its normal axis, and two in-plane axes ordered so that u × v = normal.
        for axis in 0..<3 {
            for sign: Float in [-1, 1] {
                var n = SIMD3<Float>.zero
                n[axis] = sign
                var u = SIMD3<Float>.zero, v = SIMD3<Float>.zero
                u[(axis + 1) % 3] = 1
                v[(axis + 2) % 3] = 1
                if sign < 0 { swap(&u, &v) }
                let centre = n * h
                let du = u * h, dv = v * h
                let a = vertex(centre - du - dv, n), b = vertex(centre + du - dv, n)
                let c = vertex(centre + du + dv, n), d = vertex(centre - du + dv, n)
                quad(a, b, c, d)
            }
        }
    }

    /// A ring of vertices at height `z` whose normals tilt by `normalZ`.
    private mutating func ring(radius: Float, z: Float, normalRadial: Float, normalZ: Float) -> Int32 {
        let first = Int32(positions.count)
        for i in 0..<Self.segments {
            let angle = Float(i) * 2 * .pi / Float(Self.segments)
            let (c, s) = (cos(angle), sin(angle))
            _ = vertex(SIMD3(radius * c, radius * s, z), SIMD3(normalRadial * c, normalRadial * s, normalZ))
        }
        return first
    }

    /// Joins two rings of `segments` vertices (the lower one first) with quads.
    private mutating func band(_ lower: Int32, _ upper: Int32) {
        let n = Int32(Self.segments)
        for i in 0..<n {
            let j = (i + 1) % n
            quad(lower + i, lower + j, upper + j, upper + i)
        }
    }

    /// A flat disc at height `z` facing +z (`up`) or −z.
    private mutating func cap(radius: Float, z: Float, up: Bool) {
        let normal = SIMD3<Float>(0, 0, up ? 1 : -1)
        let centre = vertex(SIMD3(0, 0, z), normal)
        let rim = ring(radius: radius, z: z, normalRadial: 0, normalZ: normal.z)
        let n = Int32(Self.segments)
        for i in 0..<n {
            let j = (i + 1) % n
            indices += up ? [centre, rim + i, rim + j] : [centre, rim + j, rim + i]
        }
    }

    private mutating func addCylinder(radius: Float, halfLength: Float) {
        let bottom = ring(radius: radius, z: -halfLength, normalRadial: 1, normalZ: 0)
        let top = ring(radius: radius, z: halfLength, normalRadial: 1, normalZ: 0)
        band(bottom, top)
        cap(radius: radius, z: halfLength, up: true)
        cap(radius: radius, z: -halfLength, up: false)
    }

    /// A sphere of `radius` split at its equator and pulled apart by `2 * halfLength`: a
    /// sphere when `halfLength` is 0, a capsule otherwise. Rings run from south to north.
    private mutating func addRoundedCylinder(radius: Float, halfLength: Float) {
        let latitudes = Self.segments / 4
        let quarter = Float.pi / 2 / Float(latitudes)
        var rings: [Int32] = []
        func addRing(latitude: Float, centreZ: Float) {
            let (c, s) = (cos(latitude), sin(latitude))
            rings.append(ring(radius: radius * c, z: centreZ + radius * s, normalRadial: c, normalZ: s))
        }
        for k in 1...latitudes { addRing(latitude: -.pi / 2 + Float(k) * quarter, centreZ: -halfLength) }
        // A sphere's two hemispheres share the equator ring.
        for k in (halfLength > 0 ? 0 : 1)..<latitudes { addRing(latitude: Float(k) * quarter, centreZ: halfLength) }

        let southPole = vertex(SIMD3(0, 0, -halfLength - radius), SIMD3(0, 0, -1))
        let northPole = vertex(SIMD3(0, 0, halfLength + radius), SIMD3(0, 0, 1))
        let n = Int32(Self.segments), south = rings[0], north = rings[rings.count - 1]
        for i in 0..<n {
            let j = (i + 1) % n
            indices += [southPole, south + j, south + i]
            indices += [northPole, north + i, north + j]
        }
        for (lower, upper) in zip(rings, rings.dropFirst()) { band(lower, upper) }
    }
}

extension Mesh {
    /// Two triangles whose corners `fitPlane` places each frame.
    static func unitQuad() -> Mesh {
        Mesh(positions: Array(repeating: .zero, count: 4), normals: Array(repeating: SIMD3(0, 0, 1), count: 4),
             indices: [0, 1, 2, 0, 2, 3])
    }

    /// Makes this quad the square of `plane` (normal · p = offset) centred below `eye` with
    /// the given half side, facing along the normal. Returns the plane's in-plane axes,
    /// along which a floor pattern is laid out (world x and y for a level floor).
    mutating func fitPlane(normal: Vector3, offset: Double, around eye: Vector3, halfExtent: Double)
        -> (u: Vector3, v: Vector3)
    {
        let n = normalize(normal)
        let d = offset / length(normal)
        let centre = eye - n * (dot(n, eye) - d)
        var u = abs(n.z) > 0.9 ? Vector3(1, 0, 0) : Vector3(0, 0, 1)
        u = normalize(u - n * dot(n, u))
        let v = cross(n, u)
        let corners = [(-1.0, -1.0), (1, -1), (1, 1), (-1, 1)]
        for (i, (su, sv)) in corners.enumerated() {
            positions[i] = SIMD3<Float>(centre + (u * su + v * sv) * halfExtent)
            normals[i] = SIMD3<Float>(n)
        }
        return (u, v)
    }
}
