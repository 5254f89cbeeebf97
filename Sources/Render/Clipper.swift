/// A vertex in homogeneous clip space: `clip` is (X, Y, W) with the pixel position at
/// (X/W, Y/W) and W the depth along the view direction; `attributes` slot 0 must be 1.
struct ClipVertex {
    var clip: SIMD3<Float>
    var attributes: SIMD8<Float>

    @inline(__always)
    func lerp(to other: ClipVertex, _ t: Float) -> ClipVertex {
        ClipVertex(clip: clip + (other.clip - clip) * t, attributes: attributes + (other.attributes - attributes) * t)
    }

    @inline(__always)
    var projected: ScreenVertex {
        let inverseW = 1 / clip.z
        return ScreenVertex(x: clip.x * inverseW, y: clip.y * inverseW, attributes: attributes * inverseW)
    }
}

/// Clips triangles against the near plane and a guard band around the target, in
/// homogeneous coordinates (Sutherland–Hodgman). Triangles inside the guard band, by far
/// the common case, are recognised by their vertices' outcodes and skip clipping; the band
/// only has to keep the rasterizer's fixed-point coordinates in range, since it clips to
/// the target itself.
struct Clipper {
    /// Distance of the near plane in front of the eye (metres).
    static let near: Float = 0.01
    /// Clip planes as (a, b, c) with a·X + b·Y + c·W ≥ 0 inside.
    private let planes: [SIMD3<Float>]
    /// Two ping-pong polygons; a triangle clipped by 5 planes has at most 8 vertices.
    private let polygonA: UnsafeMutablePointer<ClipVertex>
    private let polygonB: UnsafeMutablePointer<ClipVertex>
    private static let capacity = 16

    init(width: Int, height: Int) {
        let band = Float(max(width, height))
        planes = [
            SIMD3(0, 0, 1) - SIMD3(0, 0, Self.near),        // W ≥ near
            SIMD3(1, 0, band),                               // X/W ≥ -band
            SIMD3(-1, 0, Float(width) + band),               // X/W ≤ width + band
            SIMD3(0, 1, band),
            SIMD3(0, -1, Float(height) + band),
        ]
        polygonA = .allocate(capacity: Self.capacity)
        polygonB = .allocate(capacity: Self.capacity)
    }

    func deallocate() {
        polygonA.deallocate()
        polygonB.deallocate()
    }

    @inline(__always)
    private func distance(_ v: ClipVertex, _ plane: SIMD3<Float>) -> Float { (v.clip * plane).sum() }

    /// One bit per clip plane that `v` lies outside of. A triangle whose vertices have no
    /// bits needs no clipping; one whose vertices share a bit is entirely outside.
    @inline(__always)
    func outcode(_ v: ClipVertex) -> UInt8 {
        var code: UInt8 = 0
        for (bit, plane) in planes.enumerated() where distance(v, plane) < 0 { code |= 1 << bit }
        return code
    }

    /// Calls `emit` with each screen-space triangle of the clipped triangle (a fan). Use it
    /// for triangles that straddle a clip plane (see `outcode`).
    @inline(__always)
    func clip(_ v0: ClipVertex, _ v1: ClipVertex, _ v2: ClipVertex,
              emit: (ScreenVertex, ScreenVertex, ScreenVertex) -> Void) {
        var source = polygonA, target = polygonB
        source[0] = v0
        source[1] = v1
        source[2] = v2
        var count = 3
        for plane in planes {
            var kept = 0
            for i in 0..<count {
                let current = source[i], next = source[(i + 1) % count]
                let dc = distance(current, plane), dn = distance(next, plane)
                if dc >= 0 {
                    target[kept] = current
                    kept += 1
                }
                if (dc >= 0) != (dn >= 0) {
                    target[kept] = current.lerp(to: next, dc / (dc - dn))
                    kept += 1
                }
            }
            count = kept
            guard count >= 3 else { return }
            swap(&source, &target)
        }
        let first = source[0].projected
        var previous = source[1].projected
        for i in 2..<count {
            let current = source[i].projected
            emit(first, previous, current)
            previous = current
        }
    }
}
