import Physics

/// A scalar field sampled at the centres of a regular grid of square-ish cells over a rectangle
/// of the plane, read back between samples by bilinear interpolation.
public struct GridField: Sendable, Equatable {
    /// Cells per side.
    public let resolution: Int
    public let lower: SIMD2<Double>
    public let upper: SIMD2<Double>
    /// `resolution²` samples, row-major, row 0 along the bottom (lowest y).
    public let values: [Float]

    public init(resolution: Int, lower: SIMD2<Double>, upper: SIMD2<Double>, values: [Float]) {
        precondition(resolution >= 2 && values.count == resolution * resolution,
                     "a grid field needs resolution ≥ 2 and resolution² values")
        self.resolution = resolution
        self.lower = lower
        self.upper = upper
        self.values = values
    }

    /// The centres of the cells in the order of `values`.
    public static func cellCentres(resolution: Int, lower: SIMD2<Double>, upper: SIMD2<Double>) -> [SIMD2<Double>] {
        let cell = (upper - lower) / Double(resolution)
        var centres: [SIMD2<Double>] = []
        centres.reserveCapacity(resolution * resolution)
        for row in 0..<resolution {
            for column in 0..<resolution {
                centres.append(lower + cell * SIMD2(Double(column) + 0.5, Double(row) + 0.5))
            }
        }
        return centres
    }

    public var range: ClosedRange<Float> { values.min()!...values.max()! }

    /// The field at `point`, interpolated bilinearly between cell centres (clamped at the edges).
    public func value(at point: SIMD2<Double>) -> Float {
        let t = (point - lower) / (upper - lower) * Double(resolution) - 0.5
        let last = Double(resolution - 1)
        let u = SIMD2(min(max(t.x, 0), last), min(max(t.y, 0), last))
        let c0 = min(Int(u.x), resolution - 2), r0 = min(Int(u.y), resolution - 2)
        let fx = Float(u.x - Double(c0)), fy = Float(u.y - Double(r0))
        func at(_ r: Int, _ c: Int) -> Float { values[r * resolution + c] }
        let bottom = at(r0, c0) * (1 - fx) + at(r0, c0 + 1) * fx
        let top = at(r0 + 1, c0) * (1 - fx) + at(r0 + 1, c0 + 1) * fx
        return bottom * (1 - fy) + top * fy
    }

    /// The rectangle the field covers.
    public var rectangle: Rectangle { Rectangle(lower: lower, upper: upper) }
}

/// A perceptual colour map: colours at evenly spaced stops, linear between them.
public struct ColourMap: Sendable {
    public let stops: [SIMD3<Float>]

    public init(stops: [SIMD3<Float>]) {
        precondition(stops.count >= 2, "a colour map needs two stops")
        self.stops = stops
    }

    /// Viridis (matplotlib's perceptually uniform map) at nine evenly spaced stops.
    public static let viridis = ColourMap(stops: [
        SIMD3(68, 1, 84), SIMD3(72, 40, 120), SIMD3(62, 73, 137), SIMD3(49, 104, 142), SIMD3(38, 130, 142),
        SIMD3(31, 158, 137), SIMD3(53, 183, 121), SIMD3(110, 206, 88), SIMD3(253, 231, 37),
    ])

    /// The colour at `t` in [0, 1] (clamped; a non-finite `t` reads as 0).
    public func colour(_ t: Float) -> RGB8 {
        let s = min(max(t.isFinite ? t : 0, 0), 1) * Float(stops.count - 1)
        let k = min(Int(s), stops.count - 2), f = s - Float(k)
        let c = stops[k] * (1 - f) + stops[k + 1] * f
        return RGB8(UInt8(c.x.rounded()), UInt8(c.y.rounded()), UInt8(c.z.rounded()))
    }
}
