import Physics

/// A visual-only shape that shows a task's goal: a translucent target disc, or a ghost of the
/// goal pose of a door or valve. Markers are not in the world: they never collide, and
/// physics never sees them. Renderers draw them over the scene.
public struct GoalMarker: Hashable, Sendable {
    public var name: String
    public var shape: Shape
    public var position: Vector3
    public var orientation: Quaternion
    /// Linear RGB in [0, 1] and opacity.
    public var colour: SIMD3<Double>
    public var opacity: Double

    public init(name: String, shape: Shape, position: Vector3, orientation: Quaternion = .identity,
                colour: SIMD3<Double>, opacity: Double) {
        self.name = name
        self.shape = shape
        self.position = position
        self.orientation = orientation
        self.colour = colour
        self.opacity = opacity
    }

    /// The colour every task uses for its goal.
    static let goalColour = SIMD3<Double>(0.2, 0.75, 0.3)

    /// A flat disc of `radius` lying on the plane z = `height` (the success region of a
    /// position goal).
    static func disc(centre: SIMD2<Double>, radius: Double, height: Double) -> GoalMarker {
        GoalMarker(name: "goal", shape: .cylinder(radius: radius, length: 0.002),
                   position: SIMD3(centre.x, centre.y, height + 0.001), colour: goalColour, opacity: 0.45)
    }
}
