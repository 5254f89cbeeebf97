import TaskSuite

/// What a comparison will cost: environment steps per second of one cell on one core (SAC
/// (64, 64), batch 256, one update per step; the `fast` learned rewards; two cells at a time on
/// the project's 2-vCPU machine).
public struct ComparisonCost: Sendable {
    /// Steps per second by task family and reward. The maze rates and the pusher's dense rate were
    /// measured on an idle machine (docs/benchmarks.md: the quick comparison and the learning
    /// check); the others are estimates that add the learned rewards' per-step cost on the maze
    /// (meta-NML +1.0 ms, VICE +0.4 ms) to each task's own, and the hand's larger networks. A
    /// finished comparison's report gives the measured cost. Other SAC sizes or the paper's reward
    /// models run slower, and the estimate says so.
    public static let measuredStepsPerSecond: [TaskDefinition.Family: [RewardChoice: Double]] = [
        .maze: [.metanml: 590, .vice: 910, .sparse: 1470, .count: 1450, .dense: 1470],
        .pusher: [.metanml: 520, .vice: 780, .sparse: 1250, .count: 1230, .dense: 1250],
        .door: [.metanml: 500, .vice: 740, .sparse: 1150, .count: 1130, .dense: 1150],
        .handValve: [.metanml: 380, .vice: 480, .sparse: 620, .count: 610, .dense: 620],
    ]

    /// Estimated seconds of one core per cell still to run, in the settings' cell order.
    public let cellSeconds: [(cell: GridCell, seconds: Double)]
    /// Cells of the grid that `finished` holds already; they cost nothing more.
    public let finishedCells: Int
    /// The (task, reward) pairs whose rate comes from the grid's own finished runs, not the table.
    public let calibrated: Set<String>
    /// How fast this machine ran the finished runs against the table's rates for them (1 without
    /// finished runs); the pairs without a measured rate get the table's scaled by it.
    public let machineSpeed: Double
    /// Whether the settings are those the rates were measured with.
    public let measuredSettings: Bool

    /// `families` must cover the grid's tasks. `finished`: runs of this grid that already ran (a resumed comparison's); runs
    /// of other tasks may be among them, and count toward `machineSpeed`. Their measured
    /// speed replaces the table's for their task and reward, since a machine can be several
    /// times slower than the one the table was measured on, and they are not run again. The
    /// other pairs get the table's rate scaled by the finished runs' speed against the table.
    public init(settings: ComparisonSettings, families: [String: TaskDefinition.Family], finished: [RunEvaluations] = []) throws {
        func tableRate(_ task: String, _ reward: String) throws -> Double {
            guard let family = families[task] else { throw ExperimentError.invalidValue("no task family known for '\(task)'") }
            return Self.measuredStepsPerSecond[family]?[try RewardChoice(parsing: reward)] ?? 500
        }
        var measured: [String: (steps: Double, seconds: Double)] = [:]
        var tableSeconds = 0.0, measuredSeconds = 0.0
        for run in finished {
            guard let last = run.points.last, last.wallSeconds > 0 else { continue }
            measured["\(run.task)/\(run.method)", default: (0, 0)].steps += Double(last.step)
            measured["\(run.task)/\(run.method)", default: (0, 0)].seconds += last.wallSeconds
            // A run whose task family or reward the table does not know (a task file since removed, a
            // tuning variant's name) cannot be set against it.
            guard let table = try? tableRate(run.task, run.method) else { continue }
            tableSeconds += Double(last.step) / table
            measuredSeconds += last.wallSeconds
        }
        let speed = measuredSeconds > 0 ? tableSeconds / measuredSeconds : 1
        let done = Set(finished.map { GridCell(task: $0.task, reward: $0.method, seed: $0.seed) })
        cellSeconds = try settings.cells.filter { !done.contains($0) }.map { cell in
            let rate = try measured["\(cell.task)/\(cell.reward)"].map { $0.steps / $0.seconds } ?? speed * tableRate(cell.task, cell.reward)
            return (cell, Double(settings.steps(for: cell.task)) / rate)
        }
        finishedCells = settings.cells.count - cellSeconds.count
        calibrated = Set(measured.keys)
        machineSpeed = speed
        measuredSettings = settings.hiddenSizes == [64, 64] && settings.rewardPreset == .fast
    }

    public var coreHours: Double { cellSeconds.map(\.seconds).reduce(0, +) / 3600 }

    /// Wall hours with `jobs` cells at a time, longest first: the schedule `mural compare` keeps
    /// (meta-NML's cells first) is close to it.
    public func wallHours(jobs: Int) -> Double {
        var finishing = [Double](repeating: 0, count: max(jobs, 1))
        for seconds in cellSeconds.map(\.seconds).sorted(by: >) {
            let earliest = finishing.indices.min { finishing[$0] < finishing[$1] }!
            finishing[earliest] += seconds
        }
        return finishing.max()! / 3600
    }
}
