import Foundation
import Testing
@testable import TaskSuite

/// The text of a shipped task file, from the directory the registry reads.
private func source(_ id: String) throws -> String {
    try String(contentsOf: TaskLocator.tasksDirectory().appendingPathComponent("\(id).yaml"), encoding: .utf8)
}

/// Parses `text` (as file "edited.yaml") and builds the environment, returning the error.
private func definitionError(_ text: String) -> TaskDefinitionError? {
    do {
        _ = try TaskRegistry.makeEnvironment(try TaskDefinition.parse(text, file: "edited.yaml"))
        return nil
    } catch let error as TaskDefinitionError {
        return error
    } catch {
        Issue.record("unexpected error \(error)")
        return nil
    }
}

/// Replaces exactly one occurrence, so a test cannot silently edit nothing.
private func edit(_ text: String, _ old: String, _ new: String) -> String {
    precondition(text.components(separatedBy: old).count == 2, "'\(old)' must occur once")
    return text.replacingOccurrences(of: old, with: new)
}

@Suite("Task definitions are data")
struct TaskDefinitionTests {
    @Test func registryFindsEveryTask() {
        #expect(registry.ids == allTaskIDs)
    }

    @Test func unknownKeysAreErrorsNamingFileAndKey() throws {
        let text = try source("pusher-v1")
        let top = definitionError(text + "\nsurprise: 1\n")
        #expect(top?.file == "edited.yaml" && top?.key == "surprise")
        let nested = definitionError(edit(text, "  success_radius: 0.03", "  success_radius: 0.03\n  sucess_radius: 0.05"))
        #expect(nested?.key == "pusher.sucess_radius")
        let deep = definitionError(edit(text, "mass: 0.1,", "mass: 0.1, colour: 3,"))
        #expect(deep?.key == "pusher.puck.colour")
        #expect(deep?.description.contains("edited.yaml") == true)
        #expect(deep?.description.contains("pusher.puck.colour") == true)
    }

    @Test func badValuesAreErrorsNamingTheKey() throws {
        let text = try source("door-v1")
        #expect(definitionError(edit(text, "horizon: 100", "horizon: -5"))?.key == "timing.horizon")
        #expect(definitionError(edit(text, "horizon: 100", "horizon: many"))?.key == "timing.horizon")
        #expect(definitionError(edit(text, "mass: 1.0", "mass: 0"))?.key == "door.mass")
        #expect(definitionError(edit(text, "angle_range: [0, 0.83]", "angle_range: [0.83, 0]"))?.key == "door.angle_range")
        #expect(definitionError(edit(text, "door: [0.55, 0.35, 0.2]", "door: [1.5, 0.35, 0.2]"))?.key == "render.colours.door")
        #expect(definitionError(edit(text, "success_angle: 0.78", "success_angle: 0.95"))?.key == "door.example_angles")
        #expect(definitionError(edit(text, "version: 1", "version: 2"))?.key == "id")
        #expect(definitionError(edit(text, "family: door", "family: drawer"))?.key == "family")
        #expect(definitionError(edit(text, "summary:", "sumary:"))?.key == "summary")
        let spiral = try source("maze-spiral-v3")
        #expect(definitionError(edit(spiral, "dense_success_bonus: 1", "dense_success_bonus: -1"))?.key == "dense_success_bonus")
        #expect(definitionError(edit(spiral, "dense_success_bonus: 1", "dense_success_bonus: lots"))?.key == "dense_success_bonus")
        #expect(definitionError(edit(spiral, "dense_success_bonus: 1", "dense_success_bonus: 101"))?.key == "dense_success_bonus")
    }

    @Test("the success bonus is one optional top-level key for every family: 0 when absent, refused inside a family's section")
    func denseSuccessBonusIsCommon() throws {
        let shipped = ["door-v1": 0.0, "hand-valve-v3": 1, "maze-spiral-v3": 1, "maze-zigzag-v1": 0, "pusher-v1": 1]
        for (id, bonus) in shipped {
            #expect(try registry.definition(id).denseSuccessBonus == bonus, "\(id)'s bonus")
        }
        let valve = try source("hand-valve-v3")
        let withoutBonus = try TaskDefinition.parse(edit(valve, "dense_success_bonus: 1\n", ""), file: "edited.yaml")
        #expect(withoutBonus.denseSuccessBonus == 0, "absent means no bonus")
        let inSection = edit(valve, "dense_success_bonus: 1\n", "").replacingOccurrences(
            of: "  target_angle:", with: "  dense_success_bonus: 1\n  target_angle:")
        #expect(definitionError(inSection)?.key == "hand_valve.dense_success_bonus", "the family section has no such key")
    }

    @Test func missingKeysAndMalformedYAMLAreErrors() throws {
        let text = try source("maze-zigzag-v1")
        #expect(definitionError(edit(text, "  goal: [3, 3]\n", ""))?.key == "maze.goal")
        #expect(definitionError("id: [unclosed")?.file == "edited.yaml")
        #expect(definitionError("")?.message.contains("empty") == true)
    }

    @Test("collections nested past the limit are an error, not a stack overflow in the parser (found by fuzzing)")
    func deepNestingIsRefused() throws {
        let deep = [
            String(repeating: "{a: ", count: 100_000),  // flow mappings, as the fuzzer found
            String(repeating: "[", count: 100_000),
            String(repeating: "- ", count: 50_000) + "x",  // block sequences on one line
            (0..<2_000).map { String(repeating: " ", count: $0) + "k:" }.joined(separator: "\n") + " 1",
        ]
        for text in deep {
            #expect(throws: TaskDefinitionError(file: "deep.yaml", key: "",
                                                message: "collections are nested more than 64 levels deep")) {
                _ = try TaskDefinition.parse(text, file: "deep.yaml")
            }
        }
        // At the limit the file is read, and fails only for what it says.
        let atLimit = "id: " + String(repeating: "[", count: 63) + String(repeating: "]", count: 63)
        #expect { _ = try TaskDefinition.parse(atLimit, file: "limit.yaml") } throws: { error in
            (error as? TaskDefinitionError).map { $0.key == "id" } ?? false
        }
    }

    @Test func coloursMustNameGeomsAndCoverEveryGeom() throws {
        let text = try source("pusher-v1")
        #expect(definitionError(edit(text, "    hand: [0.8, 0.8, 0.82]", "    hand: [0.8, 0.8, 0.82]\n    hnd: [0, 0, 0]"))?.key
                == "render.colours.hnd")
        let uncoloured = definitionError(edit(text, "    hand: [0.8, 0.8, 0.82]\n", ""))
        #expect(uncoloured?.key == "render.colours")
        #expect(uncoloured?.message.contains("'hand'") == true)
    }

    @Test func mazeSettingsThatWouldLetTheBallTunnelAreRejected() throws {
        let text = try source("maze-zigzag-v1")
        let error = definitionError(edit(text, "substeps: 4", "substeps: 1"))
        #expect(error?.key == "timing.substeps")
        #expect(error?.message.contains("tunnel") == true)
    }

    @Test func editingTheFileChangesTheTask() throws {
        let text = edit(try source("maze-zigzag-v1"), "goal: [3, 3]", "goal: [-3, 3]")
        let env = try TaskRegistry.makeEnvironment(try TaskDefinition.parse(text, file: "moved-goal.yaml"))
        #expect(env.isSuccess([-3, 3, 0, 0]))
        #expect(!env.isSuccess([3, 3, 0, 0]))
        let definition = try registry.definition("maze-zigzag-v1")
        #expect(definition.render.colour(forGeom: "wall_1") == SIMD3(0.35, 0.35, 0.4))
        #expect(definition.render.colour(forGeom: "outer_wall_2") == SIMD3(0.25, 0.25, 0.3))
        #expect(definition.render.camera.fovDegrees == 45)
    }

    @Test func unknownTaskIDListsTheValidOnes() {
        #expect(throws: UnknownTaskError(id: "maze-v0", validIDs: allTaskIDs)) { try registry.makeEnvironment("maze-v0") }
        let message = UnknownTaskError(id: "x", validIDs: allTaskIDs).description
        #expect(allTaskIDs.allSatisfy { message.contains($0) })
    }

    @Test func locatorHonoursTheEnvironmentVariableThenSearchesUpward() throws {
        let tasks = repositoryRoot.appendingPathComponent("Tasks")
        let explicit = try TaskLocator.tasksDirectory(environment: ["MURAL_TASKS_DIR": tasks.path])
        #expect(explicit.standardizedFileURL.path == tasks.standardizedFileURL.path)
        #expect(throws: TaskLocationError.self) {
            try TaskLocator.tasksDirectory(environment: ["MURAL_TASKS_DIR": "/nonexistent/tasks"])
        }
        let deep = repositoryRoot.appendingPathComponent("Sources/TaskSuite")
        #expect(TaskLocator.searchUpward(from: deep)?.standardizedFileURL.path == tasks.standardizedFileURL.path)
        #expect(TaskLocator.searchUpward(from: URL(fileURLWithPath: "/proc/self")) == nil)
    }

    @Test func filesMustBeNamedAfterTheirID() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mural-tasks-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try source("door-v1").write(to: dir.appendingPathComponent("door.yaml"), atomically: true, encoding: .utf8)
        #expect(throws: TaskDefinitionError.self) { try TaskRegistry(directory: dir) }
    }
}
