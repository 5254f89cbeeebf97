import Physics

/// A task whose state of interest is a point moving on a plane among walls, seen from above:
/// what pictures and analyses of the plane (reward maps) need, published by the task itself so
/// that they cannot drift from the simulation.
public struct PlanarLayout: Hashable, Sendable {
    /// Where the point can be: the bounds of its x and y in the observation spec.
    public var bounds: Rectangle
    /// Every wall, inner ones first, as the rectangles their boxes occupy.
    public var walls: [Rectangle]
    /// Where a reset puts the point (before any start jitter).
    public var start: SIMD2<Double>
    public var goal: SIMD2<Double>
    /// The point succeeds within this distance of `goal`.
    public var successRadius: Double
    /// Where the point's x and y sit in the observation.
    public var observationIndices: SIMD2<Int>
    /// Where the point's x and y sit in the classifier features.
    public var featureIndices: SIMD2<Int>
}

extension TaskDefinition.Family {
    /// The metric (a key of `StepInfo.metrics`) that says how far a state is from the goal: the
    /// maze's distance along the maze, the puck's distance, the door's angle still to open, the
    /// valve's angle error.
    public var goalMetric: String {
        switch self {
        case .maze: return "geodesic_distance"
        case .pusher: return "puck_distance"
        case .door: return "angle_to_success"
        case .handValve: return "angle_error"
        }
    }
}
