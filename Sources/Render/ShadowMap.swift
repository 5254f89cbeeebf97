import Physics

/// A depth map seen from the directional light, orthographic, fitted each frame around the
/// primitives that cast shadows. It stores, per texel, how far towards the light the
/// nearest caster reaches.
///
/// Only caster faces turned away from the light are drawn into it. A lit surface then
/// compares against the far side of its own object, so it never shadows itself ("acne"),
/// while anything behind the object is still covered.
struct ShadowMap {
    let size: Int
    let depth: UnsafeMutablePointer<Float>
    /// The largest texel coordinate a look-up uses (the centre of the last texel).
    private let limit: Float
    /// Light-space axes: the map's u and v, and `towardLight` (depth grows towards the light).
    private(set) var u = SIMD3<Float>(1, 0, 0)
    private(set) var v = SIMD3<Float>(0, 1, 0)
    private(set) var towardLight = SIMD3<Float>(0, 0, 1)
    /// Texel coordinate of world point p: (dot(p, u) - originU) * scaleU, likewise for v.
    private(set) var originU: Float = 0
    private(set) var originV: Float = 0
    private(set) var scaleU: Float = 1
    private(set) var scaleV: Float = 1
    /// Whether anything casts a shadow this frame.
    private(set) var isEmpty = true

    init(size: Int) {
        self.size = size
        limit = Float(size) - 0.5
        depth = .allocate(capacity: size * size)
        depth.initialize(repeating: -.infinity, count: size * size)
    }

    func deallocate() { depth.deallocate() }

    /// Aims the map along `direction` (the way light travels) and fits it tightly around the
    /// casters, then clears it. The map's rows run along the camera's `screenRight`
    /// as far as the light allows, so that scanning an image row walks along map rows,
    /// which keeps shadow look-ups in cache.
    mutating func fit(direction: Vector3, casters: [Primitive], screenRight: Vector3) {
        let d = normalize(direction)
        var du = screenRight - d * dot(screenRight, d)
        if length(du) < 1e-3 {
            // The camera looks across the light: any axis perpendicular to it will do.
            du = cross(abs(d.z) < 0.9 ? Vector3(0, 0, 1) : Vector3(1, 0, 0), d)
        }
        du = normalize(du)
        let dv = cross(d, du)
        u = SIMD3<Float>(du)
        v = SIMD3<Float>(dv)
        towardLight = SIMD3<Float>(-d)

        var lowU = Double.infinity, highU = -Double.infinity, lowV = Double.infinity, highV = -Double.infinity
        for caster in casters where caster.castsShadow {
            guard let reachU = halfExtent(caster, along: du), let reachV = halfExtent(caster, along: dv) else { continue }
            let pu = dot(caster.position, du), pv = dot(caster.position, dv)
            lowU = min(lowU, pu - reachU)
            highU = max(highU, pu + reachU)
            lowV = min(lowV, pv - reachV)
            highV = max(highV, pv + reachV)
        }
        isEmpty = !lowU.isFinite
        depth.update(repeating: -.infinity, count: size * size)
        guard !isEmpty else { return }
        // Two texels of margin on each side keep casters off the border texels, which
        // therefore always read as lit: look-ups off the map clamp to them.
        scaleU = Float(Double(size - 4) / max(highU - lowU, 1e-3))
        scaleV = Float(Double(size - 4) / max(highV - lowV, 1e-3))
        originU = Float(lowU) - 2 / scaleU
        originV = Float(lowV) - 2 / scaleV
    }

    /// The light-space coordinates (texel u, texel v, depth) of a world point, as an affine
    /// map: rows to dot with (x, y, z, 1).
    var lightSpaceRows: (SIMD4<Float>, SIMD4<Float>, SIMD4<Float>) {
        (SIMD4(u * scaleU, -originU * scaleU), SIMD4(v * scaleV, -originV * scaleV), SIMD4(towardLight, 0))
    }

    /// Per lane, 1 if a point at texel coordinates (u, v) with `pointDepth` sees the light,
    /// else 0, from the texel it falls in. Points the map does not cover are lit: their
    /// look-ups clamp to the border texels, which casters never reach. Branch-free, since it
    /// runs for most visible samples.
    @inline(__always)
    func visibility(_ u: SIMD4<Float>, _ v: SIMD4<Float>, _ pointDepth: SIMD4<Float>) -> SIMD4<Float> {
        let low = SIMD4<Float>(repeating: 0.5), high = SIMD4<Float>(repeating: limit)
        let column = roundedBits(clamp(u, low, high) - 0.5)
        let row = roundedBits(clamp(v, low, high) - 0.5)
        return lit(pointDepth + Self.bias, row &* UInt32(truncatingIfNeeded: size) &+ column)
    }

    /// Like `visibility`, but the four nearest texels' tests weighted bilinearly
    /// (percentage-closer filtering), which smooths the texel staircase on shadow edges at
    /// about four times the look-up cost.
    @inline(__always)
    func filteredVisibility(_ u: SIMD4<Float>, _ v: SIMD4<Float>, _ pointDepth: SIMD4<Float>) -> SIMD4<Float> {
        // Texel centres sit at integer coordinates after the half-texel shift.
        let low = SIMD4<Float>(repeating: 0), high = SIMD4<Float>(repeating: limit - 1)
        let x = clamp(u - 0.5, low, high), y = clamp(v - 0.5, low, high)
        let (x0, fx) = floorAndFraction(x), (y0, fy) = floorAndFraction(y)
        let stride = UInt32(truncatingIfNeeded: size)
        let topLeft = roundedBits(y0) &* stride &+ roundedBits(x0)
        let receiver = pointDepth + Self.bias
        let a = lit(receiver, topLeft), b = lit(receiver, topLeft &+ 1)
        let c = lit(receiver, topLeft &+ stride), d = lit(receiver, topLeft &+ stride &+ 1)
        let top = a + (b - a) * fx, bottom = c + (d - c) * fx
        return top + (bottom - top) * fy
    }

    /// 1 where the receiver depth is not behind the map's depth at `index`, else 0.
    @inline(__always)
    private func lit(_ receiver: SIMD4<Float>, _ index: SIMD4<UInt32>) -> SIMD4<Float> {
        let occluder = SIMD4(depth[Int(index[0])], depth[Int(index[1])], depth[Int(index[2])], depth[Int(index[3])])
        return SIMD4(repeating: 0).replacing(with: 1, where: receiver .>= occluder)
    }

    /// Depth tolerance (metres): a receiver this close behind a caster's far side stays lit,
    /// which keeps resting contacts free of dark seams.
    static let bias: Float = 0.002
}

/// How far `primitive` reaches from its position along the unit vector `direction` (the
/// support function of its shape), or `nil` for planes.
func halfExtent(_ primitive: Primitive, along direction: Vector3) -> Double? {
    let q = primitive.orientation
    let norm = (q.w * q.w + q.x * q.x + q.y * q.y + q.z * q.z).squareRoot()
    // The direction in the shape's own frame: rotated by the inverse orientation.
    let local = Quaternion(w: q.w / norm, x: -q.x / norm, y: -q.y / norm, z: -q.z / norm).rotate(direction)
    switch primitive.shape {
    case .plane: return nil
    case .box(let size):
        let reach = local * size / 2
        return abs(reach.x) + abs(reach.y) + abs(reach.z)
    case .sphere(let radius): return radius
    case .capsule(let radius, let length): return radius + abs(local.z) * length / 2
    case .cylinder(let radius, let length):
        return abs(local.z) * length / 2 + radius * max(0, 1 - local.z * local.z).squareRoot()
    }
}

/// Writes casters' depth towards the light into the shadow map (the depth rides in slot 1).
struct ShadowDepthShader: FragmentShader {
    let depth: UnsafeMutablePointer<Float>

    @inline(__always)
    mutating func shadeSpan(row: Int, first: Int, last: Int, firstSample: Int,
                            attributes: SIMD8<Float>, step: SIMD8<Float>) {
        var d = attributes[1]
        for sample in firstSample...(firstSample &+ last &- first) {
            if d > depth[sample] { depth[sample] = d }
            d += step[1]
        }
    }
}
