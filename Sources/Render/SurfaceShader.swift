/// Interpolated attribute slots of the colour pass (each divided by w while interpolated):
/// 0 is 1/w, then ambient light, direct light (before shadowing), the shadow map's texel
/// u, v and depth, and the surface's pattern coordinates.
enum Slot {
    static let inverseW = 0, ambient = 1, direct = 2, shadowU = 3, shadowV = 4, shadowDepth = 5
    static let patternU = 6, patternV = 7
}

/// Packs a colour with components in [0, 1] as 0x00BBGGRR.
@inline(__always)
func pack(_ c: SIMD3<Float>) -> UInt32 {
    let q = roundedBits(c.clamped(lowerBound: .zero, upperBound: .one) * 255)
    return q.x | q.y << 8 | q.z << 16
}

@inline(__always)
func unpack(_ p: UInt32) -> SIMD3<Float> {
    SIMD3(Float(p & 0xFF), Float((p >> 8) & 0xFF), Float((p >> 16) & 0xFF)) / 255
}

/// Shades visible samples of one primitive: Lambert with ambient light, shadowed direct
/// light, an optional checker pattern, distance fog towards the horizon colour, and alpha
/// blending for translucent primitives.
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

    @inline(__always)
    mutating func shade(sample: Int, column: Int, row: Int, attributes: SIMD8<Float>) {
        let inverseW = attributes[Slot.inverseW]
        guard inverseW > depth[sample] else { return }
        let w = 1 / inverseW
        let a = attributes * w
        var light = a[Slot.ambient]
        let direct = a[Slot.direct]
        if direct > 0 {
            // The samples of a supersampled pixel look up neighbouring texels, which
            // softens shadow edges by about a texel.
            let jitterU: Float = (column & 1) == 0 ? -0.5 : 0.5
            let jitterV: Float = (row & 1) == 0 ? -0.5 : 0.5
            light += direct * shadows.visibility(a[Slot.shadowU] + jitterU, a[Slot.shadowV] + jitterV,
                                                 a[Slot.shadowDepth])
        }
        var surface = albedo
        if inverseCellSize > 0, checkerParity(a[Slot.patternU], a[Slot.patternV]) {
            // Far-away cells shrink below a pixel; fading the pattern out avoids moiré.
            surface += (secondary - albedo) * fog.patternContrast(distance: w)
        }
        var shaded = surface * light
        shaded += (fog.color - shaded) * fog.amount(distance: w)
        if alpha >= 1 {
            depth[sample] = inverseW
            color[sample] = pack(shaded)
        } else {
            let below = unpack(color[sample])
            color[sample] = pack(below + (shaded - below) * alpha)
        }
    }

    /// Whether (u, v) lies in a cell of the secondary colour.
    @inline(__always)
    private func checkerParity(_ u: Float, _ v: Float) -> Bool {
        // floor(x) = round(x - 0.5) up to ties, which only move a cell border by an ulp.
        // Clamping keeps `roundedBits` in range; the renderer fogs out anything that far.
        let limit: Float = 2_097_152
        let cu = roundedBits(min(max(u * inverseCellSize, -limit), limit) - 0.5)
        let cv = roundedBits(min(max(v * inverseCellSize, -limit), limit) - 0.5)
        return (cu &+ cv) & 1 != 0
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
    func amount(distance: Float) -> Float {
        min(max((distance - start) * inverseRange, 0), 1)
    }

    @inline(__always)
    func patternContrast(distance: Float) -> Float {
        min(max((patternFadeEnd - distance) * inversePatternFadeRange, 0), 1)
    }
}
