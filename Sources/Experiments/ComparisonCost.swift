import TaskSuite

/// What a comparison will cost, from measured throughput: environment steps per second of one
/// cell on one core (SAC (64, 64), batch 256, one update per step; the `fast` learned rewards;
/// two cells at a time on the project's 2-vCPU machine; see docs/benchmarks.md).
public struct ComparisonCost: Sendable {
    /// Measured steps per second by task family and reward. Other SAC sizes or the paper's
    /// reward models run slower, and the estimate says so.
    public static let measuredStepsPerSecond: [TaskDefinition.Family: [RewardChoice: Double]] = [
        .maze: [.metanml: 590, .vice: 910, .sparse: 1470, .count: 1450, .dense: 1470],
        .pusher: [.metanml: 520, .vice: 780, .sparse: 1250, .count: 1230, .dense: 1250],
        .door: [.metanml: 500, .vice: 740, .sparse: 1150, .count: 1130, .dense: 1150],
        .handValve: [.metanml: 380, .vice: 480, .sparse: 620, .count: 610, .dense: 620],
    ]

    /// Estimated seconds of one core per cell, in the settings' cell order.
    public let cellSeconds: [(cell: GridCell, seconds: Double)]
    /// Whether the settings are those the rates were measured with.
    public let measuredSettings: Bool

    public init(settings: ComparisonSettings, families: [String: TaskDefinition.Family]) throws {
        cellSeconds = try settings.cells.map { cell in
            guard let family = families[cell.task] else { throw ExperimentError.invalidValue("no task family known for '\(cell.task)'") }
            let rate = Self.measuredStepsPerSecond[family]?[try RewardChoice(parsing: cell.reward)] ?? 500
            return (cell, Double(settings.steps(for: cell.task)) / rate)
        }
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
