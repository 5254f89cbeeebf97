/// Interpolated attribute slots of the colour pass (each divided by w while interpolated):
/// 0 is 1/w, then ambient light, direct light (before shadowing), the shadow map's texel
/// u, v and depth, and the surface's pattern coordinates.
enum Slot {
    static let inverseW = 0, ambient = 1, direct = 2, shadowU = 3, shadowV = 4, shadowDepth = 5
    static let patternU = 6, patternV = 7
}

/// Packs a colour with components in [0, 1] as 0x00BBGGRR, the colour buffer's format.
func pack(_ c: SIMD3<Float>) -> UInt32 {
    let q = roundedBits(clamp01(SIMD4(c, 0)) * 255)
    return q.x | q.y << 8 | q.z << 16
}

/// Shades visible samples of one primitive: Lambert with ambient light, shadowed direct
/// light, an optional checker pattern, distance fog towards the horizon colour, and alpha
/// blending for translucent primitives.
///
/// Samples are shaded four at a time, one per SIMD lane (structure of arrays), which is
/// about twice as fast as one at a time; colour and depth buffers therefore carry three
/// samples of padding after their end.
struct SurfaceShader: FragmentShader {
    let color: UnsafeMutablePointer<UInt32>
    let depth: UnsafeMutablePointer<Float>
    let shadows: ShadowMap
    let albedo: SIMD3<Float>
    /// Checker colour and inverse cell size (0 for a solid surface).
    let secondary: SIMD3<Float>
    let inverseCellSize: Float
    let alpha: Float
    let fog: Fog
    let shadowFiltering: ShadowFiltering

    /// Lanes' offsets from the group's first column.
    private static let lanes = SIMD4<Float>(0, 1, 2, 3)

    @inline(__always)
    mutating func shadeSpan(row: Int, first: Int, last: Int, firstSample: Int,
                            attributes: SIMD8<Float>, step: SIMD8<Float>) {
        // Unfiltered, the samples of a supersampled pixel look up neighbouring shadow texels,
        // alternating by column and row, which softens shadow edges by about a texel.
        let jitterU = (first & 1) == 0 ? SIMD4<Float>(-0.5, 0.5, -0.5, 0.5) : SIMD4<Float>(0.5, -0.5, 0.5, -0.5)
        let jitterV = SIMD4<Float>(repeating: (row & 1) == 0 ? -0.5 : 0.5)
        var groupStart = attributes
        let groupStep = step * 4
        var sample = firstSample
        var remaining = last - first + 1
        while remaining > 0 {
            let valid = Self.lanes .< Float(remaining)
            let inverseW = lane(groupStart, step, Slot.inverseW)
            let depths = UnsafeRawPointer(depth + sample).loadUnaligned(as: SIMD4<Float>.self)
            let visible = valid .& (inverseW .> depths)
            if any(visible) {
                shadeGroup(sample: sample, visible: visible, inverseW: inverseW, depths: depths,
                           start: groupStart, step: step, jitterU: jitterU, jitterV: jitterV)
            }
            groupStart += groupStep
            sample &+= 4
            remaining &-= 4
        }
    }

    /// Attribute `slot` in the four lanes of a group.
    @inline(__always)
    private func lane(_ start: SIMD8<Float>, _ step: SIMD8<Float>, _ slot: Int) -> SIMD4<Float> {
        SIMD4(repeating: start[slot]) + step[slot] * Self.lanes
    }

    @inline(__always)
    private func shadeGroup(sample: Int, visible: SIMDMask<SIMD4<Int32>>, inverseW: SIMD4<Float>, depths: SIMD4<Float>,
                            start: SIMD8<Float>, step: SIMD8<Float>, jitterU: SIMD4<Float>, jitterV: SIMD4<Float>) {
        let w = 1 / inverseW
        var light = lane(start, step, Slot.ambient) * w
        let direct = lane(start, step, Slot.direct) * w
        if any(visible .& (direct .> 0)) {
            let u = lane(start, step, Slot.shadowU) * w
            let v = lane(start, step, Slot.shadowV) * w
            let d = lane(start, step, Slot.shadowDepth) * w
            let lit = shadowFiltering == .bilinear
                ? shadows.filteredVisibility(u, v, d) : shadows.visibility(u + jitterU, v + jitterV, d)
            light += direct.replacing(with: 0, where: direct .< 0) * lit
        }

        var red = SIMD4(repeating: albedo.x), green = SIMD4(repeating: albedo.y), blue = SIMD4(repeating: albedo.z)
        if inverseCellSize > 0 {
            // Far-away cells shrink below a pixel; fading the pattern out avoids moiré.
            let odd = checkerParity(lane(start, step, Slot.patternU) * w, lane(start, step, Slot.patternV) * w)
            let mix = SIMD4<Float>(repeating: 0).replacing(with: fog.patternContrast(distance: w), where: odd)
            red += (secondary.x - albedo.x) * mix
            green += (secondary.y - albedo.y) * mix
            blue += (secondary.z - albedo.z) * mix
        }
        red *= light
        green *= light
        blue *= light
        if any(w .> fog.start) {
            let haze = fog.amount(distance: w)
            red = mixFog(red, fog.color.x, haze)
            green = mixFog(green, fog.color.y, haze)
            blue = mixFog(blue, fog.color.z, haze)
        }

        let raw = UnsafeMutableRawPointer(color + sample)
        let below = raw.loadUnaligned(as: SIMD4<UInt32>.self)
        if alpha < 1 {
            red = blend(red, over: below, shift: 0)
            green = blend(green, over: below, shift: 8)
            blue = blend(blue, over: below, shift: 16)
        } else {
            UnsafeMutableRawPointer(depth + sample).storeBytes(of: depths.replacing(with: inverseW, where: visible),
                                                               as: SIMD4<Float>.self)
        }
        let packed = channel(red) | channel(green) &<< 8 | channel(blue) &<< 16
        raw.storeBytes(of: below.replacing(with: packed, where: visible), as: SIMD4<UInt32>.self)
    }

    @inline(__always)
    private func mixFog(_ value: SIMD4<Float>, _ fogValue: Float, _ amount: SIMD4<Float>) -> SIMD4<Float> {
        value + (fogValue - value) * amount
    }

    /// Alpha-blends a channel over the packed colours already in the buffer.
    @inline(__always)
    private func blend(_ value: SIMD4<Float>, over below: SIMD4<UInt32>, shift: UInt32) -> SIMD4<Float> {
        let existing = SIMD4<Float>((below &>> shift) & 0xFF) / 255
        return existing + (value - existing) * alpha
    }

    /// A channel in [0, 1] as 8-bit values.
    @inline(__always)
    private func channel(_ value: SIMD4<Float>) -> SIMD4<UInt32> {
        roundedBits(clamp01(value) * 255)
    }

    /// Lanes whose (u, v) lies in a cell of the secondary colour.
    @inline(__always)
    private func checkerParity(_ u: SIMD4<Float>, _ v: SIMD4<Float>) -> SIMDMask<SIMD4<Int32>> {
        // floor(x) = round(x - 0.5) up to ties, which only move a cell border by an ulp.
        // Clamping keeps `roundedBits` in range; the renderer fogs out anything that far.
        let limit = SIMD4<Float>(repeating: 2_097_152)
        let cu = roundedBits(clamp(u * inverseCellSize, -limit, limit) - 0.5)
        let cv = roundedBits(clamp(v * inverseCellSize, -limit, limit) - 0.5)
        return ((cu &+ cv) & 1) .== 1
    }
}

/// Distance fog: surfaces fade into the horizon colour between `start` and `end` metres
/// from the eye, so the floor meets the sky without a visible edge.
struct Fog {
    let color: SIMD3<Float>
    let start: Float
    let end: Float
    /// Distances over which a pattern's contrast fades out.
    let patternFadeStart: Float
    let patternFadeEnd: Float
    private let inverseRange: Float
    private let inversePatternFadeRange: Float

    /// Fog scaled to a camera `distance` metres from what it looks at.
    init(color: SIMD3<Float>, cameraDistance distance: Float) {
        self.color = color
        start = 3 * distance
        end = 12 * distance
        patternFadeStart = 2 * distance
        patternFadeEnd = 7 * distance
        inverseRange = 1 / (end - start)
        inversePatternFadeRange = 1 / (patternFadeEnd - patternFadeStart)
    }

    @inline(__always)
    func amount(distance: SIMD4<Float>) -> SIMD4<Float> {
        clamp01((distance - start) * inverseRange)
    }

    @inline(__always)
    func patternContrast(distance: SIMD4<Float>) -> SIMD4<Float> {
        clamp01((patternFadeEnd - distance) * inversePatternFadeRange)
    }
}
