import Physics
import Render
import TaskSuite

/// How a task looks: its colours and default camera come from its definition in `Tasks/`,
/// its goal markers from the task itself.
public struct TaskAppearance {
    public let style: Style
    public let camera: Camera
    private let markers: [Primitive]

    public init(_ environment: TaskEnvironment) {
        let render = environment.definition.render
        var colours: [String: Color] = [:]
        for geom in environment.world.geoms {
            if let c = render.colour(forGeom: geom.name) {
                colours[geom.name] = Color(red: Float(c.x), green: Float(c.y), blue: Float(c.z))
            }
        }
        style = Style(colors: colours)
        let c = render.camera
        camera = .lookAt(eye: c.eye, target: c.target, up: c.up, verticalFOV: c.fovDegrees)
        markers = environment.goalMarkers().map {
            Primitive(name: $0.name, shape: $0.shape, position: $0.position, orientation: $0.orientation,
                      color: Color(red: Float($0.colour.x), green: Float($0.colour.y), blue: Float($0.colour.z),
                                   alpha: Float($0.opacity)))
        }
    }

    /// The environment's current state as a scene to render, goal markers included.
    public func scene(_ environment: TaskEnvironment) -> Scene {
        Scene(world: environment.world, style: style, overlays: markers)
    }
}
