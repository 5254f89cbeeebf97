import Foundation
@testable import MuralCLI
import Render
import Testing

@Suite struct BenchRenderCommandTests {
    @Test func writesASampleFrameOfEveryTask() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mural-bench-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let command = try BenchRenderCommand.parse(
            ["--frames", "1", "--warm-up", "0", "--width", "24", "--height", "18", "--json", "--output", directory])
        try command.run()
        for task in ["maze-zigzag-v1", "maze-spiral-v1", "pusher-v1", "door-v1", "hand-valve-v1"] {
            let image = try PNG.read(from: "\(directory)/bench-\(task).png")
            #expect(image.width == 24 && image.height == 18)
        }
    }

    /// The error names the directory; ArgumentParser turns it into a non-zero exit status.
    @Test func unwritableOutputDirectoryFailsNamingIt() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("mural-bench-file-\(getpid())").path
        _ = FileManager.default.createFile(atPath: file, contents: Data([0]))
        defer { try? FileManager.default.removeItem(atPath: file) }
        let command = try BenchRenderCommand.parse(["--frames", "1", "--output", "\(file)/frames"])
        #expect(throws: RenderError.cannotWrite(path: "\(file)/frames", reason: "Not a directory")) { try command.run() }
    }

    @Test func badCameraIsRejectedNamingTheValue() {
        do {
            _ = try BenchRenderCommand.parse(["--camera", "orbit:45,30:0,0,0"])
            Issue.record("a camera with two numbers should not parse")
        } catch {
            #expect(BenchRenderCommand.message(for: error).contains("'45,30'"))
        }
    }
}
