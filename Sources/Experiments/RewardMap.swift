import Foundation
import Physics
import Render
import Rewards
import TaskSuite

/// A maze task seen from above: the arena, its walls, the start and the goal, read from the
/// task's own world and definition so that the picture cannot drift from the simulation.
public struct MazePlane {
    /// An axis-aligned rectangle of the plane.
    public struct Rectangle: Hashable, Sendable {
        public var lower: SIMD2<Double>
        public var upper: SIMD2<Double>
    }

    public let environment: TaskEnvironment
    /// The arena the ball moves in (the bounds of the ball_x and ball_y features).
    public let lower: SIMD2<Double>
    public let upper: SIMD2<Double>
    /// Inner and outer walls: the world's static boxes named `wall_*` and `outer_wall_*`.
    public let walls: [Rectangle]
    public let start: SIMD2<Double>
    public let goal: SIMD2<Double>
    public let successRadius: Double
    /// Where ball_x and ball_y sit in the classifier features and in the observation.
    private let featureIndices: SIMD2<Int>
    private let observationIndices: SIMD2<Int>

    /// Fails unless `environment` is a maze whose classifier features are the ball's x and y.
    public init(_ environment: TaskEnvironment) throws {
        let id = environment.taskID
        guard environment.definition.family == .maze else {
            throw ExperimentError.invalidValue(
                "reward maps are drawn over a maze's plane; '\(id)' is a \(environment.definition.family.rawValue) task, not a maze")
        }
        let features = environment.classifierFeatureSpec, observations = environment.observationSpec
        guard features.count == 2, let fx = features.names.firstIndex(of: "ball_x"), let fy = features.names.firstIndex(of: "ball_y"),
              let ox = observations.names.firstIndex(of: "ball_x"), let oy = observations.names.firstIndex(of: "ball_y") else {
            throw ExperimentError.invalidValue(
                "\(id): reward maps need the classifier features (ball_x, ball_y), the task has (\(features.names.joined(separator: ", ")))")
        }
        guard let marker = environment.goalMarkers().first(where: { $0.name == "goal" }),
              case .cylinder(let radius, _) = marker.shape else {
            throw ExperimentError.invalidValue("\(id): the task shows no goal disc to mark")
        }
        self.environment = environment
        featureIndices = SIMD2(fx, fy)
        observationIndices = SIMD2(ox, oy)
        lower = SIMD2(features.lower[fx], features.lower[fy])
        upper = SIMD2(features.upper[fx], features.upper[fy])
        walls = environment.world.geoms.compactMap { geom in
            guard geom.body == nil, geom.name.hasPrefix("wall_") || geom.name.hasPrefix("outer_wall_"),
                  case .box(let size) = geom.shape else { return nil }
            let centre = SIMD2(geom.position.x, geom.position.y), half = SIMD2(size.x, size.y) / 2
            return Rectangle(lower: centre - half, upper: centre + half)
        }
        goal = SIMD2(marker.position.x, marker.position.y)
        successRadius = radius
        // The start is where a reset puts the ball (the mazes start without jitter).
        let observation = try environment.reset(seed: 0)
        start = SIMD2(observation[ox], observation[oy])
    }

    /// The region a picture shows: the arena and every wall around it.
    public var extent: Rectangle {
        walls.reduce(Rectangle(lower: lower, upper: upper)) {
            Rectangle(lower: pointwiseMin($0.lower, $1.lower), upper: pointwiseMax($0.upper, $1.upper))
        }
    }

    /// Classifier features of ball positions, one row each.
    public func features(of points: [SIMD2<Double>]) throws -> FeatureMatrix {
        var values = [Float](repeating: 0, count: 2 * points.count)
        for (i, p) in points.enumerated() {
            values[2 * i + featureIndices.x] = Float(p.x)
            values[2 * i + featureIndices.y] = Float(p.y)
        }
        return try FeatureMatrix(rows: points.count, columns: 2, values: values)
    }

    /// Ball positions of classifier-feature rows.
    public func points(of features: FeatureMatrix) -> [SIMD2<Double>] {
        (0..<features.rows).map { i in
            let row = features.row(i)
            return SIMD2(Double(row[row.startIndex + featureIndices.x]), Double(row[row.startIndex + featureIndices.y]))
        }
    }

    /// The task's own success predicate for a ball resting at `point`.
    public func isSuccess(_ point: SIMD2<Double>) -> Bool {
        var observation = [Double](repeating: 0, count: environment.observationSpec.count)
        observation[observationIndices.x] = point.x
        observation[observationIndices.y] = point.y
        return environment.isSuccess(observation)
    }
}

/// A model's rewards on a regular grid of cell centres over a maze's arena.
public struct RewardGrid: Sendable, Equatable {
    public let resolution: Int
    public let lower: SIMD2<Double>
    public let upper: SIMD2<Double>
    /// `resolution²` rewards, row-major, row 0 along the bottom (lowest y) of the arena.
    public let values: [Float]

    /// Scores every cell centre in one batch (meta-NML adapts per query, so one call lets it
    /// batch the whole grid).
    public init(model: RewardModel, plane: MazePlane, resolution: Int) throws {
        guard resolution >= 2 else { throw ExperimentError.invalidValue("the reward grid needs at least 2×2 cells, got \(resolution)") }
        let cell = (plane.upper - plane.lower) / Double(resolution)
        var centres: [SIMD2<Double>] = []
        centres.reserveCapacity(resolution * resolution)
        for row in 0..<resolution {
            for column in 0..<resolution {
                centres.append(plane.lower + cell * SIMD2(Double(column) + 0.5, Double(row) + 0.5))
            }
        }
        let rewards = try model.rewards(features: plane.features(of: centres), successes: centres.map(plane.isSuccess))
        if let bad = rewards.firstIndex(where: { !$0.isFinite }) {
            throw ExperimentError.invalidValue("the \(type(of: model).kind) model gives a non-finite reward (\(rewards[bad])) at "
                                               + "(\(centres[bad].x), \(centres[bad].y))")
        }
        self.resolution = resolution
        lower = plane.lower
        upper = plane.upper
        values = rewards
    }

    public var range: ClosedRange<Float> { values.min()!...values.max()! }

    /// The reward at `point`, interpolated bilinearly between cell centres (clamped at the edges).
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
}

/// The picture of a reward landscape, as in the MURAL paper's figures: the reward over a maze's
/// plane as a viridis heat map with a colour bar, walls on top, the start, the goal's success
/// disc, and the states the reward was learned from as dots.
public struct RewardMap {
    public var title: String
    /// A second line: where the model and the dots come from.
    public var subtitle: String
    /// What the dots are, for the legend ("visited states", "negatives").
    public var dotsLabel: String
    public var width = 640
    public var height = 560
    /// At most this many dots are drawn, evenly spaced through the given states.
    public var maximumDots = 3000

    public init(title: String, subtitle: String, dotsLabel: String) {
        self.title = title
        self.subtitle = subtitle
        self.dotsLabel = dotsLabel
    }

    static let wallColour = RGB8(58, 58, 64)
    static let dotColour = RGB8(255, 80, 50)
    static let ink = RGB8(30, 30, 30)
    static let markerColour = RGB8(255, 255, 255)

    /// Viridis (matplotlib's perceptually uniform map) at nine evenly spaced stops.
    static let viridis: [SIMD3<Float>] = [
        SIMD3(68, 1, 84), SIMD3(72, 40, 120), SIMD3(62, 73, 137), SIMD3(49, 104, 142), SIMD3(38, 130, 142),
        SIMD3(31, 158, 137), SIMD3(53, 183, 121), SIMD3(110, 206, 88), SIMD3(253, 231, 37),
    ]

    /// Viridis at `t` in [0, 1], linear between stops.
    static func colour(_ t: Float) -> RGB8 {
        let s = min(max(t.isFinite ? t : 0, 0), 1) * Float(viridis.count - 1)
        let k = min(Int(s), viridis.count - 2), f = s - Float(k)
        let c = viridis[k] * (1 - f) + viridis[k + 1] * f
        return RGB8(UInt8(c.x.rounded()), UInt8(c.y.rounded()), UInt8(c.z.rounded()))
    }

    /// Indices of at most `maximumDots` of `count` states, evenly spaced and in order.
    func dotIndices(_ count: Int) -> [Int] {
        count <= maximumDots ? Array(0..<count) : (0..<maximumDots).map { $0 * count / maximumDots }
    }

    public func render(_ grid: RewardGrid, plane: MazePlane, dots: [SIMD2<Double>], font: BitmapFont) -> RGBImage {
        var image = RGBImage(width: width, height: height, fill: RGB8(255, 255, 255))
        let scale = 2
        let textHeight = font.glyphHeight * scale
        let plotTop = 14 + 2 * font.lineHeight * scale + 12
        let legendHeight = font.lineHeight * scale + 10
        let plotLeft = 14 + font.width(of: "-4", scale: scale) + 8
        let barLabelWidth = font.width(of: "-00.00", scale: scale)
        let size = min(height - plotTop - legendHeight - textHeight - 16, width - plotLeft - 24 - 20 - 8 - barLabelWidth - 8)
        precondition(size > 0, "a \(width)×\(height) image leaves no room for the map")
        let extent = plane.extent
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

        // Heat map, then walls over it.
        let range = grid.range
        let spread = range.upperBound - range.lowerBound
        func normalised(_ v: Float) -> Float { spread > 0 ? (v - range.lowerBound) / spread : 0.5 }
        for row in plotTop..<(plotTop + size) {
            for column in plotLeft..<(plotLeft + size) {
                let p = point(column: column, row: row)
                let isWall = plane.walls.contains { p.x >= $0.lower.x && p.x <= $0.upper.x && p.y >= $0.lower.y && p.y <= $0.upper.y }
                let inArena = p.x >= plane.lower.x && p.x <= plane.upper.x && p.y >= plane.lower.y && p.y <= plane.upper.y
                image[column, row] = isWall ? Self.wallColour : inArena ? Self.colour(normalised(grid.value(at: p))) : RGB8(255, 255, 255)
            }
        }

        // Dots, then the markers over them.
        for i in dotIndices(dots.count) {
            let c = pixel(dots[i])
            let x = Int(c.x.rounded(.down)), y = Int(c.y.rounded(.down))
            image.fill(x: x, y: y, width: 2, height: 2, with: Self.dotColour)
        }
        let unit = Double(size) / span
        let goal = pixel(plane.goal)
        ring(&image, centre: goal, radius: plane.successRadius * unit, thickness: 2.5, colour: Self.markerColour)
        disc(&image, centre: goal, radius: 3, colour: Self.markerColour)
        let start = pixel(plane.start)
        disc(&image, centre: start, radius: 7, colour: Self.ink)
        disc(&image, centre: start, radius: 5, colour: Self.markerColour)
        image.fill(x: plotLeft - 1, y: plotTop - 1, width: size + 2, height: 1, with: Self.ink)
        image.fill(x: plotLeft - 1, y: plotTop + size, width: size + 2, height: 1, with: Self.ink)
        image.fill(x: plotLeft - 1, y: plotTop - 1, width: 1, height: size + 2, with: Self.ink)
        image.fill(x: plotLeft + size, y: plotTop - 1, width: 1, height: size + 2, with: Self.ink)

        // Axis ticks at the arena's whole units, labelled at its edges and centre.
        let first = Int(plane.lower.x.rounded(.up)), last = Int(plane.upper.x.rounded(.down))
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

        // Colour bar with the minimum, middle and maximum reward.
        let barLeft = plotLeft + size + 24
        for row in plotTop..<(plotTop + size) {
            let t = Float(plotTop + size - 1 - row) / Float(max(size - 1, 1))
            image.fill(x: barLeft, y: row, width: 20, height: 1, with: Self.colour(t))
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
        disc(&image, centre: SIMD2(Double(x + 7), legendMiddle), radius: 7, colour: Self.ink)
        disc(&image, centre: SIMD2(Double(x + 7), legendMiddle), radius: 5, colour: Self.markerColour)
        x = drawLegendText("start", after: x + 20, y: legendY, image: &image, font: font)
        ring(&image, centre: SIMD2(Double(x + 8), legendMiddle), radius: 8, thickness: 2.5, colour: Self.ink)
        x = drawLegendText("goal", after: x + 22, y: legendY, image: &image, font: font)
        image.fill(x: x + 4, y: Int(legendMiddle) - 2, width: 4, height: 4, with: Self.dotColour)
        let shown = dotIndices(dots.count).count
        _ = drawLegendText(shown < dots.count ? "\(dotsLabel) (\(shown) of \(dots.count))" : dotsLabel,
                           after: x + 14, y: legendY, image: &image, font: font)
        return image
    }

    private func drawLegendText(_ text: String, after x: Int, y: Int, image: inout RGBImage, font: BitmapFont) -> Int {
        font.draw(text, in: &image, x: x, y: y, color: Self.ink, scale: 2)
        return x + font.width(of: text, scale: 2) + 20
    }

    /// `text`, shortened in the middle with "..." to fit `width` pixels.
    static func fitting(_ text: String, width: Int, font: BitmapFont, scale: Int) -> String {
        let capacity = (width / scale + 1) / font.advance
        guard text.count > capacity, capacity > 3 else { return text }
        let kept = capacity - 3
        return String(text.prefix(kept - kept / 2)) + "..." + String(text.suffix(kept / 2))
    }

    /// A reward for the colour bar: two decimals, or none for large values.
    static func label(_ value: Float) -> String {
        abs(value) >= 100 ? String(format: "%.0f", value) : String(format: "%.2f", value)
    }

    private func disc(_ image: inout RGBImage, centre: SIMD2<Double>, radius: Double, colour: RGB8) {
        shade(&image, centre: centre, reach: radius, colour: colour) { $0 <= radius }
    }

    private func ring(_ image: inout RGBImage, centre: SIMD2<Double>, radius: Double, thickness: Double, colour: RGB8) {
        shade(&image, centre: centre, reach: radius + thickness, colour: colour) { abs($0 - radius) <= thickness / 2 }
    }

    /// Paints the pixels within `reach` of `centre` whose centre's distance passes `inside`.
    private func shade(_ image: inout RGBImage, centre: SIMD2<Double>, reach: Double, colour: RGB8,
                       inside: (Double) -> Bool) {
        for row in Int((centre.y - reach).rounded(.down))...Int((centre.y + reach).rounded(.up)) {
            for column in Int((centre.x - reach).rounded(.down))...Int((centre.x + reach).rounded(.up)) {
                guard column >= 0, row >= 0, column < image.width, row < image.height else { continue }
                let d = ((Double(column) + 0.5 - centre.x) * (Double(column) + 0.5 - centre.x)
                         + (Double(row) + 0.5 - centre.y) * (Double(row) + 0.5 - centre.y)).squareRoot()
                if inside(d) { image[column, row] = colour }
            }
        }
    }
}
