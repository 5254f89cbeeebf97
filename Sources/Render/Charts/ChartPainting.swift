import Foundation

/// Anti-alias-free painting on an image, shared by the charts: pixels are set whole, so the
/// same chart always gives the same bytes.
extension RGBImage {
    /// Fills the pixels whose centres lie within `radius` of `centre`.
    mutating func disc(centre: SIMD2<Double>, radius: Double, colour: RGB8) {
        shade(centre: centre, reach: radius, colour: colour) { $0 <= radius }
    }

    /// Fills the pixels whose centres lie within `thickness / 2` of the circle of `radius`.
    mutating func ring(centre: SIMD2<Double>, radius: Double, thickness: Double, colour: RGB8) {
        shade(centre: centre, reach: radius + thickness, colour: colour) { abs($0 - radius) <= thickness / 2 }
    }

    /// Paints the pixels within `reach` of `centre` whose centre's distance passes `inside`.
    private mutating func shade(centre: SIMD2<Double>, reach: Double, colour: RGB8, inside: (Double) -> Bool) {
        for row in Int((centre.y - reach).rounded(.down))...Int((centre.y + reach).rounded(.up)) {
            for column in Int((centre.x - reach).rounded(.down))...Int((centre.x + reach).rounded(.up)) {
                guard column >= 0, row >= 0, column < width, row < height else { continue }
                let d = ((Double(column) + 0.5 - centre.x) * (Double(column) + 0.5 - centre.x)
                         + (Double(row) + 0.5 - centre.y) * (Double(row) + 0.5 - centre.y)).squareRoot()
                if inside(d) { self[column, row] = colour }
            }
        }
    }

    /// Mixes `colour` into the pixel at (`x`, `y`) with weight `alpha`; outside the image, nothing.
    mutating func blend(_ x: Int, _ y: Int, _ colour: RGB8, alpha: Double) {
        guard x >= 0, y >= 0, x < width, y < height else { return }
        let old = self[x, y]
        func mix(_ a: UInt8, _ b: UInt8) -> UInt8 { UInt8((Double(a) * (1 - alpha) + Double(b) * alpha).rounded()) }
        self[x, y] = RGB8(mix(old.red, colour.red), mix(old.green, colour.green), mix(old.blue, colour.blue))
    }

    /// A 2.5-pixel-wide line: samples every quarter pixel and stamps a small disc.
    mutating func thickLine(from a: SIMD2<Double>, to b: SIMD2<Double>, colour: RGB8) {
        let samples = max(Int((max(abs(b.x - a.x), abs(b.y - a.y)) * 4).rounded(.up)), 1)
        for k in 0...samples {
            let t = Double(k) / Double(samples)
            let x = a.x + t * (b.x - a.x), y = a.y + t * (b.y - a.y)
            for dy in -1...1 {
                for dx in -1...1 where dx * dx + dy * dy <= 1 {
                    let column = Int(x.rounded()) + dx, row = Int(y.rounded()) + dy
                    if column >= 0, row >= 0, column < width, row < height { self[column, row] = colour }
                }
            }
        }
    }
}
