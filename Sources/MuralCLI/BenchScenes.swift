import Foundation
import Physics
import Render

/// Stand-ins for the door and pusher tasks, built directly from `Physics` with the same
/// kinds and numbers of geoms, so the render benchmark measures realistic frames until the
/// real task scenes replace them.
struct BenchScene {
    let name: String
    let world: World
    let style: Style
    let camera: Camera
    /// Visual-only goal markers drawn over the world.
    let overlays: [Primitive]
    /// Moves the scripted parts for frame `frame`; called before each physics step.
    let drive: (Int) throws -> Void

    static func all() throws -> [BenchScene] { [try door(), try pusher()] }

    /// A table with legs, a door frame post, a hinged door panel with a hook handle, and a
    /// spherical end effector; a ghost panel marks the goal angle.
    static func door() throws -> BenchScene {
        let world = try World(seed: 1)
        try addTable(world)
        let top = tableHeight
        try world.addGeom(named: "frame", shape: .box(size: Vector3(0.04, 0.04, 0.5)),
                          offset: Vector3(0.3, 0.05, top + 0.25))
        let hingeX = 0.28, panelWidth = 0.4
        let panel = try world.addBody(named: "door", at: Vector3(hingeX - panelWidth / 2, 0.05, top + 0.25),
                                      massFrom: .box(size: Vector3(panelWidth, 0.03, 0.45)), density: 300)
        try world.addGeom(named: "door-panel", shape: .box(size: Vector3(panelWidth, 0.03, 0.45)), body: panel)
        try world.addGeom(named: "door-hook", shape: .capsule(radius: 0.012, length: 0.12), body: panel,
                          offset: Vector3(-0.15, -0.05, 0.02))
        let hinge = try world.addHinge(named: "door-hinge", panel, anchor: Vector3(hingeX, 0.05, top + 0.25),
                                       axis: Vector3(0, 0, 1), limits: -1.6...0)
        let effector = try world.addKinematicBody(named: "hand", at: Vector3(-0.05, -0.25, top + 0.3))
        try world.addGeom(named: "hand-tip", shape: .sphere(radius: 0.035), body: effector)
        try hinge.setMotor(velocity: -0.6, maxForce: 4)

        let goalAngle = -0.8
        let ghost = Primitive(
            name: "goal-door", shape: .box(size: Vector3(panelWidth, 0.03, 0.45)),
            position: Vector3(hingeX - cos(goalAngle) * panelWidth / 2, 0.05 - sin(goalAngle) * panelWidth / 2,
                              top + 0.25),
            orientation: Quaternion(axis: Vector3(0, 0, 1), angle: goalAngle),
            color: Color(hex: 0x55A868, alpha: 0.35))
        let style = Style(colors: [
            "door-panel": Color(hex: 0xB07A4F), "door-hook": Color(hex: 0x4A4A4A), "frame": Color(hex: 0x8C6D52),
            "hand-tip": Color(hex: 0xC44E52),
        ].merging(tableColors) { a, _ in a })
        return BenchScene(
            name: "door", world: world, style: style,
            camera: .orbit(target: Vector3(0.05, 0.0, top + 0.15), azimuth: -60, elevation: 28, distance: 1.5),
            overlays: [ghost],
            drive: { frame in
                let t = Double(frame) * 0.05
                try effector.setLinearVelocity(Vector3(0.1 * cos(t), 0.12 * sin(t), 0.05 * cos(2 * t)))
            })
    }

    /// A table with legs, a puck, and a spherical end effector pushing it towards a
    /// translucent goal disc.
    static func pusher() throws -> BenchScene {
        let world = try World(seed: 2)
        try addTable(world)
        let top = tableHeight
        let puck = try world.addBody(named: "puck", at: Vector3(-0.1, 0, top + 0.016),
                                     massFrom: .cylinder(radius: 0.04, length: 0.03), density: 800)
        try world.addGeom(named: "puck-geom", shape: .cylinder(radius: 0.04, length: 0.03), body: puck,
                          material: Material(friction: 0.4))
        let effector = try world.addKinematicBody(named: "hand", at: Vector3(-0.2, 0, top + 0.035))
        try world.addGeom(named: "hand-tip", shape: .sphere(radius: 0.03), body: effector)
        try world.addGeom(named: "hand-arm", shape: .capsule(radius: 0.015, length: 0.25), body: effector,
                          offset: Vector3(0, 0, 0.15))
        let goal = Primitive(
            name: "goal", shape: .cylinder(radius: 0.05, length: 0.002), position: Vector3(0.2, 0.08, top + 0.001),
            color: Color(hex: 0x55A868, alpha: 0.45))
        let style = Style(colors: [
            "puck-geom": Color(hex: 0x4C72B0), "hand-tip": Color(hex: 0xC44E52), "hand-arm": Color(hex: 0x6B6B6B),
        ].merging(tableColors) { a, _ in a })
        return BenchScene(
            name: "pusher", world: world, style: style,
            camera: .orbit(target: Vector3(0.02, 0.02, top), azimuth: -110, elevation: 35, distance: 1.1),
            overlays: [goal],
            drive: { frame in
                let phase = Double(frame % 200) / 200
                try effector.setLinearVelocity(Vector3(phase < 0.5 ? 0.25 : -0.25, 0.06 * sin(phase * 2 * .pi), 0))
            })
    }

    static let tableHeight = 0.4

    static let tableColors: [String: Color] = [
        "table-top": Color(hex: 0xCFC6B8),
        "table-leg-0": Color(hex: 0x7A6E62), "table-leg-1": Color(hex: 0x7A6E62),
        "table-leg-2": Color(hex: 0x7A6E62), "table-leg-3": Color(hex: 0x7A6E62),
    ]

    /// A floor, and a 1.2 m × 0.8 m table whose top surface is at `tableHeight`.
    private static func addTable(_ world: World) throws {
        try world.addGeom(named: "floor", shape: .plane(normal: Vector3(0, 0, 1), offset: 0))
        let thickness = 0.04
        try world.addGeom(named: "table-top", shape: .box(size: Vector3(1.2, 0.8, thickness)),
                          offset: Vector3(0, 0, tableHeight - thickness / 2))
        let legLength = tableHeight - thickness
        for (i, (sx, sy)) in [(-1.0, -1.0), (1, -1), (1, 1), (-1, 1)].enumerated() {
            try world.addGeom(named: "table-leg-\(i)", shape: .cylinder(radius: 0.025, length: legLength),
                              offset: Vector3(sx * 0.54, sy * 0.34, legLength / 2))
        }
    }

    /// The scene to draw now.
    func scene() -> Scene { Scene(world: world, style: style, overlays: overlays) }
}
