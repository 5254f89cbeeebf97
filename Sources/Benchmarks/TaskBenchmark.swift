import TaskSuite

/// Environment steps per second for each task on one core, policy excluded. Actions are
/// prepared before timing: uniform random ones, or the scripted expert's recorded on 20 seeded
/// episodes and replayed with the same seeds. Episodes reset at the horizon, resets timed too.
public struct TaskBenchmark: Sendable {
    /// Environment steps per run.
    public var steps = 200_000
    /// Runs per task; the fastest is reported.
    public var repeats = 3
    /// The tasks to measure, in order.
    public var tasks: [String]
    public var actions: PolicyKind = .random

    public init(tasks: [String]) { self.tasks = tasks }

    public struct Row: Codable, Sendable {
        public var task: String
        public var actions: PolicyKind
        /// Environment steps per second of thread CPU time.
        public var stepsPerSecond: Double
        public var microsecondsPerStep: Double
        /// Environment steps per second of wall-clock time.
        public var wallStepsPerSecond: Double
        public var physicsStepsPerSecond: Double
        public var substeps: Int
    }

    public struct Report: Codable, Sendable {
        public var machine: Machine
        public var steps: Int
        public var repeats: Int
        public var loadAverage: Double?
        public var tasks: [Row]
    }

    public func run(registry: TaskRegistry) throws -> Report {
        let loadAverage = Machine.loadAverage()
        var rows: [Row] = []
        for id in tasks {
            let env = try registry.makeEnvironment(id)
            let episodes = try Self.episodes(env, actions: actions)
            var best = Elapsed.infinity
            for _ in 0..<repeats {
                var episode = 0, t = 0
                _ = try env.reset(seed: episodes[0].seed)
                best = best.best(try Elapsed.measure {
                    for _ in 0..<steps {
                        let result = try env.step(episodes[episode].actions[t])
                        t += 1
                        if result.truncated || result.terminated {
                            episode = (episode + 1) % episodes.count
                            t = 0
                            _ = try env.reset(seed: episodes[episode].seed)
                        }
                    }
                }.elapsed)
            }
            let substeps = env.definition.timing.substeps
            rows.append(Row(task: id, actions: actions, stepsPerSecond: Double(steps) / best.cpu,
                            microsecondsPerStep: best.cpu / Double(steps) * 1e6,
                            wallStepsPerSecond: Double(steps) / best.wall,
                            physicsStepsPerSecond: Double(steps * substeps) / best.cpu, substeps: substeps))
        }
        return Report(machine: .current(), steps: steps, repeats: repeats, loadAverage: loadAverage, tasks: rows)
    }

    /// Seeds and full-horizon action sequences of 20 episodes.
    static func episodes(_ env: TaskEnvironment, actions: PolicyKind) throws -> [(seed: UInt64, actions: [[Double]])] {
        try (0..<20).map { i in
            let seed = UInt64(i)
            var policy = Policy(actions, seed: 1000 + seed)
            _ = try env.reset(seed: seed)
            var recorded: [[Double]] = []
            for _ in 0..<env.horizon {
                let a = policy.action(for: env)
                recorded.append(a)
                // Stepping keeps the expert's state in line with the recording.
                _ = try env.step(a)
            }
            return (seed, recorded)
        }
    }
}
