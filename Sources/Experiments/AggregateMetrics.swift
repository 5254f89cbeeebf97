import Randomness
import TaskSuite

/// One method's scores on a set of tasks: `runs` runs (seeds) of each task, the layout of
/// rliable's score matrices (Agarwal et al. 2021, "Deep RL at the Edge of the Statistical Precipice").
public struct ScoreMatrix: Equatable, Sendable {
    public let runs: Int
    public let tasks: Int
    /// Row-major: `values[run * tasks + task]`.
    public private(set) var values: [Double]

    /// `columns[task][run]`; every task needs the same number of runs.
    public init(columns: [[Double]]) throws {
        guard let runs = columns.first?.count, runs > 0, columns.allSatisfy({ $0.count == runs }) else {
            throw ExperimentError.invalidValue(
                "a score matrix needs the same positive number of runs for every task, got \(columns.map(\.count))")
        }
        if let bad = columns.joined().first(where: { !$0.isFinite }) {
            throw ExperimentError.invalidValue("scores must be finite, got \(bad)")
        }
        self.runs = runs
        tasks = columns.count
        values = (0..<runs).flatMap { run in columns.map { $0[run] } }
    }

    init(runs: Int, tasks: Int, values: [Double]) {
        self.runs = runs
        self.tasks = tasks
        self.values = values
    }

    public subscript(run: Int, task: Int) -> Double { values[run * tasks + task] }

    /// The scores of one task, over runs.
    public func column(_ task: Int) -> [Double] { (0..<runs).map { self[$0, task] } }
}

/// rliable's aggregate metrics over a score matrix, and their stratified-bootstrap intervals.
/// Each point estimate matches `rliable.metrics` exactly; intervals match within bootstrap noise.
public enum AggregateMetrics {
    /// The interquartile mean: the mean of the middle 50 % of all run × task scores
    /// (scipy's `trim_mean(scores, 0.25)`, which cuts ⌊n/4⌋ scores from each end).
    public static func interquartileMean(_ scores: ScoreMatrix) -> Double {
        let sorted = scores.values.sorted()
        let cut = sorted.count / 4
        let middle = sorted[cut..<(sorted.count - cut)]
        return middle.reduce(0, +) / Double(middle.count)
    }

    /// The mean over tasks of each task's mean score.
    public static func mean(_ scores: ScoreMatrix) -> Double {
        (0..<scores.tasks).map { task in scores.column(task).reduce(0, +) / Double(scores.runs) }.reduce(0, +) / Double(scores.tasks)
    }

    /// P(X > Y): the Mann–Whitney U statistic of each task, U/(N·M) counting ties as ½,
    /// averaged over tasks (rliable's `probability_of_improvement`).
    public static func probabilityOfImprovement(_ x: ScoreMatrix, over y: ScoreMatrix) -> Double {
        precondition(x.tasks == y.tasks, "both methods need the same tasks")
        var total = 0.0
        for task in 0..<x.tasks {
            var wins = 0.0
            for i in 0..<x.runs {
                for j in 0..<y.runs {
                    let a = x[i, task], b = y[j, task]
                    wins += a > b ? 1 : a == b ? 0.5 : 0
                }
            }
            total += wins / Double(x.runs * y.runs)
        }
        return total / Double(x.tasks)
    }

    /// The run-score distribution at `threshold`: the fraction of all run × task scores above it
    /// (one point of a performance profile).
    public static func fractionAbove(_ scores: ScoreMatrix, threshold: Double) -> Double {
        Double(scores.values.count { $0 > threshold }) / Double(scores.values.count)
    }
}

/// Stratified bootstrap confidence intervals (rliable's `StratifiedBootstrap` with the percentile
/// method): each replication redraws, within every task, as many runs as it has, with replacement.
/// Seeded, so a report's intervals are the same every time it is written.
public struct StratifiedBootstrap: Sendable {
    public var replications: Int
    /// Coverage of the intervals.
    public var confidence: Double
    public var seed: UInt64

    public init(replications: Int = 50_000, confidence: Double = 0.95, seed: UInt64 = 0) {
        self.replications = replications
        self.confidence = confidence
        self.seed = seed
    }

    /// `statistic` of `scores` with its interval.
    public func estimate(_ scores: ScoreMatrix, _ statistic: (ScoreMatrix) -> Double) -> Estimate {
        estimates(scores) { [statistic($0)] }[0]
    }

    /// Several statistics of `scores` (for example a profile's points), from shared replications.
    public func estimates(_ scores: ScoreMatrix, _ statistics: (ScoreMatrix) -> [Double]) -> [Estimate] {
        var generator = RandomGenerator(seed: seed)
        let replicated = (0..<replications).map { _ in statistics(resample(scores, &generator)) }
        return intervals(point: statistics(scores), replicated: replicated, count: scores.runs)
    }

    /// A statistic of two methods' scores (such as the probability of improvement), resampling
    /// each method's runs independently within every task (rliable's `StratifiedIndependentBootstrap`).
    public func estimate(_ x: ScoreMatrix, _ y: ScoreMatrix, _ statistic: (ScoreMatrix, ScoreMatrix) -> Double) -> Estimate {
        var generator = RandomGenerator(seed: seed)
        let replicated = (0..<replications).map { _ in
            let a = resample(x, &generator)
            return [statistic(a, resample(y, &generator))]
        }
        return intervals(point: [statistic(x, y)], replicated: replicated, count: min(x.runs, y.runs))[0]
    }

    private func resample(_ scores: ScoreMatrix, _ generator: inout RandomGenerator) -> ScoreMatrix {
        var values = [Double](repeating: 0, count: scores.values.count)
        for run in 0..<scores.runs {
            for task in 0..<scores.tasks {
                values[run * scores.tasks + task] = scores[generator.index(below: scores.runs), task]
            }
        }
        return ScoreMatrix(runs: scores.runs, tasks: scores.tasks, values: values)
    }

    private func intervals(point: [Double], replicated: [[Double]], count: Int) -> [Estimate] {
        let tail = (1 - confidence) / 2 * 100
        return point.indices.map { k in
            let sorted = replicated.map { $0[k] }.sorted()
            return Estimate(value: point[k], lower: Self.percentile(sorted, tail), upper: Self.percentile(sorted, 100 - tail),
                            count: count, method: "stratified bootstrap")
        }
    }

    /// The `q`-th percentile of sorted values with linear interpolation (numpy's default).
    static func percentile(_ sorted: [Double], _ q: Double) -> Double {
        let position = q / 100 * Double(sorted.count - 1)
        let below = Int(position.rounded(.down)), above = min(below + 1, sorted.count - 1)
        return sorted[below] + (sorted[above] - sorted[below]) * (position - Double(below))
    }
}
