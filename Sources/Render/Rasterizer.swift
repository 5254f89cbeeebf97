/// A triangle vertex after projection: a position in the target's pixel units, and its
/// attributes divided by the clip-space w, with slot 0 holding 1/w itself. Attributes
/// divided by w are affine in screen space, so interpolating them and dividing by the
/// interpolated 1/w is perspective-correct.
struct ScreenVertex {
    var x: Float
    var y: Float
    var attributes: SIMD8<Float>
}

/// Which triangles to skip, by their winding as seen on screen.
enum CullMode {
    /// Skip triangles whose counter-clockwise (outside) face points away from the viewer.
    case back
    /// Skip triangles facing the viewer (used for the shadow map, see `ShadowMap`).
    case front
}

/// Receives the samples a triangle covers, one row span at a time.
protocol FragmentShader {
    /// Shades columns `first...last` of `row`, whose first sample has row-major index
    /// `firstSample` in the target. `attributes` are the interpolated attributes divided by
    /// w (slot 0 is 1/w) at the first sample; they change by `step` per column.
    mutating func shadeSpan(row: Int, first: Int, last: Int, firstSample: Int,
                            attributes: SIMD8<Float>, step: SIMD8<Float>)
}

/// Sub-pixel precision of vertex positions: 8 bits. Positions are snapped to this grid and
/// edge functions evaluated in exact integer arithmetic, so triangles that share an edge
/// cover every sample along it exactly once (no cracks, no double blending).
private let subpixelBits: Int64 = 8
private let subpixelOne: Int64 = 1 << subpixelBits

/// Scan-converts one triangle into a `width`×`height` target, sampling at pixel centres,
/// and hands each covered sample to `shader`. Vertex coordinates must lie within a few
/// target sizes of the target (the clipper's guard band) so that the edge functions fit.
@inline(__always)
func rasterize<Shader: FragmentShader>(
    _ v0: ScreenVertex, _ v1: ScreenVertex, _ v2: ScreenVertex,
    width: Int, height: Int, cull: CullMode, shader: inout Shader
) {
    let x0 = snap(v0.x), y0 = snap(v0.y)
    var x1 = snap(v1.x), y1 = snap(v1.y)
    var x2 = snap(v2.x), y2 = snap(v2.y)
    var a1 = v1.attributes, a2 = v2.attributes
    // Twice the signed area; with y pointing down, a triangle that is counter-clockwise as
    // seen by the viewer has a negative area.
    let area = (x1 - x0) * (y2 - y0) - (x2 - x0) * (y1 - y0)
    guard area != 0 else { return }
    let facesViewer = area < 0
    if facesViewer != (cull == .back) { return }
    if area < 0 {
        swap(&x1, &x2)
        swap(&y1, &y2)
        swap(&a1, &a2)
    }

    let columnMin = max(0, Int(min(x0, x1, x2) >> subpixelBits))
    let columnMax = min(width - 1, Int(max(x0, x1, x2) >> subpixelBits))
    let rowMin = max(0, Int(min(y0, y1, y2) >> subpixelBits))
    let rowMax = min(height - 1, Int(max(y0, y1, y2) >> subpixelBits))
    guard columnMin <= columnMax, rowMin <= rowMax else { return }

    let edge0 = Edge(x1, y1, x2, y2), edge1 = Edge(x2, y2, x0, y0), edge2 = Edge(x0, y0, x1, y1)

    // Attribute planes: value(x, y) = base + dx * x + dy * y, in pixel units.
    let fx0 = Float(x0) / Float(subpixelOne), fy0 = Float(y0) / Float(subpixelOne)
    let ex1 = Float(x1 - x0) / Float(subpixelOne), ey1 = Float(y1 - y0) / Float(subpixelOne)
    let ex2 = Float(x2 - x0) / Float(subpixelOne), ey2 = Float(y2 - y0) / Float(subpixelOne)
    let inverseDeterminant = 1 / (ex1 * ey2 - ex2 * ey1)
    let d1 = a1 - v0.attributes, d2 = a2 - v0.attributes
    let dx = (d1 * ey2 - d2 * ey1) * inverseDeterminant
    let dy = (d2 * ex1 - d1 * ex2) * inverseDeterminant
    let base = v0.attributes - dx * fx0 - dy * fy0

    // A local copy lets the compiler keep the shader's fields in registers across the
    // buffer stores, which it cannot do through an inout reference.
    var localShader = shader
    defer { shader = localShader }
    let firstX = Int64(columnMin) * subpixelOne + subpixelOne / 2
    for row in rowMin...rowMax {
        let sampleY = Int64(row) * subpixelOne + subpixelOne / 2
        // The covered samples of a row are one span; find its ends from the three edge
        // functions instead of testing every sample of the bounding box.
        var first = columnMin, last = columnMax
        guard edge0.clampSpan(firstX, sampleY, columnMin, &first, &last),
              edge1.clampSpan(firstX, sampleY, columnMin, &first, &last),
              edge2.clampSpan(firstX, sampleY, columnMin, &first, &last),
              first <= last
        else { continue }
        localShader.shadeSpan(row: row, first: first, last: last, firstSample: row &* width &+ first,
                              attributes: base + dy * (Float(row) + 0.5) + dx * (Float(first) + 0.5), step: dx)
    }
}

@inline(__always)
private func snap(_ coordinate: Float) -> Int64 {
    // Round half away from zero without a libm call (the clipper bounds the coordinate).
    let scaled = coordinate * Float(subpixelOne)
    return Int64(scaled + (scaled < 0 ? -0.5 : 0.5))
}

/// The edge function of a directed edge, positive on the inside of a positively wound
/// triangle, with the tie-breaking bias folded in.
private struct Edge {
    let a: Int64, b: Int64, c: Int64
    let stepX: Int64
    let inverseStep: Double

    @inline(__always)
    init(_ px: Int64, _ py: Int64, _ qx: Int64, _ qy: Int64) {
        a = py - qy
        b = qx - px
        // Samples exactly on an edge belong to one of the two triangles sharing it: the
        // rule must flip with the edge's direction, which (a, b) -> (-a, -b) does.
        let owns = a > 0 || (a == 0 && b > 0)
        c = -(a * px + b * py) - (owns ? 0 : 1)
        stepX = a * subpixelOne
        inverseStep = stepX == 0 ? 0 : 1 / Double(stepX)
    }

    @inline(__always)
    func value(_ x: Int64, _ y: Int64) -> Int64 { a * x + b * y + c }

    /// Narrows `first...last` to the columns of the row at `y` on this edge's inside, where
    /// column `firstColumn` has its sample at `firstX`. Returns false if none are.
    @inline(__always)
    func clampSpan(_ firstX: Int64, _ y: Int64, _ firstColumn: Int, _ first: inout Int, _ last: inout Int) -> Bool {
        let start = value(firstX, y)
        if stepX > 0 {
            // Inside from the first column k with start + k * stepX >= 0 onwards.
            if start < 0 { first = max(first, firstColumn + stepsUntilInside(start)) }
        } else if stepX < 0 {
            guard start >= 0 else { return false }
            last = min(last, firstColumn + stepsWhileInside(start))
        } else if start < 0 {
            return false
        }
        return true
    }

    /// The least k with start + k * stepX >= 0, for start < 0 < stepX. A floating-point
    /// estimate, corrected in exact arithmetic, avoids a slow 64-bit division per row.
    @inline(__always)
    private func stepsUntilInside(_ start: Int64) -> Int {
        var k = Int64(Double(-start) * inverseStep)
        while start &+ k &* stepX < 0 { k &+= 1 }
        while k > 0 && start &+ (k &- 1) &* stepX >= 0 { k &-= 1 }
        return Int(k)
    }

    /// The greatest k with start + k * stepX >= 0, for start >= 0 > stepX.
    @inline(__always)
    private func stepsWhileInside(_ start: Int64) -> Int {
        var k = Int64(Double(start) * -inverseStep)
        while k > 0 && start &+ k &* stepX < 0 { k &-= 1 }
        while start &+ (k &+ 1) &* stepX >= 0 { k &+= 1 }
        return Int(k)
    }
}
