import Foundation
@testable import MuralCLI
import Render
import TaskSuite
import Testing

@Suite struct RenderCommandTests {
    /// A file where the output directory should be: the error names the path, and
    /// ArgumentParser turns it into a non-zero exit status.
    @Test func unwritableOutputDirectoryFailsNamingIt() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("mural-render-file-\(getpid())").path
        _ = FileManager.default.createFile(atPath: file, contents: Data([0]))
        defer { try? FileManager.default.removeItem(atPath: file) }
        let output = "\(file)/door"
        let command = try RenderCommand.parse(["--task", "door-v1", "--out", output, "--width", "8", "--height", "6"])
        do {
            try command.run()
            Issue.record("rendering into \(output) should fail")
        } catch {
            #expect(error as? RenderError == .cannotWrite(path: output, reason: "Not a directory"))
            #expect(RenderCommand.message(for: error).contains(output))
            #expect(RenderCommand.exitCode(for: error) != .success)
        }
    }

    /// Two frames of a tiny image: the files `mural render` promises, named as documented.
    @Test func writesNumberedFramesSheetAndGIF() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mural-render-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let command = try RenderCommand.parse(
            ["--task", "pusher-v1", "--policy", "random", "--out", directory, "--width", "16", "--height", "12",
             "--every", "100"])
        try command.run()
        // Steps 0 and 100 (the last) are recorded.
        for name in ["frame_0000.png", "frame_0001.png", "sheet.png", "episode.gif"] {
            #expect(FileManager.default.fileExists(atPath: "\(directory)/\(name)"), "\(name) missing")
        }
        #expect(!FileManager.default.fileExists(atPath: "\(directory)/frame_0002.png"))
        #expect(try PNG.read(from: "\(directory)/frame_0000.png").width == 16)
    }

    /// `render --seed S` replays `evaluate --seed S` episode by episode. The random policy
    /// draws from its own seed, so swapping the policy and environment seeds shows up here.
    @Test func renderReplaysTheEpisodesOfEvaluate() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mural-render-replay-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let command = try RenderCommand.parse(
            ["--task", "maze-zigzag-v1", "--policy", "random", "--seed", "3", "--episodes", "2", "--out", directory,
             "--width", "8", "--height", "6", "--every", "1000"])
        let rendered = try command.render()
        let environment = try TaskRegistry.located().makeEnvironment("maze-zigzag-v1")
        let evaluated = try Evaluator.outcomes(environment, episodes: 2, seed: 3, makeActor: PolicyChoice.reference(.random).makeActor)
        #expect(rendered.count == 2)
        #expect(rendered == evaluated)
        #expect(rendered[0].finalObservation != rendered[1].finalObservation)
    }

    /// `--camera` (shared by `render` and `bench render`) names a bad value.
    @Test func badCameraIsRejectedNamingTheValue() {
        do {
            _ = try BenchRenderCommand.parse(["--camera", "orbit:45,30:0,0,0"])
            Issue.record("a camera with two numbers should not parse")
        } catch {
            #expect(BenchRenderCommand.message(for: error).contains("'45,30'"))
        }
    }
}
