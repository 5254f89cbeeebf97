import Foundation
import Physics
import Render
import Testing

@Suite struct EpisodeRecorderTests {
    /// A ball dropped on the floor, recorded for a few steps: frames, GIF and contact sheet.
    @Test func recordsFramesGIFAndContactSheet() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mural-episode-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let world = try World()
        try world.addGeom(named: "floor", shape: .plane(normal: Vector3(0, 0, 1), offset: 0))
        let ball = try world.addBody(named: "ball", at: Vector3(0, 0, 0.3), massFrom: .sphere(radius: 0.05))
        try world.addGeom(named: "ball-geom", shape: .sphere(radius: 0.05), body: ball)
        let camera = Camera.orbit(target: Vector3(0, 0, 0.1), azimuth: -90, elevation: 20, distance: 0.8)

        let recorder = try EpisodeRecorder(directory: directory, width: 32, height: 24)
        recorder.contactSheetTiles = 4
        for step in 0..<6 {
            try recorder.record(Scene(world: world), camera: camera, step: step, success: ball.position.z < 0.1)
            try world.step(count: 5)
        }
        let output = try recorder.finish()
        #expect(output.frameCount == 6)
        for step in 0..<6 {
            #expect(FileManager.default.fileExists(atPath: "\(directory)/frame_000\(step).png"))
        }
        #expect(EpisodeRecorder.framePath(directory, index: 5) == "\(directory)/frame_0005.png")
        let first = try PNG.read(from: "\(directory)/frame_0000.png")
        let last = try PNG.read(from: "\(directory)/frame_0005.png")
        #expect(first != last, "the ball falls between the first and last frame")
        let gif = try #require(FileManager.default.contents(atPath: output.gif))
        #expect(gif.starts(with: Array("GIF89a".utf8)))
        #expect(output.gif == "\(directory)/episode.gif")
        #expect(output.contactSheet == "\(directory)/sheet.png")
        let sheet = try PNG.read(from: output.contactSheet)
        #expect(sheet.width > 2 * 32 && sheet.height > 2 * 24, "2×2 tiles with borders and labels")
    }

    @Test func unwritableDirectoryIsReportedUpFront() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("mural-file-\(getpid())").path
        _ = FileManager.default.createFile(atPath: file, contents: Data([0]))
        defer { try? FileManager.default.removeItem(atPath: file) }
        #expect(throws: RenderError.cannotWrite(path: "\(file)/episode", reason: "Not a directory")) {
            try EpisodeRecorder(directory: "\(file)/episode", width: 8, height: 8)
        }
    }
}
