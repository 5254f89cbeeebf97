import Physics

/// How a primitive's surface looks.
public struct Appearance: Hashable, Sendable {
    public enum Pattern: Hashable, Sendable {
        case solid
        /// A checkerboard of `color` and `secondary` with square cells `cellSize` metres wide,
        /// laid out in the primitive's world x–y coordinates (meant for floors).
        case checker(secondary: Color, cellSize: Double)
    }

    public var color: Color
    public var pattern: Pattern

    public init(color: Color, pattern: Pattern = .solid) {
        self.color = color
        self.pattern = pattern
    }

    public static func solid(_ color: Color) -> Appearance { Appearance(color: color) }
}

/// One thing to draw: a shape at a pose with an appearance. Primitives are visual only;
/// a goal marker is just a primitive that has no counterpart in the physics world.
public struct Primitive: Hashable, Sendable {
    /// For diagnostics; the renderer ignores it.
    public var name: String
    /// For `.plane`, the plane equation is in world coordinates and the pose is ignored.
    public var shape: Shape
    public var position: Vector3
    public var orientation: Quaternion
    public var appearance: Appearance
    /// Whether it darkens what lies below it. Defaults to true for opaque primitives and
    /// false for translucent ones (goal markers should not look like solid objects).
    public var castsShadow: Bool

    public init(name: String = "", shape: Shape, position: Vector3 = .zero, orientation: Quaternion = .identity,
                appearance: Appearance, castsShadow: Bool? = nil) {
        self.name = name
        self.shape = shape
        self.position = position
        self.orientation = orientation
        self.appearance = appearance
        self.castsShadow = castsShadow ?? (appearance.color.alpha >= 1)
    }

    public init(name: String = "", shape: Shape, position: Vector3 = .zero, orientation: Quaternion = .identity,
                color: Color, castsShadow: Bool? = nil) {
        self.init(name: name, shape: shape, position: position, orientation: orientation,
                  appearance: .solid(color), castsShadow: castsShadow)
    }

    var isOpaque: Bool { appearance.color.alpha >= 1 }
}

/// One directional light plus ambient light.
public struct Lighting: Hashable, Sendable {
    /// The direction light travels in (from the light towards the scene); need not be unit length.
    public var direction: Vector3
    /// Light reaching surfaces that face away from the light or lie in shadow.
    public var ambient: Float
    /// Extra light on a surface facing the light squarely.
    public var diffuse: Float

    public init(direction: Vector3 = Vector3(0.35, 0.45, -1), ambient: Float = 0.5, diffuse: Float = 0.6) {
        self.direction = direction
        self.ambient = ambient
        self.diffuse = diffuse
    }

    public static let standard = Lighting()
}

/// Everything drawn in one frame, independent of any physics world.
public struct Scene: Hashable, Sendable {
    public var primitives: [Primitive]
    public var lighting: Lighting
    /// Sky colours at the top of the image and at the horizon.
    public var skyTop: Color
    public var skyHorizon: Color

    public init(primitives: [Primitive] = [], lighting: Lighting = .standard,
                skyTop: Color = Color(hex: 0xA9BCD0), skyHorizon: Color = Color(hex: 0xE6EAEE)) {
        self.primitives = primitives
        self.lighting = lighting
        self.skyTop = skyTop
        self.skyHorizon = skyHorizon
    }
}
