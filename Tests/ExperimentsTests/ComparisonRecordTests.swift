@testable import Experiments
import Foundation
@testable import MuralCLI
import TestSupport
import Testing

@Suite("A comparison directory's record: its bytes, and growing by tasks with their own target entropies")
struct ComparisonRecordTests {
    /// config.json as a build without per-task target entropies wrote it, for a grid of the zigzag
    /// maze with its own budget.
    static let olderConfiguration = """
        {
          "blasCore" : "Haswell",
          "evaluationEpisodes" : 2,
          "evaluationInterval" : 10,
          "hiddenSizes" : [
            64,
            64
          ],
          "mural" : "0.2.0",
          "rewardPreset" : "fast",
          "steps" : 300,
          "taskSteps" : {
            "maze-zigzag-v1" : 200
          }
        }
        """

    func record(steps: [String: Int], entropies: [String: Float]? = nil) -> ComparisonRecord {
        ComparisonRecord(mural: "0.2.0", blasCore: "Haswell", steps: 300, evaluationInterval: 10, evaluationEpisodes: 2,
                         hiddenSizes: [64, 64], rewardPreset: .fast, taskSteps: steps, rewardTuning: nil, taskTargetEntropies: entropies)
    }

    /// A comparison directory with `configuration` as its config.json and runs of `tasks`.
    func comparisonDirectory(_ configuration: String, runsOf tasks: [String]) throws -> URL {
        let directory = try temporaryDirectory().appendingPathComponent("cmp")
        for task in tasks {
            let run = directory.appendingPathComponent(GridCell(task: task, reward: "dense", seed: 0).relativePath)
            try FileManager.default.createDirectory(at: run, withIntermediateDirectories: true)
        }
        try Data(configuration.utf8).write(to: directory.appendingPathComponent(RunDirectory.configurationFile))
        return directory
    }

    @Test("a record without target entropies encodes exactly as before: results/quick/config.json, written before they existed, keeps its bytes")
    func recordWithoutEntropiesKeepsItsBytes() throws {
        let file = CommittedResultsTests.resultsDirectory.appendingPathComponent("quick").appendingPathComponent(RunDirectory.configurationFile)
        let committed = try Data(contentsOf: file)
        let old = try JSONDecoder().decode(ComparisonRecord.self, from: committed)
        #expect(old.taskTargetEntropies == nil)
        // The same grid as `mural compare` records it now, with an entropy for a task outside the grid.
        let settings = ComparisonSettings(tasks: ["maze-zigzag-v1"], rewards: ["sparse"], seeds: 1, steps: old.steps,
                                          evaluationInterval: old.evaluationInterval, evaluationEpisodes: old.evaluationEpisodes,
                                          hiddenSizes: old.hiddenSizes, rewardPreset: old.rewardPreset, taskTargetEntropies: ["maze-spiral-v3": 0])
        let encoded = try canonicalJSON(ComparisonRecord(settings: settings, mural: old.mural, blasCore: old.blasCore))
        #expect(encoded == committed,
                "the record changed its bytes, so older directories would not resume:\n\(String(decoding: encoded, as: UTF8.self))")
        #expect(try canonicalJSON(record(steps: ["maze-zigzag-v1": 200])) == Data(Self.olderConfiguration.utf8))
    }

    @Test("an older directory grows by a task with its own target entropy (and budget), records it, and still resumes the older grid")
    func growsByTaskWithOwnEntropy() throws {
        let directory = try comparisonDirectory(Self.olderConfiguration, runsOf: ["maze-zigzag-v1"])
        let configuration = directory.appendingPathComponent(RunDirectory.configurationFile)
        try record(steps: ["maze-zigzag-v1": 200]).prepare(directory, tasks: ["maze-zigzag-v1"], force: false)
        #expect(text(configuration) == Self.olderConfiguration, "resuming the same grid must leave config.json as it was")

        let grown = record(steps: ["maze-zigzag-v1": 200, "maze-spiral-v3": 400], entropies: ["maze-spiral-v3": 0])
        try grown.prepare(directory, tasks: ["maze-zigzag-v1", "maze-spiral-v3"], force: false)
        #expect(ComparisonRecord.existing(in: directory) == grown,
                "config.json should now record the new task's budget and target entropy: \(text(configuration))")
        try grown.prepare(directory, tasks: ["maze-zigzag-v1", "maze-spiral-v3"], force: false)
        try record(steps: ["maze-zigzag-v1": 200]).prepare(directory, tasks: ["maze-zigzag-v1"], force: false)
        #expect(ComparisonRecord.existing(in: directory) == grown, "the older grid resumes and forgets nothing: \(text(configuration))")
    }

    @Test("a task the directory already has keeps the target entropy it ran with: another is refused naming the task and both values")
    func otherEntropyRefused() throws {
        let recorded = record(steps: ["maze-zigzag-v1": 200], entropies: ["maze-spiral-v3": 0])
        let written = String(decoding: try canonicalJSON(recorded), as: UTF8.self)
        let directory = try comparisonDirectory(written, runsOf: ["maze-zigzag-v1", "maze-spiral-v3"])
        let tasks = ["maze-zigzag-v1", "maze-spiral-v3"]
        let cases: [([String: Float]?, String, String, String)] = [
            (["maze-spiral-v3": -1], "maze-spiral-v3", "SAC target entropy 0.0", "SAC target entropy -1.0"),
            (nil, "maze-spiral-v3", "SAC target entropy 0.0", "SAC target entropy −|A|"),
            (["maze-spiral-v3": 0, "maze-zigzag-v1": 0], "maze-zigzag-v1", "SAC target entropy −|A|", "SAC target entropy 0.0"),
        ]
        for (entropies, task, ran, given) in cases {
            let expected = ExperimentError.taskSettingMismatch(path: directory.path, task: task, recorded: ran, given: given)
            #expect(throws: expected, "\(entropies ?? [:]) should be refused") {
                try record(steps: ["maze-zigzag-v1": 200], entropies: entropies).prepare(directory, tasks: tasks, force: false)
            }
            #expect(text(directory.appendingPathComponent(RunDirectory.configurationFile)) == written,
                    "a refused grid must leave config.json as it was")
        }
        #expect(OptionError(.taskSettingMismatch(path: "/cmp", task: "maze-spiral-v3", recorded: "SAC target entropy 0.0",
                                                 given: "SAC target entropy -1.0")).description
                == "/cmp already holds runs of maze-spiral-v3 trained with SAC target entropy 0.0; this grid gives SAC target entropy -1.0; "
                + "pass --force to overwrite it, or choose another directory")

        let forced = record(steps: ["maze-zigzag-v1": 200], entropies: ["maze-spiral-v3": -1])
        try forced.prepare(directory, tasks: tasks, force: true)
        #expect(ComparisonRecord.existing(in: directory) == forced, "--force starts again with the new entropy")
    }

    @Test("a record describes what its cells trained with, per-task budgets and entropies in name order")
    func descriptions() {
        var recorded = record(steps: ["pusher-v1": 500, "hand-valve-v3": 400], entropies: ["maze-zigzag-v1": 0])
        #expect(recorded.budgetDescription == "300 environment steps per run (hand-valve-v3: 400, pusher-v1: 500); "
                + "SAC target entropy maze-zigzag-v1: 0.0 (−|A| on the other tasks)")
        #expect(recorded.trainingDescription == "mural 0.2.0, OpenBLAS kernel Haswell; evaluated every 10 steps on 2 episodes; "
                + "SAC hidden sizes 64,64, learned rewards at the fast preset")
        (recorded.taskSteps, recorded.taskTargetEntropies, recorded.blasThreads) = (nil, nil, 2)
        recorded.rewardTuning = RewardTuning(viceLearningRate: 0.001)
        #expect(recorded.budgetDescription == "300 environment steps per run")
        #expect(recorded.trainingDescription == "mural 0.2.0, OpenBLAS kernel Haswell with 2 threads; evaluated every 10 steps on "
                + "2 episodes; SAC hidden sizes 64,64, learned rewards at the fast preset; tuned: VICE learning rate 0.001")
    }
}
