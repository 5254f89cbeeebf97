@testable import Experiments
import Randomness
import Testing

@Suite("rliable's aggregate metrics and the stratified bootstrap")
struct AggregateMetricsTests {
    @Test("the IQM trims ⌊n/4⌋ scores from each end, as scipy's trim_mean does")
    func interquartileMean() throws {
        // 8 scores: drop 2 from each end, average the middle 4.
        let scores = try ScoreMatrix(columns: [[0.0, 1, 0.5, 0.25], [0.9, 0.1, 0.3, 0.7]])
        #expect(AggregateMetrics.interquartileMean(scores) == (0.25 + 0.3 + 0.5 + 0.7) / 4)
        // 5 scores: ⌊5/4⌋ = 1 from each end.
        let five = try ScoreMatrix(columns: [[5, 1, 4, 2, 3]])
        #expect(AggregateMetrics.interquartileMean(five) == 3)
        #expect(AggregateMetrics.mean(scores) == ((0 + 1 + 0.5 + 0.25) / 4 + (0.9 + 0.1 + 0.3 + 0.7) / 4) / 2)
    }

    @Test("P(X > Y) is the Mann–Whitney U per task over N·M, ties counting half, averaged over tasks")
    func probabilityOfImprovement() throws {
        let x = try ScoreMatrix(columns: [[1, 2], [0.5, 0.5]])
        let y = try ScoreMatrix(columns: [[0, 2, 3], [0.5, 0.5, 0.5]])
        // Task 0: pairs (1>0), (1<2), (1<3), (2>0), (2=2), (2<3) → 2.5 / 6. Task 1: all ties → 0.5.
        #expect(abs(AggregateMetrics.probabilityOfImprovement(x, over: y) - (2.5 / 6 + 0.5) / 2) < 1e-15)
        #expect(AggregateMetrics.probabilityOfImprovement(x, over: x) == 0.5, "a method against itself is a coin toss")
        #expect(AggregateMetrics.fractionAbove(y, threshold: 0.5) == 2.0 / 6, "strictly above the threshold")
    }

    @Test("score matrices refuse ragged or non-finite scores, naming them")
    func badMatrices() {
        #expect(throws: ExperimentError.invalidValue("a score matrix needs the same positive number of runs for every task, got [2, 1]")) {
            try ScoreMatrix(columns: [[1, 2], [3]])
        }
        #expect(throws: ExperimentError.invalidValue("scores must be finite, got nan")) { try ScoreMatrix(columns: [[1, .nan]]) }
    }

    @Test("bootstrap intervals are seeded, contain the estimate, and stay within the scores' range")
    func bootstrap() throws {
        let scores = try ScoreMatrix(columns: [[0, 0.2, 0.4, 1, 1], [0.1, 0.1, 0.6, 0.9, 1]])
        let bootstrap = StratifiedBootstrap(replications: 4000, seed: 7)
        let first = bootstrap.estimate(scores, AggregateMetrics.interquartileMean)
        #expect(first == bootstrap.estimate(scores, AggregateMetrics.interquartileMean), "the same seed must give the same interval")
        #expect(first.lower <= first.value && first.value <= first.upper, "\(first)")
        #expect(first.lower >= 0 && first.upper <= 1 && first.upper - first.lower > 0.1, "\(first)")
        var other = bootstrap
        other.seed = 8
        #expect(other.estimate(scores, AggregateMetrics.interquartileMean) != first, "another seed draws other replications")
        // One run per task leaves nothing to resample: the interval is the point.
        let single = bootstrap.estimate(try ScoreMatrix(columns: [[0.3], [0.7]]), AggregateMetrics.mean)
        #expect(single.lower == 0.5 && single.upper == 0.5)
    }

    @Test("the percentile bootstrap of a mean covers the true mean about 95 % of the time")
    func coverage() throws {
        // 200 synthetic experiments of 10 runs on 2 tasks with Bernoulli(0.3) and Uniform(0, 1) scores.
        var generator = RandomGenerator(seed: 11)
        var covered = 0
        for trial in 0..<200 {
            let columns = [(0..<10).map { _ in generator.unit() < 0.3 ? 1.0 : 0 }, (0..<10).map { _ in generator.unit() }]
            let estimate = StratifiedBootstrap(replications: 1000, seed: UInt64(trial))
                .estimate(try ScoreMatrix(columns: columns), AggregateMetrics.mean)
            if estimate.lower <= 0.4 && 0.4 <= estimate.upper { covered += 1 }
        }
        // The percentile bootstrap undercovers slightly at n = 10; 95 % nominal, 85–99 % accepted.
        #expect((170...198).contains(covered), "covered the true mean in \(covered) of 200 experiments")
    }

    @Test("percentiles interpolate linearly, as numpy's default does")
    func percentile() {
        #expect(StratifiedBootstrap.percentile([1, 2, 3, 4], 50) == 2.5)
        #expect(StratifiedBootstrap.percentile([1, 2, 3, 4], 2.5) == 1.075)
        #expect(StratifiedBootstrap.percentile([5], 97.5) == 5)
    }
}

