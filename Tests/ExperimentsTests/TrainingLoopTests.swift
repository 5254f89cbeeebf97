import Agents
import Experiments
import Foundation
import TaskSuite
import Testing

@Suite("Training loop")
struct TrainingLoopTests {
    func smallRun(seed: UInt64, steps: Int = 300) throws -> (TrainingLoop, [TrainingRecord]) {
        let loop = try makeLoop(smallConfiguration(seed: seed, steps: steps))
        var records: [TrainingRecord] = []
        try loop.run { records.append($0) }
        #expect(try comparable(loop.records) == comparable(records), "the loop keeps the records it reports")
        return (loop, records)
    }

    @Test("evaluates every interval and reports task metrics")
    func records() throws {
        let (loop, records) = try smallRun(seed: 1)
        #expect(records.map(\.step) == [100, 200, 300])
        #expect(loop.step == 300)
        #expect(records.allSatisfy { $0.finalMetrics["geodesic_distance"] != nil })
        #expect(records.allSatisfy { $0.meanTrainingReward < 0 }, "dense maze rewards are negative distances")
        #expect(records[2].trainingEpisodes == 3, "300 steps of 100-step episodes")
    }

    @Test("the same seed gives bit-identical training; another seed does not")
    func determinism() throws {
        let (a, recordsA) = try smallRun(seed: 7)
        let (b, recordsB) = try smallRun(seed: 7)
        let (c, _) = try smallRun(seed: 8)
        func strip(_ r: [TrainingRecord]) -> [TrainingRecord] { r.map { var r = $0; r.wallSeconds = 0; return r } }
        #expect(strip(recordsA) == strip(recordsB))
        #expect(a.agent.policyParameters == b.agent.policyParameters, "same seed, different policy parameters")
        #expect(a.agent.policyParameters != c.agent.policyParameters, "seeds 7 and 8 trained identical policies")
    }

    @Test("bad configurations are refused with a message naming the value")
    func badConfiguration() throws {
        var configuration = TrainingConfiguration(task: "maze-zigzag-v1", reward: .dense, steps: 0, seed: 0)
        #expect(throws: ExperimentError.invalidValue("steps must be positive, got 0")) { try configuration.validate() }
        configuration.steps = 10
        configuration.sac.hiddenSizes = [0]
        #expect(throws: ExperimentError.self) { try configuration.validate() }
    }
}
