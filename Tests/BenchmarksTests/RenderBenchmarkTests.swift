import Benchmarks
import Foundation
import Render
import TaskSuite
import Testing

@Suite struct RenderBenchmarkTests {
    @Test func writesASampleFrameOfEveryTask() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mural-bench-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let registry = try TaskRegistry.located()
        var benchmark = RenderBenchmark(tasks: registry.ids)
        (benchmark.frames, benchmark.warmUp, benchmark.width, benchmark.height) = (1, 0, 24, 18)
        benchmark.frameDirectory = directory
        let report = try benchmark.run(registry: registry)
        #expect(report.tasks.map(\.task) == registry.ids)
        for task in ["maze-zigzag-v1", "maze-spiral-v3", "pusher-v1", "door-v1", "hand-valve-v3"] {
            let image = try PNG.read(from: "\(directory)/bench-\(task).png")
            #expect(image.width == 24 && image.height == 18)
        }
    }

    /// The error names the directory.
    @Test func unwritableOutputDirectoryFailsNamingIt() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("mural-bench-file-\(getpid())").path
        _ = FileManager.default.createFile(atPath: file, contents: Data([0]))
        defer { try? FileManager.default.removeItem(atPath: file) }
        var benchmark = RenderBenchmark(tasks: ["door-v1"])
        benchmark.frames = 1
        benchmark.frameDirectory = "\(file)/frames"
        #expect(throws: RenderError.cannotWrite(path: "\(file)/frames", reason: "Not a directory")) {
            try benchmark.run(registry: try TaskRegistry.located())
        }
    }
}

@Suite struct ElapsedTests {
    @Test func perCallTimesAreSharesOfTheWhole() {
        var calls = 0
        let time = Elapsed.perCall(calls: 4) { calls += 1 }
        #expect(calls == 4)
        #expect(time.wall >= 0 && time.cpu >= 0)
        #expect(Elapsed(wall: 2, cpu: 1).best(Elapsed(wall: 1, cpu: 3)) == Elapsed(wall: 1, cpu: 1))
    }

    @Test func stopwatchCountsOnlyTimedSections() {
        var stopwatch = Stopwatch()
        stopwatch.time(false) { for _ in 0..<1000 { _ = 0 } }
        #expect(stopwatch.elapsed == .zero)
        #expect(stopwatch.time { 7 } == 7)
        #expect(stopwatch.elapsed.wall >= 0)
    }

    /// The physics benchmark's direct loop does the wrapper's work (checked in the report).
    @Test func physicsReportChecksTheDirectLoop() throws {
        var benchmark = PhysicsBenchmark()
        (benchmark.steps, benchmark.trials) = (20, 1)
        let report = try benchmark.run()
        #expect(report.scenes.count == 2 && report.scenes.allSatisfy(\.identicalToDirect))
    }
}
