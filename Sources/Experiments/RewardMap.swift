import Foundation
import Render
import Rewards
import TaskSuite

/// A maze task seen from above, as its `PlanarLayout` describes it, with what a reward map needs
/// from the task: classifier features of positions, and the task's own success predicate.
public struct MazePlane {
    public let environment: TaskEnvironment
    public let layout: PlanarLayout

    /// Fails unless `environment` is a maze, which publishes the plane its ball moves on.
    public init(_ environment: TaskEnvironment) throws {
        guard let layout = environment.planarLayout else {
            throw ExperimentError.invalidValue(
                "reward maps are drawn over a maze's plane; '\(environment.taskID)' is a "
                + "\(environment.definition.family.rawValue) task, not a maze")
        }
        self.environment = environment
        self.layout = layout
    }

    /// The arena the ball moves in.
    public var lower: SIMD2<Double> { layout.bounds.lower }
    public var upper: SIMD2<Double> { layout.bounds.upper }

    /// Classifier features of ball positions, one row each.
    public func features(of points: [SIMD2<Double>]) throws -> FeatureMatrix {
        let columns = environment.classifierFeatureSpec.count, indices = layout.featureIndices
        var values = [Float](repeating: 0, count: columns * points.count)
        for (i, p) in points.enumerated() {
            values[columns * i + indices.x] = Float(p.x)
            values[columns * i + indices.y] = Float(p.y)
        }
        return try FeatureMatrix(rows: points.count, columns: columns, values: values)
    }

    /// Ball positions of classifier-feature rows.
    public func points(of features: FeatureMatrix) -> [SIMD2<Double>] {
        let indices = layout.featureIndices
        return (0..<features.rows).map { i in
            let row = features.row(i)
            return SIMD2(Double(row[row.startIndex + indices.x]), Double(row[row.startIndex + indices.y]))
        }
    }

    /// The task's own success predicate for a ball resting at `point`.
    public func isSuccess(_ point: SIMD2<Double>) -> Bool {
        var observation = [Double](repeating: 0, count: environment.observationSpec.count)
        observation[layout.observationIndices.x] = point.x
        observation[layout.observationIndices.y] = point.y
        return environment.isSuccess(observation)
    }
}

extension GridField {
    /// A model's rewards at the cell centres of a grid over a maze's arena, scored in one batch
    /// (meta-NML adapts per query, so one call lets it batch the whole grid).
    public init(rewardsOf model: RewardModel, over plane: MazePlane, resolution: Int) throws {
        guard resolution >= 2 else { throw ExperimentError.invalidValue("the reward grid needs at least 2×2 cells, got \(resolution)") }
        let centres = GridField.cellCentres(resolution: resolution, lower: plane.lower, upper: plane.upper)
        let rewards = try model.rewards(features: plane.features(of: centres), successes: centres.map(plane.isSuccess))
        if let bad = rewards.firstIndex(where: { !$0.isFinite }) {
            throw ExperimentError.invalidValue("the \(type(of: model).kind) model gives a non-finite reward (\(rewards[bad])) at "
                                               + "(\(centres[bad].x), \(centres[bad].y))")
        }
        self.init(resolution: resolution, lower: plane.lower, upper: plane.upper, values: rewards)
    }
}

/// The picture of a reward landscape, as in the MURAL paper's figures: the reward over a maze's
/// plane as a heat map, the walls, the start, the goal's success disc, and the states the
/// reward was learned from as dots.
public enum RewardMap {
    public static func chart(title: String, subtitle: String, plane: MazePlane, dots: [SIMD2<Double>],
                             dotsLabel: String) -> HeatMap {
        var chart = HeatMap(title: title, subtitle: subtitle, dotsLabel: dotsLabel)
        let layout = plane.layout
        chart.obstacles = layout.walls
        chart.markers = [HeatMap.Marker("start", at: layout.start, shape: .point),
                         HeatMap.Marker("goal", at: layout.goal, shape: .region(radius: layout.successRadius))]
        chart.dots = dots
        return chart
    }
}
