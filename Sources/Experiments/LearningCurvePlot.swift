import Foundation
import Render

/// One line of a learning-curve plot: a mean with a shaded band (for example a 95 % interval
/// over seeds).
public struct CurveSeries: Sendable {
    public var name: String
    public var color: RGB8
    public var x: [Double]
    public var mean: [Double]
    public var lower: [Double]
    public var upper: [Double]

    public init(name: String, color: RGB8, x: [Double], mean: [Double], lower: [Double], upper: [Double]) {
        precondition(x.count == mean.count && x.count == lower.count && x.count == upper.count,
                     "series '\(name)' has columns of different lengths")
        self.name = name
        self.color = color
        self.x = x
        self.mean = mean
        self.lower = lower
        self.upper = upper
    }
}

/// Draws learning curves (success against environment steps) as a PNG-ready image, with the
/// bitmap font from `Assets/fonts`.
public struct LearningCurvePlot {
    public var title: String
    public var xLabel = "environment steps"
    public var yLabel = "success"
    public var yRange: ClosedRange<Double> = 0...1
    public var width = 720
    public var height = 440

    /// Colours for series in order: distinguishable, and readable in greyscale print.
    public static let palette: [RGB8] = [
        RGB8(31, 119, 180), RGB8(214, 39, 40), RGB8(44, 160, 44), RGB8(148, 103, 189),
        RGB8(255, 127, 14), RGB8(140, 86, 75),
    ]

    public init(title: String) { self.title = title }

    public func render(_ series: [CurveSeries], font: BitmapFont) -> RGBImage {
        var image = RGBImage(width: width, height: height, fill: RGB8(255, 255, 255))
        let scale = 2
        let left = 16 + 5 * font.advance * scale, right = width - 8 - 2 * font.advance * scale
        let top = 20 + font.lineHeight * scale * 2, bottom = height - 20 - font.lineHeight * scale * 2
        let xMax = max(series.flatMap(\.x).max() ?? 1, 1)
        func px(_ x: Double) -> Double { Double(left) + x / xMax * Double(right - left) }
        func py(_ y: Double) -> Double {
            Double(bottom) - (y - yRange.lowerBound) / (yRange.upperBound - yRange.lowerBound) * Double(bottom - top)
        }

        // Grid, ticks and labels.
        let grid = RGB8(228, 228, 228), ink = RGB8(60, 60, 60)
        for tick in stride(from: yRange.lowerBound, through: yRange.upperBound + 1e-9, by: (yRange.upperBound - yRange.lowerBound) / 4) {
            let y = Int(py(tick).rounded())
            image.fill(x: left, y: y, width: right - left, height: 1, with: grid)
            let label = String(format: "%.2f", tick)
            font.draw(label, in: &image, x: left - 8 - font.width(of: label, scale: scale), y: y - font.glyphHeight * scale / 2,
                      color: ink, scale: scale)
        }
        let step = LearningCurvePlot.niceStep(xMax / 5)
        for tick in stride(from: 0.0, through: xMax + 1e-9, by: step) {
            let x = Int(px(tick).rounded())
            image.fill(x: x, y: top, width: 1, height: bottom - top, with: grid)
            let label = LearningCurvePlot.compactLabel(tick)
            font.draw(label, in: &image, x: x - font.width(of: label, scale: scale) / 2, y: bottom + 8, color: ink, scale: scale)
        }
        image.fill(x: left, y: bottom, width: right - left, height: 1, with: ink)
        image.fill(x: left, y: top, width: 1, height: bottom - top, with: ink)
        font.draw(title, in: &image, x: left, y: 10, color: RGB8(20, 20, 20), scale: scale)
        font.draw(xLabel, in: &image, x: (left + right - font.width(of: xLabel, scale: scale)) / 2,
                  y: height - 8 - font.glyphHeight * scale, color: ink, scale: scale)
        font.draw(yLabel, in: &image, x: 8, y: top - font.lineHeight * scale - 4, color: ink, scale: scale)

        // Bands first, so that every line is drawn over every band.
        for s in series where s.x.count > 1 {
            for i in 0..<(s.x.count - 1) {
                let x0 = px(s.x[i]), x1 = px(s.x[i + 1])
                for column in Int(x0.rounded())...max(Int(x0.rounded()), Int(x1.rounded())) {
                    let t = x1 > x0 ? min(max((Double(column) - x0) / (x1 - x0), 0), 1) : 0
                    let high = py(s.upper[i] + t * (s.upper[i + 1] - s.upper[i]))
                    let low = py(s.lower[i] + t * (s.lower[i + 1] - s.lower[i]))
                    for row in Int(high.rounded())...max(Int(high.rounded()), Int(low.rounded())) {
                        blend(&image, column, row, s.color, alpha: 0.18)
                    }
                }
            }
        }
        for s in series {
            for i in 0..<max(s.x.count - 1, 0) {
                line(&image, from: (px(s.x[i]), py(s.mean[i])), to: (px(s.x[i + 1]), py(s.mean[i + 1])), color: s.color)
            }
            if s.x.count == 1 { line(&image, from: (px(s.x[0]), py(s.mean[0])), to: (px(s.x[0]), py(s.mean[0])), color: s.color) }
        }

        // Legend, top left inside the axes.
        var y = top + 8
        for s in series {
            image.fill(x: left + 10, y: y + 2, width: 18, height: font.glyphHeight * scale - 4, with: s.color)
            font.draw(s.name, in: &image, x: left + 34, y: y, color: ink, scale: scale)
            y += font.lineHeight * scale + 4
        }
        return image
    }

    private func blend(_ image: inout RGBImage, _ x: Int, _ y: Int, _ color: RGB8, alpha: Double) {
        guard x >= 0, y >= 0, x < image.width, y < image.height else { return }
        let old = image[x, y]
        func mix(_ a: UInt8, _ b: UInt8) -> UInt8 { UInt8((Double(a) * (1 - alpha) + Double(b) * alpha).rounded()) }
        image[x, y] = RGB8(mix(old.red, color.red), mix(old.green, color.green), mix(old.blue, color.blue))
    }

    /// A 2.5-pixel-wide line: samples every quarter pixel and stamps a small disc.
    private func line(_ image: inout RGBImage, from a: (Double, Double), to b: (Double, Double), color: RGB8) {
        let samples = max(Int((max(abs(b.0 - a.0), abs(b.1 - a.1)) * 4).rounded(.up)), 1)
        for k in 0...samples {
            let t = Double(k) / Double(samples)
            let x = a.0 + t * (b.0 - a.0), y = a.1 + t * (b.1 - a.1)
            for dy in -1...1 {
                for dx in -1...1 where dx * dx + dy * dy <= 1 {
                    let column = Int(x.rounded()) + dx, row = Int(y.rounded()) + dy
                    if column >= 0, row >= 0, column < image.width, row < image.height { image[column, row] = color }
                }
            }
        }
    }

    /// The 1-2-5 step at or above `raw`.
    static func niceStep(_ raw: Double) -> Double {
        let magnitude = pow(10, floor(log10(max(raw, 1e-12))))
        for factor in [1.0, 2.0, 5.0, 10.0] where factor * magnitude >= raw { return factor * magnitude }
        return 10 * magnitude
    }

    /// 1500 → "1.5k", 200000 → "200k", 1000000 → "1M".
    public static func compactLabel(_ value: Double) -> String {
        func trimmed(_ v: Double) -> String {
            v == v.rounded() ? String(Int(v)) : String(format: "%.1f", v)
        }
        if value >= 1e6 { return trimmed(value / 1e6) + "M" }
        if value >= 1e3 { return trimmed(value / 1e3) + "k" }
        return trimmed(value)
    }
}
