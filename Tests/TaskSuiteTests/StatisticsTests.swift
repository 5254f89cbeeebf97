import Foundation
import Testing
@testable import TaskSuite

@Suite("Confidence intervals")
struct StatisticsTests {
    @Test func wilsonIntervalMatchesKnownValues() {
        let none = Statistics.wilson(successes: 0, trials: 10)
        #expect(none.value == 0 && none.lower == 0)
        #expect(abs(none.upper - 0.2775) < 1e-4)
        let all = Statistics.wilson(successes: 100, trials: 100)
        #expect(all.upper == 1 && abs(all.lower - 0.9630) < 1e-4)
        let half = Statistics.wilson(successes: 50, trials: 100)
        #expect(abs(half.lower - 0.4038) < 1e-4 && abs(half.upper - 0.5962) < 1e-4)
    }

    @Test func meanIntervalUsesStudentsTForSmallSamples() {
        let e = Statistics.mean([1, 2, 3, 4])
        #expect(e.value == 2.5 && e.method == "t")
        // s = 1.291, t(3) = 3.182: half-width 2.054.
        #expect(abs(e.upper - e.value - 2.0540) < 1e-3)
        let large = Statistics.mean((0..<100).map(Double.init))
        #expect(large.method == "normal")
        #expect(Statistics.mean([5]).lower.isNaN)
        #expect(Statistics.mean([]).count == 0)
    }

    @Test func estimatesWithoutSamplesEncodeAsJSONNull() throws {
        let env = try registry.makeEnvironment("door-v1")
        let report = try Evaluator.evaluate(env, policy: .random, episodes: 2, seed: 1)
        #expect(report.firstSuccessStep.count == 0)
        let json = try JSONEncoder().encode(report)
        let object = try JSONSerialization.jsonObject(with: json) as! [String: Any]
        let first = object["firstSuccessStep"] as! [String: Any]
        #expect(first["value"] is NSNull)
        let decoded = try JSONDecoder().decode(EvaluationReport.self, from: json)
        #expect(decoded.firstSuccessStep.value.isNaN && decoded.successAny == report.successAny)
    }
}
