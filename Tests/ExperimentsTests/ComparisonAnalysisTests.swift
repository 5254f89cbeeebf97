@testable import Experiments
import Foundation
import Testing

@Suite("Comparison analysis: scores, per-task estimates and aggregates")
struct ComparisonAnalysisTests {
    /// A run whose evaluations have these final-step successes (any-step success one higher, capped).
    func run(_ task: String, _ method: String, _ seed: UInt64, _ successes: [Double], distance: Double? = 1) -> RunEvaluations {
        RunEvaluations(task: task, method: method, seed: seed, points: successes.enumerated().map { index, success in
            EvaluationPoint(step: (index + 1) * 1000, successFinal: success, successAny: min(1, success + 0.5),
                            goalDistance: distance, wallSeconds: Double(index + 1))
        })
    }

    @Test("a run's score is its final-step success averaged over its last three evaluations")
    func score() {
        let evaluations = run("t", "m", 0, [1, 0, 0.2, 0.4, 0.9])
        #expect(abs(evaluations.score - 0.5) < 1e-15)
        #expect(evaluations.score(after: 2) == 0.5, "after two evaluations both count")
        #expect(run("t", "m", 0, [0.7]).score == 0.7)
    }

    @Test("per task: bootstrap mean over seeds, Wilson count of succeeding seeds only where the start is fixed")
    func perTask() throws {
        let runs = [run("maze", "a", 1, [1, 1, 1]), run("maze", "a", 0, [0, 0, 0]), run("maze", "a", 2, [0, 1, 1]),
                    run("push", "a", 0, [0.5, 0.5, 0.5])]
        let analysis = try ComparisonAnalysis(runs: runs, fixedStartTasks: ["maze"], bootstrap: StratifiedBootstrap(replications: 2000))
        let maze = try #require(analysis.summary(task: "maze", method: "a"))
        #expect(maze.seeds == [0, 1, 2], "seeds in order")
        #expect(abs(maze.score.value - (0 + 1 + 2.0 / 3) / 3) < 1e-12)
        #expect(maze.score.lower >= 0 && maze.score.upper <= 1)
        let succeeded = try #require(maze.seedsSucceeded)
        #expect(succeeded.count == 3 && abs(succeeded.value - 2.0 / 3) < 1e-12 && succeeded.method == "wilson")
        #expect(analysis.summary(task: "push", method: "a")?.seedsSucceeded == nil, "the pusher's start is random")
        #expect(analysis.summary(task: "push", method: "a")?.goalDistance?.value == 1)
    }

    @Test("aggregates use the lowest common number of seeds per task, and P(reference > baseline) for each baseline")
    func aggregates() throws {
        let runs = (0..<4).map { run("t1", "metanml", $0, [1]) } + (0..<3).map { run("t1", "vice", $0, [0]) }
            + (0..<3).map { run("t2", "metanml", $0, [0.5]) } + (0..<3).map { run("t2", "vice", $0, [0.5]) }
        let analysis = try ComparisonAnalysis(runs: runs, fixedStartTasks: [], bootstrap: StratifiedBootstrap(replications: 500))
        #expect(analysis.aggregateRuns == 3)
        let metanml = try #require(analysis.aggregates.first { $0.method == "metanml" })
        #expect(metanml.mean.value == 0.75 && metanml.interquartileMean.value == 0.75)
        let improvement = try #require(analysis.improvements.first)
        #expect(improvement.baseline == "vice" && improvement.probability.value == 0.75, "1 on t1, ½ on t2 (ties)")
        #expect(analysis.profiles.count == 2 && analysis.profiles[0].points.count == ComparisonAnalysis.profileThresholds.count)
        #expect(analysis.profiles[0].points[0].value == 1, "every metanml run scores above 0")
        #expect(analysis.interquartileMeanCurves[0].points.last?.value == metanml.interquartileMean.value,
                "the curve ends at the headline IQM")
    }

    @Test("per task: P(reference > method) over that task's seeds, none for the reference or without its runs")
    func perTaskImprovement() throws {
        let runs = (0..<4).map { run("t1", "metanml", $0, [1]) } + (0..<3).map { run("t1", "vice", $0, [0]) }
            + [run("t2", "metanml", 0, [0.2]), run("t2", "metanml", 1, [0.6])] + [run("t2", "vice", 0, [0.6]), run("t2", "vice", 1, [1])]
            + [run("t3", "vice", 0, [1])]
        let analysis = try ComparisonAnalysis(runs: runs, fixedStartTasks: [], bootstrap: StratifiedBootstrap(replications: 500))
        let beaten = try #require(analysis.summary(task: "t1", method: "vice")?.improvement)
        #expect(beaten.value == 1 && beaten.lower == 1 && beaten.upper == 1, "every metanml seed beats every vice seed: \(beaten)")
        let worse = try #require(analysis.summary(task: "t2", method: "vice")?.improvement)
        #expect(worse.value == 0.125, "one tie (½) in four pairs, no wins: \(worse)")
        #expect(worse.lower >= 0 && worse.upper <= 1 && worse.lower <= worse.value && worse.value <= worse.upper)
        #expect(analysis.summary(task: "t1", method: "metanml")?.improvement == nil, "no P(metanml > metanml)")
        #expect(analysis.summary(task: "t3", method: "vice")?.improvement == nil, "no metanml runs on t3")
    }

    @Test("methods are listed as the presets list them, whatever order the runs come in, and other names after them")
    func methodOrder() throws {
        let methods = ["vice", "tuned-b", "dense", "count", "metanml", "tuned-a"]
        let runs = methods.map { run("maze-zigzag-v1", $0, 0, [1]) } + [run("door-v1", "sparse", 0, [1])]
        let analysis = try ComparisonAnalysis(runs: runs, fixedStartTasks: [])
        #expect(analysis.methods == ["metanml", "vice", "count", "sparse", "dense", "tuned-b", "tuned-a"],
                "\(analysis.methods): expected RewardChoice's order, then the others as they first appear")
        #expect(analysis.tasks == ["maze-zigzag-v1", "door-v1"], "tasks keep the order they first appear in")
    }

    @Test("without every method on every task there are no aggregates, only per-task rows")
    func incompleteGrid() throws {
        let analysis = try ComparisonAnalysis(runs: [run("t1", "a", 0, [1]), run("t2", "b", 0, [1])], fixedStartTasks: [])
        #expect(analysis.aggregates.isEmpty && analysis.improvements.isEmpty && analysis.summaries.count == 2)
    }

    @Test("evaluations.csv round-trips every bit and refuses a malformed line, naming file and line")
    func csvRoundTrip() throws {
        let runs = [run("maze", "vice", 3, [0.1, 1.0 / 3, 0.7], distance: 0.1 + 0.2), run("door", "dense", 0, [1], distance: nil)]
        let url = try temporaryDirectory().appendingPathComponent("evaluations.csv")
        try Data(ComparisonRuns.csv(runs).utf8).write(to: url)
        #expect(try ComparisonRuns.read(csv: url) == runs)
        try Data((ComparisonRuns.csvHeader + "\nmaze,vice,3,1000,0.5,zero,,1\n").utf8).write(to: url)
        #expect(throws: ExperimentError.invalidFile(path: url.path, reason: "line 2: a field is not a number: 'maze,vice,3,1000,0.5,zero,,1'")) {
            try ComparisonRuns.read(csv: url)
        }
        try Data("task,reward\n".utf8).write(to: url)
        #expect(throws: ExperimentError.invalidFile(path: url.path, reason: "does not start with the header '\(ComparisonRuns.csvHeader)'")) {
            try ComparisonRuns.read(csv: url)
        }
    }
}
