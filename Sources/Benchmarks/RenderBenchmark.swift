import Experiments
import Render
import TaskSuite

/// Software rendering speed on one core, rasterisation alone and with PNG encoding: each task
/// drawn as `mural render` draws it (`TaskAppearance`) while a policy plays episodes, one frame
/// per control step, episodes restarting at their end. Physics and the policy are not timed.
public struct RenderBenchmark: Sendable {
    /// The tasks to draw, in order.
    public var tasks: [String]
    /// The policy that moves the scene between frames.
    public var policy: PolicyKind = .expert
    /// Frames timed per task.
    public var frames = 300
    /// Untimed frames per task before timing starts.
    public var warmUp = 10
    public var width = 320
    public var height = 240
    public var supersampling = 2
    public var shadowMapSize = 512
    public var filteredShadows = false
    /// Instead of each task's own camera.
    public var camera: Camera?
    /// Where to write each task's last frame as bench-TASK.png; nil writes nothing.
    public var frameDirectory: String?

    public init(tasks: [String]) { self.tasks = tasks }

    /// Frame rates from wall-clock time, and from this thread's CPU time: on a shared
    /// machine the CPU-time figure is what one dedicated core would sustain.
    public struct Rate: Codable, Sendable {
        public let wallFramesPerSecond: Double
        public let cpuFramesPerSecond: Double
    }

    public struct TaskResult: Codable, Sendable {
        public let task: String
        /// Primitives drawn per frame: the world's geoms, and the visual-only floor, props and goal markers.
        public let geoms: Int
        public let overlays: Int
        public let frames: Int
        public let raster: Rate
        public let rasterAndPNG: Rate
        public let rasterCPUMillisecondsPerFrame: Double
        public let pngCPUMillisecondsPerFrame: Double
        public let meanPNGBytes: Int
    }

    public struct Report: Codable, Sendable {
        public let machine: Machine
        public let width: Int
        public let height: Int
        public let supersampling: Int
        public let shadowMapSize: Int
        public let filteredShadows: Bool
        public let policy: PolicyKind
        public let png: String
        /// /proc/loadavg's one-minute figure when the run started, to judge contention.
        public let loadAverage: Double?
        public let tasks: [TaskResult]
    }

    public func run(registry: TaskRegistry) throws -> Report {
        if let frameDirectory { try OutputFile.prepareDirectory(frameDirectory) }
        let load = Machine.loadAverage()
        let renderer = try Renderer(width: width, height: height, supersampling: supersampling,
                                    shadowMapSize: shadowMapSize, shadowFiltering: filteredShadows ? .bilinear : .nearest)
        let results = try tasks.map { try measure(try registry.makeEnvironment($0), renderer: renderer) }
        return Report(
            machine: .current(), width: width, height: height, supersampling: supersampling,
            shadowMapSize: shadowMapSize, filteredShadows: filteredShadows, policy: policy,
            png: "libpng, zlib level 1, no row filters, to memory", loadAverage: load, tasks: results)
    }

    private func measure(_ environment: TaskEnvironment, renderer: Renderer) throws -> TaskResult {
        let appearance = TaskAppearance(environment)
        let camera = self.camera ?? appearance.camera
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
        if let frameDirectory { try PNG.write(image, to: "\(frameDirectory)/bench-\(environment.taskID).png") }
        let n = Double(frames), rasterTime = raster.elapsed, pngTime = png.elapsed
        func rounded(_ x: Double) -> Double { (x * 1000).rounded() / 1000 }
        return TaskResult(
            task: environment.taskID, geoms: environment.world.geoms.count, overlays: appearance.overlays.count,
            frames: frames,
            raster: Rate(wallFramesPerSecond: rounded(n / rasterTime.wall), cpuFramesPerSecond: rounded(n / rasterTime.cpu)),
            rasterAndPNG: Rate(wallFramesPerSecond: rounded(n / (rasterTime.wall + pngTime.wall)),
                               cpuFramesPerSecond: rounded(n / (rasterTime.cpu + pngTime.cpu))),
            rasterCPUMillisecondsPerFrame: rounded(1000 * rasterTime.cpu / n),
            pngCPUMillisecondsPerFrame: rounded(1000 * pngTime.cpu / n),
            meanPNGBytes: pngBytes / frames)
    }
}
