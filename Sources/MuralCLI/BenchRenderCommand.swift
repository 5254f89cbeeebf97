import ArgumentParser
import Benchmarks
import Foundation
import TaskSuite

struct BenchRenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Measure software rendering speed on one core: rasterisation alone, and with PNG encoding.",
        discussion: """
            Renders the suite's tasks as `mural render` draws them (each task's colours, camera, floor, \
            props and goal markers, through TaskAppearance) while a policy plays episodes, one frame per \
            control step; episodes restart at their end. Physics and the policy are not timed.
            """)

    @Option(help: "Only this task (default: all).") var task: String?
    @Option(help: "expert or random: the policy that moves the scene between frames.") var policy: PolicyKind = .expert
    @Option(help: "Frames to time per task.") var frames = 300
    @Option(help: "Untimed frames per task before timing starts.") var warmUp = 10
    @Option(help: "Image width in pixels.") var width = 320
    @Option(help: "Image height in pixels.") var height = 240
    @Option(help: "Samples per pixel along each axis (2 = 2×2 supersampling).") var supersampling = 2
    @Option(help: "Shadow map texels per side.") var shadowMapSize = 512
    @Flag(help: "Filter shadow look-ups bilinearly, as `mural render` does (smoother edges, slower).")
    var filteredShadows = false
    @OptionGroup var view: CameraOption
    @Option(help: "Also write each task's last frame as <dir>/bench-<task>.png.") var output: String?
    @Flag(help: "Print JSON instead of a table.") var json = false

    func validate() throws {
        guard frames > 0 else { throw ValidationError("--frames must be positive, got \(frames)") }
        guard warmUp >= 0 else { throw ValidationError("--warm-up must be non-negative, got \(warmUp)") }
    }

    func run() throws {
        let registry = try TaskRegistry.located()
        var benchmark = RenderBenchmark(tasks: try task.map { [try registry.definition($0).id] } ?? registry.ids)
        (benchmark.policy, benchmark.frames, benchmark.warmUp) = (policy, frames, warmUp)
        (benchmark.width, benchmark.height, benchmark.supersampling) = (width, height, supersampling)
        (benchmark.shadowMapSize, benchmark.filteredShadows) = (shadowMapSize, filteredShadows)
        (benchmark.camera, benchmark.frameDirectory) = (view.camera, output)
        let report = try benchmark.run(registry: registry)
        if json { return try printJSON(report) }
        print(report.machine.summary)
        print("\(width)×\(height), \(supersampling)×\(supersampling) supersampling, shadow map \(shadowMapSize)²"
            + "\(filteredShadows ? " filtered" : ""), one core, \(policy.rawValue) policy; PNG: \(report.png)")
        if let load = report.loadAverage {
            print("Load average \(load) on \(report.machine.cores) cores: "
                + "wall-clock rates suffer when it exceeds about 1; CPU-time rates much less.")
        }
        printTable(
            ["task", "geoms", "frames", "raster fps", "(cpu)", "+PNG fps", "(cpu)", "raster ms", "PNG ms", "PNG bytes"],
            report.tasks.map { r in
                [r.task, "\(r.geoms)+\(r.overlays)", "\(r.frames)",
                 String(format: "%.0f", r.raster.wallFramesPerSecond), String(format: "%.0f", r.raster.cpuFramesPerSecond),
                 String(format: "%.0f", r.rasterAndPNG.wallFramesPerSecond),
                 String(format: "%.0f", r.rasterAndPNG.cpuFramesPerSecond),
                 String(format: "%.2f", r.rasterCPUMillisecondsPerFrame), String(format: "%.2f", r.pngCPUMillisecondsPerFrame),
                 "\(r.meanPNGBytes)"]
            })
    }
}
