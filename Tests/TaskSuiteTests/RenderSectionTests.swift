import Foundation
import Testing
@testable import TaskSuite

/// The `render:` section's visual-only scenery: read strictly, like every other key.
@Suite("Render sections")
struct RenderSectionTests {
    private static func text(_ id: String) throws -> String {
        try String(contentsOf: repositoryRoot.appendingPathComponent("Tasks/\(id).yaml"), encoding: .utf8)
    }

    /// The error of parsing `text` with `old` replaced by `new` (which must occur once).
    private static func error(_ text: String, _ old: String, _ new: String) -> TaskDefinitionError? {
        precondition(text.components(separatedBy: old).count == 2, "'\(old)' must occur once")
        do {
            _ = try TaskDefinition.parse(text.replacingOccurrences(of: old, with: new), file: "edited.yaml")
            return nil
        } catch {
            return error as? TaskDefinitionError
        }
    }

    @Test func floorsAndPropsAreRead() throws {
        let door = try registry.definition("door-v1").render
        #expect(door.floor == FloorDefinition(height: 0, cellSize: 0.1))
        #expect(door.props.map(\.name) == ["frame_hinge_side", "frame_latch_side", "frame_top"])
        #expect(try registry.definition("pusher-v1").render.props.count == 4)
        #expect(try registry.definition("maze-spiral-v3").render.floor?.height == -0.15)
    }

    @Test func badSceneryIsAnErrorNamingFileAndKey() throws {
        let door = try Self.text("door-v1")
        let unknown = Self.error(door, "floor: {height: 0, cell_size: 0.1}", "floor: {height: 0, cell_size: 0.1, tint: 1}")
        #expect(unknown?.key == "render.floor.tint")
        #expect(unknown?.description.contains("edited.yaml") == true)
        #expect(Self.error(door, "cell_size: 0.1", "cell_size: 0")?.key == "render.floor.cell_size")
        #expect(Self.error(door, "size: [0.38, 0.04, 0.03]", "size: [0.38, 0, 0.03]")?.key == "render.props[2].size")
        #expect(Self.error(door, "size: [0.38, 0.04, 0.03], colour: [0.45, 0.42, 0.4]",
                           "size: [0.38, 0.04, 0.03], colour: [0.45, 0.42, 4]")?.key == "render.props[2].colour")
        #expect(Self.error(door, "name: frame_top,", "name: frame_top, mass: 1,")?.key == "render.props[2].mass")
    }

    @Test func sceneryIsOptional() throws {
        let maze = try Self.text("maze-zigzag-v1")
        let floorLine = "  floor: {height: -0.15, cell_size: 1}\n"
        let bare = try TaskDefinition.parse(maze.replacingOccurrences(of: floorLine, with: ""), file: "bare.yaml")
        #expect(bare.render.floor == nil && bare.render.props.isEmpty)
    }
}
