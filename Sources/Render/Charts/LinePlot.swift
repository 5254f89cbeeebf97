import Foundation

/// A line chart: each series a line through its points over a shaded band (for example a mean
/// with a 95 % interval), on a grid with labelled ticks and a legend. Drawn with the bitmap font
/// from `Assets/fonts`, pixel for pixel the same on every machine.
public struct LinePlot {
    /// One line and its band.
    public struct Series: Sendable {
        public var name: String
        public var color: RGB8
        public var x: [Double]
        public var y: [Double]
        /// The band's edges at each x.
        public var lower: [Double]
        public var upper: [Double]

        public init(name: String, color: RGB8, x: [Double], y: [Double], lower: [Double], upper: [Double]) {
            precondition(x.count == y.count && x.count == lower.count && x.count == upper.count,
                         "series '\(name)' has columns of different lengths")
            self.name = name
            self.color = color
            self.x = x
            self.y = y
            self.lower = lower
            self.upper = upper
        }
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    /// The vertical axis; the horizontal one runs from 0 to the largest x (at least 1).
    public var yRange: ClosedRange<Double> = 0...1
    public var width = 720
    public var height = 440

    /// Colours for series in order: distinguishable, and readable in greyscale print.
    public static let palette: [RGB8] = [
        RGB8(31, 119, 180), RGB8(214, 39, 40), RGB8(44, 160, 44), RGB8(148, 103, 189),
        RGB8(255, 127, 14), RGB8(140, 86, 75),
    ]

    public init(title: String, xLabel: String, yLabel: String) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
    }

    /// The legend sits inside the axes, in the corner that hides the least of the lines and
    /// bands; where every corner would hide some, it goes in a row under the title instead, if
    /// one row holds it.
    public func render(_ series: [Series], font: BitmapFont) -> RGBImage {
        let inside = draw(series, font: font, legendInRow: false)
        guard inside.legendHidesData, Self.legendRowWidth(series, font: font) <= width - 16 else { return inside.image }
        return draw(series, font: font, legendInRow: true).image
    }

    private static let scale = 2
    private static let swatchWidth = 18, swatchGap = 6, entryGap = 24

    /// The width of the legend laid out in one row.
    static func legendRowWidth(_ series: [Series], font: BitmapFont) -> Int {
        series.map { swatchWidth + swatchGap + font.width(of: $0.name, scale: scale) }.reduce(0, +)
            + entryGap * max(series.count - 1, 0)
    }

    private func draw(_ series: [Series], font: BitmapFont, legendInRow: Bool) -> (image: RGBImage, legendHidesData: Bool) {
        var image = RGBImage(width: width, height: height, fill: RGB8(255, 255, 255))
        let scale = Self.scale
        let rowHeight = font.lineHeight * scale + 4
        let left = 16 + 5 * font.advance * scale, right = width - 8 - 2 * font.advance * scale
        let top = 20 + font.lineHeight * scale * 2 + (legendInRow ? rowHeight + 8 : 0)
        let bottom = height - 20 - font.lineHeight * scale * 2
        let xMax = max(series.flatMap(\.x).max() ?? 1, 1)
        func px(_ x: Double) -> Double { Double(left) + x / xMax * Double(right - left) }
        func py(_ y: Double) -> Double {
            Double(bottom) - (y - yRange.lowerBound) / (yRange.upperBound - yRange.lowerBound) * Double(bottom - top)
        }

        // Grid, ticks and labels.
        let grid = RGB8(228, 228, 228), ink = RGB8(60, 60, 60)
        let yTicks = Array(stride(from: yRange.lowerBound, through: yRange.upperBound + 1e-9, by: (yRange.upperBound - yRange.lowerBound) / 4))
        // Whole numbers when every tick is one (a log-odds axis), else two decimals (a success axis).
        let wholeTicks = yTicks.allSatisfy { $0 == $0.rounded() }
        for tick in yTicks {
            let y = Int(py(tick).rounded())
            image.fill(x: left, y: y, width: right - left, height: 1, with: grid)
            let label = wholeTicks ? String(format: "%.0f", tick) : String(format: "%.2f", tick)
            font.draw(label, in: &image, x: left - 8 - font.width(of: label, scale: scale), y: y - font.glyphHeight * scale / 2,
                      color: ink, scale: scale)
        }
        let step = Self.niceStep(xMax / 5)
        for tick in stride(from: 0.0, through: xMax + 1e-9, by: step) {
            let x = Int(px(tick).rounded())
            image.fill(x: x, y: top, width: 1, height: bottom - top, with: grid)
            let label = Self.compactLabel(tick)
            font.draw(label, in: &image, x: x - font.width(of: label, scale: scale) / 2, y: bottom + 8, color: ink, scale: scale)
        }
        image.fill(x: left, y: bottom, width: right - left, height: 1, with: ink)
        image.fill(x: left, y: top, width: 1, height: bottom - top, with: ink)
        // A title too long to start over the plot starts at the margin, and at half size if it
        // still does not fit: a clipped title loses its end silently.
        let titleScale = font.width(of: title, scale: scale) <= width - 16 ? scale : 1
        let titleX = max(8, min(left, width - 8 - font.width(of: title, scale: titleScale)))
        font.draw(title, in: &image, x: titleX, y: 10, color: RGB8(20, 20, 20), scale: titleScale)
        font.draw(xLabel, in: &image, x: (left + right - font.width(of: xLabel, scale: scale)) / 2,
                  y: height - 8 - font.glyphHeight * scale, color: ink, scale: scale)
        // Clear of the top tick's label, which is centred on the plot's top edge.
        font.draw(yLabel, in: &image, x: 8, y: top - font.lineHeight * scale - font.glyphHeight * scale / 2 - 2, color: ink, scale: scale)

        // Bands first, so that every line is drawn over every band.
        for s in series where s.x.count > 1 {
            for i in 0..<(s.x.count - 1) {
                let x0 = px(s.x[i]), x1 = px(s.x[i + 1])
                for column in Int(x0.rounded())...max(Int(x0.rounded()), Int(x1.rounded())) {
                    let t = x1 > x0 ? min(max((Double(column) - x0) / (x1 - x0), 0), 1) : 0
                    let high = py(s.upper[i] + t * (s.upper[i + 1] - s.upper[i]))
                    let low = py(s.lower[i] + t * (s.lower[i + 1] - s.lower[i]))
                    for row in Int(high.rounded())...max(Int(high.rounded()), Int(low.rounded())) {
                        image.blend(column, row, s.color, alpha: 0.18)
                    }
                }
            }
        }
        for s in series {
            func point(_ i: Int) -> SIMD2<Double> { SIMD2(px(s.x[i]), py(s.y[i])) }
            for i in 0..<max(s.x.count - 1, 0) { image.thickLine(from: point(i), to: point(i + 1), colour: s.color) }
            if s.x.count == 1 { image.thickLine(from: point(0), to: point(0), colour: s.color) }
        }

        if legendInRow {
            // Centred under the title.
            var x = (width - Self.legendRowWidth(series, font: font)) / 2
            let y = 10 + font.lineHeight * titleScale + 8
            for s in series {
                image.fill(x: x, y: y + 2, width: Self.swatchWidth, height: font.glyphHeight * scale - 4, with: s.color)
                x += Self.swatchWidth + Self.swatchGap
                font.draw(s.name, in: &image, x: x, y: y, color: ink, scale: scale)
                x += font.width(of: s.name, scale: scale) + Self.entryGap
            }
            return (image, false)
        }
        // In the corner inside the axes that hides the least of the lines and bands (the first of
        // top left, top right, bottom left, bottom right on a tie), over a pale backing.
        let padding = 6, trailingPadding = 10
        let legendWidth = padding + Self.swatchWidth + Self.swatchGap + (series.map { font.width(of: $0.name, scale: scale) }.max() ?? 0)
            + trailingPadding
        let legendHeight = series.count * rowHeight + 4
        let corner = Self.emptiestCorner(
            of: image, width: legendWidth, height: legendHeight, inset: 4, within: (left + 1, top + 1, right, bottom),
            lines: Set(series.map(\.color)), background: [RGB8(255, 255, 255), grid, ink])
        for row in corner.y..<(corner.y + legendHeight) {
            for column in corner.x..<(corner.x + legendWidth) { image.blend(column, row, RGB8(255, 255, 255), alpha: 0.85) }
        }
        var y = corner.y + 4
        for s in series {
            image.fill(x: corner.x + padding, y: y + 2, width: Self.swatchWidth, height: font.glyphHeight * scale - 4, with: s.color)
            font.draw(s.name, in: &image, x: corner.x + padding + Self.swatchWidth + Self.swatchGap, y: y, color: ink, scale: scale)
            y += rowHeight
        }
        return (image, corner.cost > 0)
    }

    /// The top-left point of a `width` × `height` box `inset` inside a corner of the plot area
    /// `within` (left, top, right, bottom) that covers the fewest drawn pixels, counting a line's
    /// pixel (one of `lines`' colours) as ten of a band's (any other colour not in `background`),
    /// and that cost.
    static func emptiestCorner(of image: RGBImage, width: Int, height: Int, inset: Int, within area: (Int, Int, Int, Int),
                               lines: Set<RGB8>, background: Set<RGB8>) -> (x: Int, y: Int, cost: Int) {
        let (left, top, right, bottom) = area
        let corners = [(left + inset, top + inset), (right - inset - width, top + inset),
                       (left + inset, bottom - inset - height), (right - inset - width, bottom - inset - height)]
        func cost(_ corner: (Int, Int)) -> Int {
            var total = 0
            for row in max(corner.1, 0)..<min(corner.1 + height, image.height) {
                for column in max(corner.0, 0)..<min(corner.0 + width, image.width) {
                    let pixel = image[column, row]
                    total += lines.contains(pixel) ? 10 : background.contains(pixel) ? 0 : 1
                }
            }
            return total
        }
        let costs = corners.map(cost)
        // `min(by:)` keeps the first of equals: the corners' order breaks ties.
        let best = costs.indices.min { costs[$0] < costs[$1] }!
        return (corners[best].0, corners[best].1, costs[best])
    }

    /// The 1-2-5 step at or above `raw`.
    static func niceStep(_ raw: Double) -> Double {
        let magnitude = pow(10, floor(log10(max(raw, 1e-12))))
        for factor in [1.0, 2.0, 5.0, 10.0] where factor * magnitude >= raw { return factor * magnitude }
        return 10 * magnitude
    }

    /// The smallest of 1, 2, 2.5 or 5 × 10ᵏ at or above `value`: a round top for an axis.
    public static func niceCeiling(_ value: Double) -> Double {
        let magnitude = pow(10, (log10(value)).rounded(.down))
        return [1, 2, 2.5, 5, 10].map { $0 * magnitude }.first { $0 >= value * (1 - 1e-12) }!
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
