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
    @OptionGroup var view: CameraOption
    @Option(help: "Also write each scene's last frame as <dir>/bench-<scene>.png.") var output: String?
    @Flag(help: "Print JSON instead of a table.") var json = false

    func validate() throws {
        guard frames > 0 else { throw ValidationError("--frames must be positive, got \(frames)") }
        guard warmUp >= 0 else { throw ValidationError("--warm-up must be non-negative, got \(warmUp)") }
    }

    struct SceneResult: Encodable {
        let scene: String
        let geoms: Int
        let overlays: Int
        let frames: Int
        let rasterFramesPerSecond: Double
        let withPNGFramesPerSecond: Double
        let rasterMillisecondsPerFrame: Double
        let pngMillisecondsPerFrame: Double
        let meanPNGBytes: Int
    }

    struct Report: Encodable {
        let width: Int
        let height: Int
        let supersampling: Int
        let shadowMapSize: Int
        let png: String
        let note: String
        let scenes: [SceneResult]
    }

    func run() throws {
        if let output { try OutputFile.prepareDirectory(output) }
        let renderer = try Renderer(width: width, height: height, supersampling: supersampling,
                                    shadowMapSize: shadowMapSize)
        var results: [SceneResult] = []
        for bench in try BenchScene.all() {
            results.append(try measure(bench, renderer: renderer))
        }
        let report = Report(
            width: width, height: height, supersampling: supersampling, shadowMapSize: shadowMapSize,
            png: "libpng, zlib level 1, no row filters, to memory",
            note: "stand-in door and pusher scenes built in the benchmark; the real task scenes replace them once they exist",
            scenes: results)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            printTable(report)
        }
    }

    private func measure(_ bench: BenchScene, renderer: Renderer) throws -> SceneResult {
        let clock = ContinuousClock()
        var image = RGBImage(width: width, height: height)
        var rasterTime = Duration.zero, pngTime = Duration.zero, pngBytes = 0
        for frame in 0..<(warmUp + frames) {
            try bench.drive(frame)
            try bench.world.step()
            let started = clock.now
            try renderer.render(bench.scene(), camera: view.camera ?? bench.camera, into: &image)
            let rendered = clock.now
            let bytes = try PNG.encode(image)
            let encoded = clock.now
            if frame >= warmUp {
                rasterTime += rendered - started
                pngTime += encoded - rendered
                pngBytes += bytes.count
            }
        }
        if let output { try PNG.write(image, to: "\(output)/bench-\(bench.name).png") }
        let raster = seconds(rasterTime), png = seconds(pngTime)
        func rounded(_ x: Double) -> Double { (x * 1000).rounded() / 1000 }
        return SceneResult(
            scene: bench.name, geoms: bench.world.geoms.count, overlays: bench.overlays.count, frames: frames,
            rasterFramesPerSecond: rounded(Double(frames) / raster),
            withPNGFramesPerSecond: rounded(Double(frames) / (raster + png)),
            rasterMillisecondsPerFrame: rounded(1000 * raster / Double(frames)),
            pngMillisecondsPerFrame: rounded(1000 * png / Double(frames)),
            meanPNGBytes: pngBytes / frames)
    }

    private func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }

    private func printTable(_ report: Report) {
        print("Render benchmark: \(report.width)×\(report.height), \(report.supersampling)×\(report.supersampling) supersampling, "
            + "shadow map \(report.shadowMapSize)², one core")
        print("Note: \(report.note).")
        print("PNG: \(report.png).")
        let header = ["scene", "geoms", "frames", "raster fps", "raster ms", "+PNG fps", "PNG ms", "PNG bytes"]
        var rows = [header]
        for r in report.scenes {
            rows.append([
                r.scene, "\(r.geoms)+\(r.overlays)", "\(r.frames)", String(format: "%.0f", r.rasterFramesPerSecond),
                String(format: "%.2f", r.rasterMillisecondsPerFrame), String(format: "%.0f", r.withPNGFramesPerSecond),
                String(format: "%.2f", r.pngMillisecondsPerFrame), "\(r.meanPNGBytes)",
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
