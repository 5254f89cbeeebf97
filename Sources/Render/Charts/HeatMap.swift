import Foundation
import Physics

/// A scalar field over a rectangle of the plane seen from above, as a heat map with a colour
/// bar from the field's minimum to its maximum; solid obstacles over it, scattered dots, marked
/// points and regions, axis ticks at whole units, a title, a subtitle and a legend.
public struct HeatMap {
    /// A labelled place on the map.
    public struct Marker: Sendable {
        public enum Shape: Sendable {
            /// A point: a white disc ringed in ink.
            case point
            /// A disc of this radius in plane units: a white circle with a dot at its centre.
            case region(radius: Double)
        }

        public var label: String
        public var position: SIMD2<Double>
        public var shape: Shape

        public init(_ label: String, at position: SIMD2<Double>, shape: Shape) {
            self.label = label
            self.position = position
            self.shape = shape
        }
    }

    public var title: String
    /// A second line, shortened in the middle when it does not fit.
    public var subtitle: String
    public var width = 640
    public var height = 560
    public var colourMap = ColourMap.viridis
    /// Drawn solid over the field.
    public var obstacles: [Rectangle] = []
    /// Drawn over the dots: regions first, then points. The legend lists them in this order.
    public var markers: [Marker] = []
    public var dots: [SIMD2<Double>] = []
    /// What the dots are, for the legend.
    public var dotsLabel: String
    /// At most this many dots are drawn, evenly spaced through `dots`.
    public var maximumDots = 3000

    static let obstacleColour = RGB8(58, 58, 64)
    static let dotColour = RGB8(255, 80, 50)
    static let ink = RGB8(30, 30, 30)
    static let markerColour = RGB8(255, 255, 255)

    public init(title: String, subtitle: String, dotsLabel: String) {
        self.title = title
        self.subtitle = subtitle
        self.dotsLabel = dotsLabel
    }

    /// Indices of at most `maximumDots` of `count` dots, evenly spaced and in order.
    func dotIndices(_ count: Int) -> [Int] {
        count <= maximumDots ? Array(0..<count) : (0..<maximumDots).map { $0 * count / maximumDots }
    }

    /// The region the picture shows: the field's rectangle and every obstacle.
    func extent(_ field: GridField) -> Rectangle {
        obstacles.reduce(field.rectangle) { $0.union($1) }
    }

    public func render(_ field: GridField, font: BitmapFont) -> RGBImage {
        var image = RGBImage(width: width, height: height, fill: RGB8(255, 255, 255))
        let scale = 2
        let textHeight = font.glyphHeight * scale
        let plotTop = 14 + 2 * font.lineHeight * scale + 12
        let legendHeight = font.lineHeight * scale + 10
        let plotLeft = 14 + font.width(of: "-4", scale: scale) + 8
        let barLabelWidth = font.width(of: "-00.00", scale: scale)
        let size = min(height - plotTop - legendHeight - textHeight - 16, width - plotLeft - 24 - 20 - 8 - barLabelWidth - 8)
        precondition(size > 0, "a \(width)×\(height) image leaves no room for the map")
        let extent = extent(field)
        let span = max(extent.upper.x - extent.lower.x, extent.upper.y - extent.lower.y)
        // Pixel (column, row) of a point of the plane, y up; and back, at pixel centres.
        func pixel(_ p: SIMD2<Double>) -> SIMD2<Double> {
            SIMD2(Double(plotLeft) + (p.x - extent.lower.x) / span * Double(size),
                  Double(plotTop + size) - (p.y - extent.lower.y) / span * Double(size))
        }
        func point(column: Int, row: Int) -> SIMD2<Double> {
            SIMD2(extent.lower.x + (Double(column - plotLeft) + 0.5) / Double(size) * span,
                  extent.lower.y + (Double(plotTop + size - row) - 0.5) / Double(size) * span)
        }

        // The field, then obstacles over it.
        let range = field.range
        let spread = range.upperBound - range.lowerBound
        func normalised(_ v: Float) -> Float { spread > 0 ? (v - range.lowerBound) / spread : 0.5 }
        for row in plotTop..<(plotTop + size) {
            for column in plotLeft..<(plotLeft + size) {
                let p = point(column: column, row: row)
                let isObstacle = obstacles.contains { $0.contains(p) }
                image[column, row] = isObstacle ? Self.obstacleColour
                    : field.rectangle.contains(p) ? colourMap.colour(normalised(field.value(at: p))) : RGB8(255, 255, 255)
            }
        }

        // Dots, then the markers over them.
        for i in dotIndices(dots.count) {
            let c = pixel(dots[i])
            let x = Int(c.x.rounded(.down)), y = Int(c.y.rounded(.down))
            image.fill(x: x, y: y, width: 2, height: 2, with: Self.dotColour)
        }
        let unit = Double(size) / span
        for marker in markers {
            guard case .region(let radius) = marker.shape else { continue }
            let centre = pixel(marker.position)
            image.ring(centre: centre, radius: radius * unit, thickness: 2.5, colour: Self.markerColour)
            image.disc(centre: centre, radius: 3, colour: Self.markerColour)
        }
        for marker in markers {
            guard case .point = marker.shape else { continue }
            Self.drawPoint(at: pixel(marker.position), in: &image)
        }
        image.fill(x: plotLeft - 1, y: plotTop - 1, width: size + 2, height: 1, with: Self.ink)
        image.fill(x: plotLeft - 1, y: plotTop + size, width: size + 2, height: 1, with: Self.ink)
        image.fill(x: plotLeft - 1, y: plotTop - 1, width: 1, height: size + 2, with: Self.ink)
        image.fill(x: plotLeft + size, y: plotTop - 1, width: 1, height: size + 2, with: Self.ink)

        // Axis ticks at the field's whole units, labelled at its edges and at 0.
        let first = Int(field.lower.x.rounded(.up)), last = Int(field.upper.x.rounded(.down))
        for tick in first...max(first, last) {
            let x = Int(pixel(SIMD2(Double(tick), 0)).x.rounded()), y = Int(pixel(SIMD2(0, Double(tick))).y.rounded())
            image.fill(x: x, y: plotTop + size, width: 1, height: 5, with: Self.ink)
            image.fill(x: plotLeft - 5, y: y, width: 5, height: 1, with: Self.ink)
            guard tick == first || tick == last || tick == 0 else { continue }
            let label = String(tick)
            font.draw(label, in: &image, x: x - font.width(of: label, scale: scale) / 2, y: plotTop + size + 8, color: Self.ink, scale: scale)
            font.draw(label, in: &image, x: plotLeft - 8 - font.width(of: label, scale: scale), y: y - textHeight / 2,
                      color: Self.ink, scale: scale)
        }

        // Colour bar with the minimum, middle and maximum value.
        let barLeft = plotLeft + size + 24
        for row in plotTop..<(plotTop + size) {
            let t = Float(plotTop + size - 1 - row) / Float(max(size - 1, 1))
            image.fill(x: barLeft, y: row, width: 20, height: 1, with: colourMap.colour(t))
        }
        for (value, y) in [(range.upperBound, plotTop), ((range.lowerBound + range.upperBound) / 2, plotTop + size / 2),
                           (range.lowerBound, plotTop + size - 1)] {
            image.fill(x: barLeft + 20, y: y, width: 4, height: 1, with: Self.ink)
            font.draw(Self.label(value), in: &image, x: barLeft + 28, y: min(max(y - textHeight / 2, plotTop), plotTop + size - textHeight),
                      color: Self.ink, scale: scale)
        }

        // Title, subtitle and legend.
        font.draw(title, in: &image, x: 14, y: 12, color: Self.ink, scale: scale)
        font.draw(Self.fitting(subtitle, width: width - 28, font: font, scale: scale), in: &image, x: 14,
                  y: 12 + font.lineHeight * scale + 4, color: RGB8(90, 90, 90), scale: scale)
        var x = plotLeft
        let legendY = plotTop + size + textHeight + 20
        let legendMiddle = Double(legendY + textHeight / 2)
        func legendText(_ text: String, after x: Int) -> Int {
            font.draw(text, in: &image, x: x, y: legendY, color: Self.ink, scale: scale)
            return x + font.width(of: text, scale: scale) + 20
        }
        for marker in markers {
            switch marker.shape {
            case .point:
                Self.drawPoint(at: SIMD2(Double(x + 7), legendMiddle), in: &image)
                x = legendText(marker.label, after: x + 20)
            case .region:
                image.ring(centre: SIMD2(Double(x + 8), legendMiddle), radius: 8, thickness: 2.5, colour: Self.ink)
                x = legendText(marker.label, after: x + 22)
            }
        }
        image.fill(x: x + 4, y: Int(legendMiddle) - 2, width: 4, height: 4, with: Self.dotColour)
        let shown = dotIndices(dots.count).count
        _ = legendText(shown < dots.count ? "\(dotsLabel) (\(shown) of \(dots.count))" : dotsLabel, after: x + 14)
        return image
    }

    /// A point marker: a white disc ringed in ink.
    private static func drawPoint(at centre: SIMD2<Double>, in image: inout RGBImage) {
        image.disc(centre: centre, radius: 7, colour: ink)
        image.disc(centre: centre, radius: 5, colour: markerColour)
    }

    /// `text`, shortened in the middle with "..." to fit `width` pixels.
    static func fitting(_ text: String, width: Int, font: BitmapFont, scale: Int) -> String {
        let capacity = (width / scale + 1) / font.advance
        guard text.count > capacity, capacity > 3 else { return text }
        let kept = capacity - 3
        return String(text.prefix(kept - kept / 2)) + "..." + String(text.suffix(kept / 2))
    }

    /// A value for the colour bar: two decimals, or none for large values.
    static func label(_ value: Float) -> String {
        abs(value) >= 100 ? String(format: "%.0f", value) : String(format: "%.2f", value)
    }
}
