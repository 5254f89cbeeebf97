import ArgumentParser
import Experiments
import Foundation
import Render
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

    /// Frame rates from wall-clock time, and from this thread's CPU time: on a shared
    /// machine the CPU-time figure is what one dedicated core would sustain.
    struct Rate: Encodable {
        let wallFramesPerSecond: Double
        let cpuFramesPerSecond: Double
    }

    struct TaskResult: Encodable {
        let task: String
        /// Primitives drawn per frame: the world's geoms, and the visual-only floor, props and goal markers.
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
        let machine: BenchMachine
        let width: Int
        let height: Int
        let supersampling: Int
        let shadowMapSize: Int
        let filteredShadows: Bool
        let policy: PolicyKind
        let png: String
        /// /proc/loadavg's one-minute figure when the run started, to judge contention.
        let loadAverage: Double?
        let tasks: [TaskResult]
    }

    func run() throws {
        if let output { try OutputFile.prepareDirectory(output) }
        let load = BenchNNCommand.loadAverage()
        let registry = try TaskRegistry.located()
        let ids = try task.map { [try registry.definition($0).id] } ?? registry.ids
        let renderer = try Renderer(width: width, height: height, supersampling: supersampling,
                                    shadowMapSize: shadowMapSize, shadowFiltering: filteredShadows ? .bilinear : .nearest)
        var results: [TaskResult] = []
        for id in ids {
            results.append(try measure(try registry.makeEnvironment(id), renderer: renderer))
        }
        let report = Report(
            machine: .current(), width: width, height: height, supersampling: supersampling,
            shadowMapSize: shadowMapSize, filteredShadows: filteredShadows, policy: policy,
            png: "libpng, zlib level 1, no row filters, to memory", loadAverage: load, tasks: results)
        if json { return try printJSON(report) }
        print(report.machine.summary)
        print("\(width)×\(height), \(supersampling)×\(supersampling) supersampling, shadow map \(shadowMapSize)²"
            + "\(filteredShadows ? " filtered" : ""), one core, \(policy.rawValue) policy; PNG: \(report.png)")
        if let load {
            print("Load average \(load) on \(report.machine.cores) cores: "
                + "wall-clock rates suffer when it exceeds about 1; CPU-time rates much less.")
        }
        printTable(
            ["task", "geoms", "frames", "raster fps", "(cpu)", "+PNG fps", "(cpu)", "raster ms", "PNG ms", "PNG bytes"],
            results.map { r in
                [r.task, "\(r.geoms)+\(r.overlays)", "\(r.frames)",
                 String(format: "%.0f", r.raster.wallFramesPerSecond), String(format: "%.0f", r.raster.cpuFramesPerSecond),
                 String(format: "%.0f", r.rasterAndPNG.wallFramesPerSecond),
                 String(format: "%.0f", r.rasterAndPNG.cpuFramesPerSecond),
                 String(format: "%.2f", r.rasterCPUMillisecondsPerFrame), String(format: "%.2f", r.pngCPUMillisecondsPerFrame),
                 "\(r.meanPNGBytes)"]
            })
    }

    private func measure(_ environment: TaskEnvironment, renderer: Renderer) throws -> TaskResult {
        let appearance = TaskAppearance(environment)
        let camera = view.camera ?? appearance.camera
        var actor = Policy(policy, seed: 1)
        var episode: UInt64 = 0
        _ = try environment.reset(seed: episode)
        var image = RGBImage(width: width, height: height)
        var raster = Stopwatch(), png = Stopwatch(), pngBytes = 0
        for frame in 0..<(warmUp + frames) {
            let result = try environment.step(actor.action(for: environment))
            if result.terminated || result.truncated {
                episode += 1
                _ = try environment.reset(seed: episode)
            }
            let timed = frame >= warmUp
            try raster.time(timed) { try renderer.render(appearance.scene(environment), camera: camera, into: &image) }
            let bytes = try png.time(timed) { try PNG.encode(image) }
            if timed { pngBytes += bytes.count }
        }
        if let output { try PNG.write(image, to: "\(output)/bench-\(environment.taskID).png") }
        let n = Double(frames)
        func rounded(_ x: Double) -> Double { (x * 1000).rounded() / 1000 }
        return TaskResult(
            task: environment.taskID, geoms: environment.world.geoms.count, overlays: appearance.overlays.count,
            frames: frames,
            raster: Rate(wallFramesPerSecond: rounded(n / raster.wall), cpuFramesPerSecond: rounded(n / raster.cpu)),
            rasterAndPNG: Rate(wallFramesPerSecond: rounded(n / (raster.wall + png.wall)),
                               cpuFramesPerSecond: rounded(n / (raster.cpu + png.cpu))),
            rasterCPUMillisecondsPerFrame: rounded(1000 * raster.cpu / n),
            pngCPUMillisecondsPerFrame: rounded(1000 * png.cpu / n),
            meanPNGBytes: pngBytes / frames)
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
