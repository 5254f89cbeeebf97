import ArgumentParser
import Foundation
import Physics
import Render

struct BenchRenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Measure software rendering speed on one core: rasterisation alone, and with PNG encoding.",
        discussion: """
            Renders stand-in door and pusher scenes (built from Physics with the geoms those tasks use: \
            a table, a hinged door panel with a hook, a puck, an end effector and translucent goal markers) \
            while the physics steps between frames. Physics time is not counted.
            """)

    @Option(help: "Frames to time per scene.") var frames = 300
    @Option(help: "Untimed frames per scene before timing starts.") var warmUp = 10
    @Option(help: "Image width in pixels.") var width = 320
    @Option(help: "Image height in pixels.") var height = 240
    @Option(help: "Samples per pixel along each axis (2 = 2×2 supersampling).") var supersampling = 2
    @Option(help: "Shadow map texels per side.") var shadowMapSize = 512
    @Flag(help: "Filter shadow look-ups bilinearly (smoother edges, slower).") var filteredShadows = false
    @OptionGroup var view: CameraOption
    @Option(help: "Also write each scene's last frame as <dir>/bench-<scene>.png.") var output: String?
    @Flag(help: "Print JSON instead of a table.") var json = false

    func validate() throws {
        guard frames > 0 else { throw ValidationError("--frames must be positive, got \(frames)") }
        guard warmUp >= 0 else { throw ValidationError("--warm-up must be non-negative, got \(warmUp)") }
    }

    /// Frame rates from wall-clock time, and from this thread's CPU time: on a shared
    /// machine the CPU-time figure is what one dedicated core would sustain.
    struct Rate: Encodable {
        let wallFramesPerSecond: Double
        let cpuFramesPerSecond: Double
    }

    struct SceneResult: Encodable {
        let scene: String
        let geoms: Int
        let overlays: Int
        let frames: Int
        let raster: Rate
        let rasterAndPNG: Rate
        let rasterCPUMillisecondsPerFrame: Double
        let pngCPUMillisecondsPerFrame: Double
        let meanPNGBytes: Int
    }

    struct Report: Encodable {
        let width: Int
        let height: Int
        let supersampling: Int
        let shadowMapSize: Int
        let filteredShadows: Bool
        let png: String
        let note: String
        /// /proc/loadavg's one-minute figure when the run started, to judge contention.
        let loadAverage: Double?
        let scenes: [SceneResult]
    }

    func run() throws {
        if let output { try OutputFile.prepareDirectory(output) }
        let load = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))
            .flatMap { $0.split(separator: " ").first.flatMap { Double($0) } }
        let renderer = try Renderer(width: width, height: height, supersampling: supersampling,
                                    shadowMapSize: shadowMapSize, shadowFiltering: filteredShadows ? .bilinear : .nearest)
        var results: [SceneResult] = []
        for bench in try BenchScene.all() {
            results.append(try measure(bench, renderer: renderer))
        }
        let report = Report(
            width: width, height: height, supersampling: supersampling, shadowMapSize: shadowMapSize,
            filteredShadows: filteredShadows, png: "libpng, zlib level 1, no row filters, to memory",
            note: "stand-in door and pusher scenes built in the benchmark; the real task scenes replace them once they exist",
            loadAverage: load, scenes: results)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            printTable(report)
        }
    }

    private func measure(_ bench: BenchScene, renderer: Renderer) throws -> SceneResult {
        var image = RGBImage(width: width, height: height)
        var raster = Stopwatch(), png = Stopwatch(), pngBytes = 0
        for frame in 0..<(warmUp + frames) {
            try bench.drive(frame)
            try bench.world.step()
            let timed = frame >= warmUp
            try raster.time(timed) {
                try renderer.render(bench.scene(), camera: view.camera ?? bench.camera, into: &image)
            }
            let bytes = try png.time(timed) { try PNG.encode(image) }
            if timed { pngBytes += bytes.count }
        }
        if let output { try PNG.write(image, to: "\(output)/bench-\(bench.name).png") }
        let n = Double(frames)
        func rounded(_ x: Double) -> Double { (x * 1000).rounded() / 1000 }
        return SceneResult(
            scene: bench.name, geoms: bench.world.geoms.count, overlays: bench.overlays.count, frames: frames,
            raster: Rate(wallFramesPerSecond: rounded(n / raster.wall), cpuFramesPerSecond: rounded(n / raster.cpu)),
            rasterAndPNG: Rate(wallFramesPerSecond: rounded(n / (raster.wall + png.wall)),
                               cpuFramesPerSecond: rounded(n / (raster.cpu + png.cpu))),
            rasterCPUMillisecondsPerFrame: rounded(1000 * raster.cpu / n),
            pngCPUMillisecondsPerFrame: rounded(1000 * png.cpu / n),
            meanPNGBytes: pngBytes / frames)
    }

    private func printTable(_ report: Report) {
        print("Render benchmark: \(report.width)×\(report.height), \(report.supersampling)×\(report.supersampling) supersampling, "
            + "shadow map \(report.shadowMapSize)²\(report.filteredShadows ? " filtered" : ""), one core")
        print("Note: \(report.note).")
        print("PNG: \(report.png).")
        if let load = report.loadAverage {
            print("Load average \(load) on \(ProcessInfo.processInfo.activeProcessorCount) cores: "
                + "wall-clock rates suffer when it exceeds about 1; CPU-time rates much less.")
        }
        let header = ["scene", "geoms", "frames", "raster fps", "(cpu)", "+PNG fps", "(cpu)", "raster ms", "PNG ms", "PNG bytes"]
        var rows = [header]
        for r in report.scenes {
            rows.append([
                r.scene, "\(r.geoms)+\(r.overlays)", "\(r.frames)",
                String(format: "%.0f", r.raster.wallFramesPerSecond), String(format: "%.0f", r.raster.cpuFramesPerSecond),
                String(format: "%.0f", r.rasterAndPNG.wallFramesPerSecond),
                String(format: "%.0f", r.rasterAndPNG.cpuFramesPerSecond),
                String(format: "%.2f", r.rasterCPUMillisecondsPerFrame), String(format: "%.2f", r.pngCPUMillisecondsPerFrame),
                "\(r.meanPNGBytes)",
            ])
        }
        let widths = header.indices.map { c in rows.map { $0[c].count }.max()! }
        for (i, row) in rows.enumerated() {
            print(zip(row, widths).enumerated().map { column, cell in
                let padding = String(repeating: " ", count: cell.1 - cell.0.count)
                return column == 0 ? cell.0 + padding : padding + cell.0
            }.joined(separator: "  "))
            if i == 0 { print(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")) }
        }
    }
}

/// Accumulates wall-clock and thread CPU time over timed sections.
struct Stopwatch {
    private(set) var wall = 0.0
    private(set) var cpu = 0.0

    /// Runs `body`, adding its duration when `counted`.
    mutating func time<T>(_ counted: Bool, _ body: () throws -> T) rethrows -> T {
        let wall0 = Self.now(CLOCK_MONOTONIC), cpu0 = Self.now(CLOCK_THREAD_CPUTIME_ID)
        let result = try body()
        if counted {
            wall += Self.now(CLOCK_MONOTONIC) - wall0
            cpu += Self.now(CLOCK_THREAD_CPUTIME_ID) - cpu0
        }
        return result
    }

    private static func now(_ clock: clockid_t) -> Double {
        var t = timespec()
        clock_gettime(clock, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
    }
}
