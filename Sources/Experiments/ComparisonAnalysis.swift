import Foundation
import TaskSuite

/// One evaluation of a finished run, as the analysis sees it.
public struct EvaluationPoint: Equatable, Sendable {
    public var step: Int
    /// Fraction of evaluation episodes that ended in success.
    public var successFinal: Double
    /// Fraction of evaluation episodes with a successful step.
    public var successAny: Double
    /// The task's distance to its goal at the end of the episodes (the metric its task names, `TaskDefinition.Family.goalMetric`).
    public var goalDistance: Double?
    public var wallSeconds: Double

    public init(step: Int, successFinal: Double, successAny: Double, goalDistance: Double?, wallSeconds: Double) {
        self.step = step
        self.successFinal = successFinal
        self.successAny = successAny
        self.goalDistance = goalDistance
        self.wallSeconds = wallSeconds
    }
}

/// A finished run: a method (a reward, or a tuned setting of one) on a task, with one seed.
public struct RunEvaluations: Equatable, Sendable {
    public var task: String
    public var method: String
    public var seed: UInt64
    public var points: [EvaluationPoint]

    public init(task: String, method: String, seed: UInt64, points: [EvaluationPoint]) {
        self.task = task
        self.method = method
        self.seed = seed
        self.points = points
    }

    /// How many of the last evaluations the score averages.
    public static let scoredEvaluations = 3

    /// The run's score after `count` evaluations: final-step success averaged over the last
    /// three of them. Outcome-driven RL asks the agent to reach the examples' states and stay, so
    /// the score counts only episodes that end in success, and the average keeps one lucky
    /// evaluation from deciding it.
    public func score(after count: Int) -> Double {
        let scored = points[max(0, count - Self.scoredEvaluations)..<count]
        return scored.map(\.successFinal).reduce(0, +) / Double(scored.count)
    }

    /// The run's headline score (after its last evaluation).
    public var score: Double { score(after: points.count) }
}

/// Everything a comparison report says, computed from finished runs: per-task estimates over
/// seeds and rliable's aggregates across tasks. Pure data; `ComparisonReport` writes it.
public struct ComparisonAnalysis: Sendable {
    /// One method on one task, over its seeds.
    public struct TaskSummary: Sendable {
        public var task: String
        public var method: String
        public var seeds: [UInt64]
        /// Mean headline score with a 95 % bootstrap interval over seeds.
        public var score: Estimate
        /// Seeds whose last evaluation ended in success, with a Wilson interval: on a task whose
        /// start is fixed, evaluation episodes repeat each other, so seeds are what count.
        public var seedsSucceeded: Estimate?
        /// Mean any-step success at the last evaluation, with a 95 % bootstrap interval.
        public var successAny: Estimate
        /// Mean final distance to the goal, with a 95 % bootstrap interval.
        public var goalDistance: Estimate?
        public var meanWallSeconds: Double
        /// P(reference > this method) on this task alone, with a 95 % bootstrap interval over
        /// seeds: rliable's probability of improvement with one task. Nil for the reference
        /// itself and where the reference has no runs on the task.
        public var improvement: Estimate?
    }

    /// An aggregate across tasks for each method.
    public struct Aggregate: Sendable {
        public var method: String
        public var interquartileMean: Estimate
        public var mean: Estimate
    }

    /// P(reference > baseline) across tasks.
    public struct Improvement: Sendable {
        public var baseline: String
        public var probability: Estimate
    }

    /// A curve of estimates against x (a profile's thresholds, or the fraction of the budget).
    public struct Curve: Sendable {
        public var method: String
        public var x: [Double]
        public var points: [Estimate]
    }

    /// The finished runs analysed, in task, method and seed order.
    public let runs: [RunEvaluations]
    public let tasks: [String]
    public let methods: [String]
    /// The bootstrap of the aggregates.
    public let bootstrap: StratifiedBootstrap
    public let fixedStartTasks: Set<String>
    /// The method the probabilities of improvement are about (meta-NML, MURAL's reward).
    public let reference: String
    public let summaries: [TaskSummary]
    /// Runs per task in the aggregates: the smallest number any task and method has (the lowest
    /// seeds of each), since rliable's stratified bootstrap needs a full run × task matrix.
    public let aggregateRuns: Int
    public let aggregates: [Aggregate]
    public let improvements: [Improvement]
    /// Performance profiles: the fraction of runs scoring above each threshold τ.
    public let profiles: [Curve]
    /// IQM of the score against the fraction of each task's step budget.
    public let interquartileMeanCurves: [Curve]

    /// Thresholds of the performance profiles.
    public static let profileThresholds = (0...20).map { Double($0) / 20 }
    /// Fractions of the step budget at which the IQM curves are drawn.
    public static let budgetFractions = (1...10).map { Double($0) / 10 }

    /// Analyses `runs`, keeping the order in which tasks first appear. Methods come in
    /// `RewardChoice`'s order, the order the presets list them, and other names (a tuning
    /// variant's) after them, in the order they first appear. Aggregates need every method on
    /// every task; without that they are left empty.
    public init(runs: [RunEvaluations], fixedStartTasks: Set<String>, reference: String = RewardChoice.metanml.rawValue,
                bootstrap: StratifiedBootstrap = StratifiedBootstrap()) throws {
        let finished = runs.filter { !$0.points.isEmpty }
        let tasks = Self.unique(finished.map(\.task)), methods = Self.reportOrder(Self.unique(finished.map(\.method)))
        let byCell = Dictionary(grouping: finished) { "\($0.task)\u{0}\($0.method)" }.mapValues { group in
            group.sorted { $0.seed < $1.seed }
        }
        func cell(_ task: String, _ method: String) -> [RunEvaluations] { byCell["\(task)\u{0}\(method)"] ?? [] }
        self.runs = tasks.flatMap { task in methods.flatMap { cell(task, $0) } }
        self.tasks = tasks
        self.methods = methods
        self.fixedStartTasks = fixedStartTasks
        self.reference = reference
        self.bootstrap = bootstrap

        var summaries: [TaskSummary] = []
        let taskBootstrap = Self.taskBootstrap(bootstrap)
        for task in tasks {
            let referenceScores = try? ScoreMatrix(columns: [cell(task, reference).map(\.score)])
            for method in methods {
                let group = cell(task, method)
                guard !group.isEmpty else { continue }
                let seedwise = { (values: [Double]) in
                    taskBootstrap.estimate(try! ScoreMatrix(columns: [values]), AggregateMetrics.mean)
                }
                let improvement = referenceScores.flatMap { referenceScores in
                    method == reference ? nil : taskBootstrap.estimate(referenceScores, try! ScoreMatrix(columns: [group.map(\.score)])) {
                        AggregateMetrics.probabilityOfImprovement($0, over: $1)
                    }
                }
                let distances = group.compactMap { $0.points.last!.goalDistance }
                let succeeded = group.filter { $0.points.last!.successFinal == 1 }.count
                summaries.append(TaskSummary(
                    task: task, method: method, seeds: group.map(\.seed), score: seedwise(group.map(\.score)),
                    seedsSucceeded: fixedStartTasks.contains(task) ? Statistics.wilson(successes: succeeded, trials: group.count) : nil,
                    successAny: seedwise(group.map { $0.points.last!.successAny }),
                    goalDistance: distances.count == group.count ? seedwise(distances) : nil,
                    meanWallSeconds: group.map { $0.points.last!.wallSeconds }.reduce(0, +) / Double(group.count),
                    improvement: improvement))
            }
        }
        self.summaries = summaries

        let complete = tasks.allSatisfy { task in methods.allSatisfy { !cell(task, $0).isEmpty } }
        let runsPerTask = complete ? tasks.flatMap { task in methods.map { cell(task, $0).count } }.min()! : 0
        aggregateRuns = runsPerTask
        guard runsPerTask > 0 else {
            (aggregates, improvements, profiles, interquartileMeanCurves) = ([], [], [], [])
            return
        }
        // The lowest `runsPerTask` seeds of every task, so each method's matrix is rectangular.
        let matrices = try Dictionary(uniqueKeysWithValues: methods.map { method in
            (method, try ScoreMatrix(columns: tasks.map { task in cell(task, method).prefix(runsPerTask).map(\.score) }))
        })
        aggregates = methods.map { method in
            Aggregate(method: method, interquartileMean: bootstrap.estimate(matrices[method]!, AggregateMetrics.interquartileMean),
                      mean: bootstrap.estimate(matrices[method]!, AggregateMetrics.mean))
        }
        if let referenceScores = matrices[reference] {
            improvements = methods.filter { $0 != reference }.map { baseline in
                Improvement(baseline: baseline, probability: bootstrap.estimate(referenceScores, matrices[baseline]!) {
                    AggregateMetrics.probabilityOfImprovement($0, over: $1)
                })
            }
        } else {
            improvements = []
        }
        let curveBootstrap = Self.curveBootstrap(bootstrap)
        profiles = methods.map { method in
            Curve(method: method, x: Self.profileThresholds, points: curveBootstrap.estimates(matrices[method]!) { scores in
                Self.profileThresholds.map { AggregateMetrics.fractionAbove(scores, threshold: $0) }
            })
        }
        interquartileMeanCurves = try methods.map { method in
            let points = try Self.budgetFractions.map { fraction in
                let scores = try ScoreMatrix(columns: tasks.map { task in
                    cell(task, method).prefix(runsPerTask).map { run in
                        // The evaluation at this fraction of the budget: the last one at or before it.
                        let budget = run.points.last!.step
                        let count = run.points.lastIndex { Double($0.step) <= fraction * Double(budget) + 1e-9 }.map { $0 + 1 } ?? 0
                        return count == 0 ? 0 : run.score(after: count)
                    }
                })
                return curveBootstrap.estimate(scores, AggregateMetrics.interquartileMean)
            }
            return Curve(method: method, x: Self.budgetFractions, points: points)
        }
    }

    /// The bootstrap of per-task means: one task's mean over a few seeds needs fewer replications.
    public static func taskBootstrap(_ bootstrap: StratifiedBootstrap) -> StratifiedBootstrap {
        var taskBootstrap = bootstrap
        taskBootstrap.replications = min(bootstrap.replications, 10_000)
        return taskBootstrap
    }

    /// The finished run of `cell`, if it is one of the runs analysed.
    public func run(_ cell: GridCell) -> RunEvaluations? {
        runs.first { $0.task == cell.task && $0.method == cell.reward && $0.seed == cell.seed }
    }

    /// Per method on `task`, in method order: the mean over seeds of `value` at each evaluation
    /// every run has, with a bootstrap interval clamped to `bounds`. A method is left out when it
    /// has no runs on the task or one of its runs lacks the value.
    public func learningCurves(task: String, bounds: ClosedRange<Double>, value: (EvaluationPoint) -> Double?) -> [Curve] {
        let bootstrap = Self.curveBootstrap(bootstrap)
        return methods.compactMap { method in
            let runs = runs.filter { $0.task == task && $0.method == method }
            guard let shortest = runs.map(\.points.count).min(), shortest > 0 else { return nil }
            var x: [Double] = [], points: [Estimate] = []
            for i in 0..<shortest {
                let values = runs.compactMap { value($0.points[i]) }
                guard values.count == runs.count, let scores = try? ScoreMatrix(columns: [values]) else { return nil }
                var estimate = bootstrap.estimate(scores, AggregateMetrics.mean)
                estimate.lower = min(max(estimate.lower, bounds.lowerBound), bounds.upperBound)
                estimate.upper = min(max(estimate.upper, bounds.lowerBound), bounds.upperBound)
                x.append(Double(runs[0].points[i].step))
                points.append(estimate)
            }
            return Curve(method: method, x: x, points: points)
        }
    }

    /// The bootstrap of drawn curves: they are drawn, not quoted (rliable's profiles use 2000).
    public static func curveBootstrap(_ bootstrap: StratifiedBootstrap) -> StratifiedBootstrap {
        var curveBootstrap = bootstrap
        curveBootstrap.replications = min(bootstrap.replications, 2000)
        return curveBootstrap
    }

    public func summary(task: String, method: String) -> TaskSummary? {
        summaries.first { $0.task == task && $0.method == method }
    }

    private static func reportOrder(_ methods: [String]) -> [String] {
        let rewards = RewardChoice.allCases.map(\.rawValue)
        return rewards.filter(methods.contains) + methods.filter { !rewards.contains($0) }
    }

    private static func unique(_ values: [String]) -> [String] {
        var seen = Set<String>()
        return values.filter { seen.insert($0).inserted }
    }
}
