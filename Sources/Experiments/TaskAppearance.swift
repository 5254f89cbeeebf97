import Physics
import Render
import TaskSuite

/// How a task looks: its colours, default camera and scenery (a floor, props) come from its
/// definition in `Tasks/`, its goal markers from the task itself.
public struct TaskAppearance {
    public let style: Style
    public let camera: Camera
    /// Visual-only primitives drawn over the world: floor, props, then goal markers.
    public let overlays: [Primitive]

    public init(_ environment: TaskEnvironment) {
        let render = environment.definition.render
        var colours: [String: Color] = [:]
        for geom in environment.world.geoms {
            if let c = render.colour(forGeom: geom.name) { colours[geom.name] = Self.color(c) }
        }
        style = Style(colors: colours)
        let c = render.camera
        camera = .lookAt(eye: c.eye, target: c.target, up: c.up, verticalFOV: c.fovDegrees)

        var overlays: [Primitive] = []
        if let floor = render.floor {
            // Style's floor colours with the task's cell size: maze units and metres differ.
            let base = Style.defaultFloor
            var pattern = base.pattern
            if case .checker(let secondary, _) = base.pattern { pattern = .checker(secondary: secondary, cellSize: floor.cellSize) }
            overlays.append(Primitive(name: "floor", shape: .plane(normal: Vector3(0, 0, 1), offset: floor.height),
                                      appearance: Appearance(color: base.color, pattern: pattern)))
        }
        for prop in render.props {
            overlays.append(Primitive(name: prop.name, shape: .box(size: prop.size), position: prop.centre,
                                      color: Self.color(prop.colour)))
        }
        for marker in environment.goalMarkers() {
            overlays.append(Primitive(name: marker.name, shape: marker.shape, position: marker.position,
                                      orientation: marker.orientation,
                                      color: Self.color(marker.colour, alpha: marker.opacity)))
        }
        self.overlays = overlays
    }

    /// The environment's current state as a scene to render, scenery and goal markers included.
    public func scene(_ environment: TaskEnvironment) -> Scene {
        Scene(world: environment.world, style: style, overlays: overlays)
    }

    private static func color(_ rgb: SIMD3<Double>, alpha: Double = 1) -> Color {
        Color(red: Float(rgb.x), green: Float(rgb.y), blue: Float(rgb.z), alpha: Float(alpha))
    }
}
