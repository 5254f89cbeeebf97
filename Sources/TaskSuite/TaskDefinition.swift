import Foundation
import Physics

/// Simulation timing of a task.
public struct TaskTiming: Hashable, Sendable {
    /// Seconds per physics step.
    public var physicsTimestep: Double
    /// Physics steps per control step.
    public var substeps: Int
    /// Control steps per episode.
    public var horizon: Int
    public var controlTimestep: Double { physicsTimestep * Double(substeps) }
}

/// The physics solver settings a task runs with.
public struct SolverSettings: Hashable, Sendable {
    public var iterations: Int
    public var erp: Double
    public var contactSurfaceLayer: Double
    public var maxCorrectingVelocity: Double
}

/// A default camera for renderers, as look-at parameters.
public struct CameraDefinition: Hashable, Sendable {
    public var eye: SIMD3<Double>
    public var target: SIMD3<Double>
    public var up: SIMD3<Double>
    public var fovDegrees: Double
}

/// A ground plane that renderers draw under a task to catch shadows. Visual only: physics
/// never sees it, so it can be added to a task that has no floor without changing the task.
public struct FloorDefinition: Hashable, Sendable {
    /// The plane's height (z).
    public var height: Double
    /// Side of the floor's checker squares, in the task's length unit.
    public var cellSize: Double
}

/// A box drawn with a task as scenery (table legs, a door frame). Visual only, like the floor.
public struct PropDefinition: Hashable, Sendable {
    public var name: String
    public var centre: SIMD3<Double>
    public var size: SIMD3<Double>
    public var colour: SIMD3<Double>
}

/// How renderers draw a task: a camera, an RGB colour (components in [0, 1]) per geom, and
/// optional visual-only scenery (a floor and props).
public struct RenderDefinition: Hashable, Sendable {
    public var camera: CameraDefinition
    public var floor: FloorDefinition?
    public var props: [PropDefinition]
    /// Keys are geom names, or prefixes ending in `*` (e.g. "wall_*") that colour every geom
    /// whose name starts with the prefix. Exact names win over prefixes.
    public var colours: [String: SIMD3<Double>]

    /// The colour of a geom, or nil when the definition gives none.
    public func colour(forGeom name: String) -> SIMD3<Double>? {
        if let c = colours[name] { return c }
        let prefixes = colours.keys.filter { $0.hasSuffix("*") && name.hasPrefix($0.dropLast()) }
        // The longest prefix is the most specific.
        return prefixes.max { $0.count < $1.count }.flatMap { colours[$0] }
    }
}

/// A task, as read from `Tasks/<id>.yaml`: common settings plus the family's own parameters.
public struct TaskDefinition: Sendable {
    public enum Family: String, Sendable, CaseIterable { case maze, pusher, door, handValve = "hand-valve" }

    public var id: String
    public var version: Int
    public var family: Family
    public var summary: String
    /// The file the definition was read from (for error messages).
    public var file: String
    public var timing: TaskTiming
    public var solver: SolverSettings
    public var render: RenderDefinition
    /// Added to the dense oracle while the state is a success (`dense_success_bonus`, 0 when the
    /// file names none): the families' shaping terms barely tell the goal from the states just
    /// outside it, and an oracle policy may settle there.
    public var denseSuccessBonus: Double
    var parameters: TaskParameters

    /// The task's success rule in words, for listings.
    public var successRule: String { parameters.successRule }

    /// Reads and checks a task definition file.
    public static func load(contentsOf url: URL) throws -> TaskDefinition {
        let file = url.path
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw TaskDefinitionError(file: file, key: "", message: "cannot read: \(error.localizedDescription)")
        }
        return try parse(text, file: file)
    }

    /// Parses a task definition; `file` names it in errors.
    public static func parse(_ text: String, file: String) throws -> TaskDefinition {
        let root = try YAMLTable.parse(text, file: file)
        let id = try root.string("id")
        let version = try root.int("version", in: 1...Int.max)
        guard id.hasSuffix("-v\(version)") else {
            throw root.error("id", "must end in '-v\(version)' to match 'version', got '\(id)'")
        }
        let familyName = try root.string("family")
        guard let family = Family(rawValue: familyName) else {
            throw root.error("family", "unknown family '\(familyName)'; known: "
                                 + Family.allCases.map(\.rawValue).joined(separator: ", "))
        }
        let summary = try root.string("summary")

        let t = try root.table("timing")
        let timing = TaskTiming(physicsTimestep: try t.positive("physics_timestep"),
                                substeps: try t.int("substeps", in: 1...1000),
                                horizon: try t.int("horizon", in: 1...1_000_000))
        try t.finish()

        let s = try root.table("solver")
        let solver = SolverSettings(iterations: try s.int("iterations", in: 1...10_000),
                                    erp: try s.double("erp", in: 0...1),
                                    contactSurfaceLayer: try s.double("contact_surface_layer", in: 0...1),
                                    maxCorrectingVelocity: try s.positive("max_correcting_velocity"))
        try s.finish()

        let render = try parseRender(try root.table("render"))
        let denseSuccessBonus = root.has("dense_success_bonus") ? try root.double("dense_success_bonus", in: 0...100) : 0

        let parameters: TaskParameters
        switch family {
        case .maze: parameters = .maze(try MazeParameters(try root.table("maze")))
        case .pusher: parameters = .pusher(try PusherParameters(try root.table("pusher")))
        case .door: parameters = .door(try DoorParameters(try root.table("door")))
        case .handValve: parameters = .handValve(try HandValveParameters(try root.table("hand_valve")))
        }
        try root.finish()
        return TaskDefinition(id: id, version: version, family: family, summary: summary, file: file,
                              timing: timing, solver: solver, render: render, denseSuccessBonus: denseSuccessBonus,
                              parameters: parameters)
    }

    private static func parseRender(_ r: YAMLTable) throws -> RenderDefinition {
        let c = try r.table("camera")
        let camera = CameraDefinition(eye: try c.vector3("eye"), target: try c.vector3("target"),
                                      up: try c.vector3("up"), fovDegrees: try c.double("fov_degrees", in: 1...179))
        try c.finish()
        guard norm(camera.eye - camera.target) > 0 else { throw c.error("target", "must differ from 'eye'") }
        guard norm(camera.up) > 0 else { throw c.error("up", "must be non-zero") }
        var floor: FloorDefinition?
        if r.has("floor") {
            let f = try r.table("floor")
            floor = FloorDefinition(height: try f.double("height"), cellSize: try f.positive("cell_size"))
            try f.finish()
        }
        var props: [PropDefinition] = []
        if r.has("props") {
            for p in try r.tables("props") {
                let size = try p.vector3("size")
                guard size.x > 0, size.y > 0, size.z > 0 else { throw p.error("size", "must be positive, got \(size)") }
                props.append(PropDefinition(name: try p.string("name"), centre: try p.vector3("centre"), size: size,
                                            colour: try rgb(p, "colour")))
                try p.finish()
            }
        }
        let colourTable = try r.table("colours")
        var colours: [String: SIMD3<Double>] = [:]
        for key in colourTable.keys {
            colours[key] = try rgb(colourTable, key)
        }
        try colourTable.finish()
        try r.finish()
        return RenderDefinition(camera: camera, floor: floor, props: props, colours: colours)
    }

    private static func rgb(_ table: YAMLTable, _ key: String) throws -> SIMD3<Double> {
        let rgb = try table.vector3(key)
        guard (0...1).contains(rgb.x), (0...1).contains(rgb.y), (0...1).contains(rgb.z) else {
            throw table.error(key, "RGB components must be in [0, 1], got \(rgb)")
        }
        return rgb
    }

    /// The world configuration the task's scene is built with.
    func worldConfiguration(gravity: SIMD3<Double>) -> WorldConfiguration {
        var c = WorldConfiguration()
        c.gravity = gravity
        c.timestep = timing.physicsTimestep
        c.solver = .quickStep(iterations: solver.iterations)
        c.erp = solver.erp
        c.contactSurfaceLayer = solver.contactSurfaceLayer
        c.maxCorrectingVelocity = solver.maxCorrectingVelocity
        return c
    }
}

/// The family-specific part of a task definition.
enum TaskParameters: Sendable {
    case maze(MazeParameters)
    case pusher(PusherParameters)
    case door(DoorParameters)
    case handValve(HandValveParameters)

    var successRule: String {
        switch self {
        case .maze(let p): return "‖ball − goal‖ < \(p.successRadius)"
        case .pusher(let p): return "‖puck − goal‖ < \(p.successRadius) m"
        case .door(let p): return "door angle ≥ \(p.successAngle) rad"
        case .handValve(let p): return "|valve angle − \(p.targetAngle)| < \(p.successTolerance) rad"
        }
    }
}

/// The Euclidean norm of a 2- or 3-vector.
@inline(__always) func norm<V: SIMD>(_ v: V) -> Double where V.Scalar == Double { (v * v).sum().squareRoot() }
