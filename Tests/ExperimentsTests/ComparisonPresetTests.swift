@testable import Experiments
import Foundation
@testable import MuralCLI
import TestSupport
import Testing

@Suite("Comparison presets and mural compare's options")
struct ComparisonPresetTests {
    @Test("a preset supplies every setting; each explicit option replaces only its own")
    func presetAndOverrides() throws {
        let quick = try ComparisonSettings.resolve(preset: try ComparisonPreset(named: "quick"), overrides: .init())
        #expect(quick == ComparisonPreset.quick.settings)
        #expect(quick.tasks == ["maze-zigzag-v1"] && quick.rewards == ["metanml", "vice", "sparse"])
        // The quick preset's contract: at least two seeds, and the fast learned-reward models.
        #expect(quick.seeds >= 2 && quick.rewardPreset == .fast)

        let overridden = try ComparisonSettings.resolve(
            preset: .paper, overrides: .init(rewards: ["sparse"], steps: 300, hiddenSizes: [8, 8], rewardPreset: .fast))
        var expected = ComparisonPreset.paper.settings
        expected.rewards = ["sparse"]
        expected.steps = 300
        expected.hiddenSizes = [8, 8]
        expected.rewardPreset = .fast
        #expect(overridden == expected, "only the four given values should change")
        #expect(overridden.tasks.count == 5 && overridden.seeds == 5 && overridden.evaluationInterval == 10_000)
    }

    @Test("--vice-loss replaces only the preset's VICE loss, keeping its other reward tuning; a bad loss is refused, naming the valid ones")
    func viceLossOverride() throws {
        let suite = ComparisonPreset.suite.settings
        let settings = try CompareCommand.parse(["--preset", "suite", "--rewards", "vice", "--vice-loss", "discriminator",
                                                 "--out", "unused"]).settings()
        var expected = suite
        expected.rewards = ["vice"]
        expected.rewardTuning?.viceLoss = .discriminator
        #expect(settings == expected, "only the rewards and VICE's loss should change")
        #expect(settings.rewardTuning?.viceLearningRate == suite.rewardTuning?.viceLearningRate)
        #expect(settings.rewardTuning?.vice.loss == .discriminator)

        let bare = try ComparisonSettings.resolve(preset: nil, overrides: .init(tasks: ["door-v1"], rewards: ["vice"], steps: 10,
                                                                               viceLoss: .discriminator))
        #expect(bare.rewardTuning == RewardTuning(viceLoss: .discriminator), "without a preset the loss is the only tuning")

        do {
            _ = try CompareCommand.parse(["--preset", "suite", "--vice-loss", "bce", "--out", "unused"])
            Issue.record("an unknown VICE loss should be refused")
        } catch {
            let message = CompareCommand.fullMessage(for: error)
            #expect(message.contains("bce") && message.contains("binaryCrossEntropy") && message.contains("discriminator"), "\(message)")
        }
    }

    @Test("without a preset, tasks, rewards and steps are required and the rest take train's defaults")
    func withoutPreset() throws {
        let settings = try ComparisonSettings.resolve(
            preset: nil, overrides: .init(tasks: ["maze-spiral-v3"], rewards: ["vice"], steps: 500))
        #expect(settings == ComparisonSettings(tasks: ["maze-spiral-v3"], rewards: ["vice"], seeds: 3, steps: 500,
                                               evaluationInterval: 1000, evaluationEpisodes: 10, hiddenSizes: [256, 256],
                                               rewardPreset: .fast))
        #expect(throws: ExperimentError.missingSettings(["tasks", "steps"])) {
            try ComparisonSettings.resolve(preset: nil, overrides: .init(rewards: ["vice"]))
        }
    }

    @Test("a directory holding cells trained otherwise is refused, naming it; the grid may grow; --force starts again",
          .tags(.slow), .skippedInFastTier)
    func otherSettingsRefused() throws {
        let directory = try temporaryDirectory().appendingPathComponent("cmp")
        let grid = ["--tasks", "maze-zigzag-v1", "--rewards", "sparse", "--hidden", "8,8",
                    "--evaluation-interval", "50", "--evaluation-episodes", "1", "--jobs", "1", "--out", directory.path,
                    "--seeds"]
        let oneSeed = grid + ["1"]
        let log = directory.deletingLastPathComponent().appendingPathComponent("compare.log")
        #expect(try mural(["compare", "--steps", "50"] + oneSeed, log: log).waitForExit() == 0, "first comparison: \(text(log))")
        let firstReport = text(directory.appendingPathComponent("report.md"))
        #expect(firstReport.contains("1 seed(s) of 50 environment steps"), "\(firstReport)")

        do {
            try CompareCommand.parse(["--steps", "60"] + oneSeed).run()
            Issue.record("other settings in the same directory should be refused")
        } catch {
            let message = CompareCommand.fullMessage(for: error)
            #expect(message.contains("\(directory.path) already holds a run with a different configuration; pass --force"), "\(message)")
        }
        #expect(text(directory.appendingPathComponent("report.md")) == firstReport, "a refused comparison must not touch the directory")

        // More seeds of the same cells: the finished seed is kept, the new one runs.
        #expect(try mural(["compare", "--steps", "50"] + grid + ["2"], log: log).waitForExit() == 0,
                "a grown grid: \(text(log))")
        let grown = text(directory.appendingPathComponent("report.md"))
        #expect(grown.contains("| maze-zigzag-v1 | sparse | 0 | skipped") && grown.contains("| maze-zigzag-v1 | sparse | 1 | completed"),
                "seed 0 should be skipped as complete and seed 1 run: \(grown)")

        #expect(try mural(["compare", "--steps", "60", "--force"] + oneSeed, log: log).waitForExit() == 0, "forced: \(text(log))")
        #expect(text(directory.appendingPathComponent("report.md")).contains("1 seed(s) of 60 environment steps"))
        #expect(text(directory.appendingPathComponent("config.json")).contains("\"steps\" : 60"))
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("runs/maze-zigzag-v1/sparse/seed-1").path),
                "--force deletes the earlier comparison")
    }

    @Test("the suite preset: every task and reward, 10 seeds on the mazes, each task's budget, and explicit options win")
    func suitePreset() throws {
        let suite = ComparisonPreset.suite.settings
        #expect(suite.tasks.count == 5 && suite.rewards == ["metanml", "vice", "count", "sparse", "dense"])
        #expect(suite.seeds(for: "maze-zigzag-v1") == 10 && suite.seeds(for: "maze-spiral-v3") == 10 && suite.seeds(for: "door-v1") == 5)
        #expect(suite.cells.count == (2 * 10 + 3 * 5) * 5)
        #expect(Set(suite.tasks.map(suite.steps(for:))).count > 1, "tasks have their own budgets")
        #expect(suite.rewardTuning == RewardTuning(metaNMLInnerStepScale: 0.25, viceLearningRate: 1e-3, viceLoss: .binaryCrossEntropy),
                "the tuning sweep's choice (results/tuning, results/ablation-vice-loss) is frozen into the suite")
        #expect(suite.taskTargetEntropies == ["maze-zigzag-v1": 0, "maze-spiral-v3": 0, "pusher-v1": 0, "hand-valve-v3": 0],
                "the mazes', the pusher's and the hand's ceilings need SAC target entropy 0 (results/ceiling)")
        #expect(suite.budgetDescription.hasSuffix(
                    "; SAC target entropy 0.0 on maze-zigzag-v1, 0.0 on maze-spiral-v3, 0.0 on pusher-v1, 0.0 on hand-valve-v3 (−|A| on the other tasks)"),
                "\(suite.budgetDescription)")
        #expect(suite.evaluationEpisodes == 30, "10 episodes left a run's score at the mercy of one or two hard ones")
        let cellFile = String(decoding: try suite.cellTrainingFile(), as: UTF8.self)
        #expect(cellFile.contains("\"metaNMLInnerStepScale\" : 0.25") && cellFile.contains("\"viceLearningRate\" : 0.001"),
                "cells train with the frozen tuning: \(cellFile)")
        let overridden = try ComparisonSettings.resolve(preset: .suite, overrides: .init(seeds: 2, steps: 1000))
        #expect(overridden.cells.count == 5 * 5 * 2 && overridden.tasks.allSatisfy { overridden.steps(for: $0) == 1000 },
                "--seeds and --steps apply to every task")
    }

    @Test("a task's own target entropy: read per task, finite, kept by --steps and --seeds, and described only when the grid has one")
    func taskTargetEntropies() throws {
        var settings = ComparisonPreset.quick.settings
        let plain = settings.budgetDescription
        settings.taskTargetEntropies = ["maze-spiral-v3": 0]
        try settings.validate()
        #expect(settings.targetEntropy(for: "maze-spiral-v3") == 0 && settings.targetEntropy(for: "maze-zigzag-v1") == nil)
        #expect(settings.taskEntropies == nil && settings.budgetDescription == plain,
                "an entropy of a task outside the grid is neither recorded nor described: \(settings.budgetDescription)")
        settings.tasks.append("maze-spiral-v3")
        #expect(settings.taskEntropies == ["maze-spiral-v3": 0])
        #expect(settings.budgetDescription == plain.replacingOccurrences(of: "1 task(s)", with: "2 task(s)")
                + "; SAC target entropy 0.0 on maze-spiral-v3 (−|A| on the other tasks)", "\(settings.budgetDescription)")
        settings.taskTargetEntropies["maze-zigzag-v1"] = -0.5
        #expect(settings.budgetDescription.hasSuffix("; SAC target entropy -0.5 on maze-zigzag-v1, 0.0 on maze-spiral-v3"),
                "\(settings.budgetDescription)")

        let overridden = try ComparisonSettings.resolve(preset: .suite, overrides: .init(seeds: 2, steps: 1000))
        #expect(overridden.taskTargetEntropies == ComparisonPreset.suite.settings.taskTargetEntropies,
                "--steps and --seeds replace budgets, not target entropies")
        #expect(overridden.taskSteps.isEmpty && overridden.taskSeeds.isEmpty)

        settings.taskTargetEntropies["maze-zigzag-v1"] = .infinity
        #expect(throws: ExperimentError.invalidSetting(setting: "the target entropy of maze-zigzag-v1", problem: "must be finite, got inf")) {
            try settings.validate()
        }
    }

    @Test("--dry-run prints every cell and the estimated cost, and writes nothing")
    func dryRun() throws {
        let directory = try temporaryDirectory().appendingPathComponent("suite")
        let log = directory.deletingLastPathComponent().appendingPathComponent("dry-run.log")
        #expect(try mural(["compare", "--preset", "suite", "--out", directory.path, "--dry-run", "--jobs", "2"], log: log).waitForExit() == 0,
                "\(text(log))")
        let lines = text(log).split(separator: "\n")
        #expect(lines.filter { $0.hasPrefix("runs/") }.count == 175, "one line per cell")
        #expect(lines.contains { $0.hasPrefix("runs/maze-zigzag-v1/metanml/seed-9  ") })
        let summary = try #require(lines.last.map(String.init))
        #expect(summary.hasPrefix("175 cells (") && summary.contains("core-hours") && summary.contains("at --jobs 2"), "\(summary)")
        #expect(!FileManager.default.fileExists(atPath: directory.path), "a dry run writes nothing")
    }

    @Test("a resumed grid's estimate: finished cells cost nothing, their measured speed replaces the table's, and scales the table for the rest")
    func calibratedCost() throws {
        let settings = ComparisonPreset.quick.settings
        let fresh = try ComparisonCost(settings: settings, families: ["maze-zigzag-v1": .maze])
        let finished = RunEvaluations(task: "maze-zigzag-v1", method: "metanml", seed: 0, points: [
            EvaluationPoint(step: 60_000, successFinal: 0, successAny: 0, goalDistance: 5, wallSeconds: 500),
            EvaluationPoint(step: 120_000, successFinal: 0, successAny: 0, goalDistance: 5, wallSeconds: 1200),
        ])
        let resumed = try ComparisonCost(settings: settings, families: ["maze-zigzag-v1": .maze], finished: [finished])
        #expect(fresh.finishedCells == 0 && fresh.cellSeconds.count == 9 && fresh.calibrated.isEmpty)
        #expect(resumed.finishedCells == 1 && resumed.cellSeconds.count == 8, "seed 0 of metanml is not run again")
        #expect(resumed.calibrated == ["maze-zigzag-v1/metanml"])
        let seconds = Dictionary(uniqueKeysWithValues: resumed.cellSeconds.map { ($0.cell, $0.seconds) })
        #expect(seconds[GridCell(task: "maze-zigzag-v1", reward: "metanml", seed: 1)] == 1200,
                "120k steps at the finished run's 100 steps per second")
        // The finished run went at 100 steps per second against the table's 590: VICE's table rate is scaled by 100/590.
        #expect(abs(resumed.machineSpeed - 100.0 / 590) < 1e-12, "\(resumed.machineSpeed)")
        let viceSeconds = try #require(fresh.cellSeconds.first { $0.cell.reward == "vice" }?.seconds)
        #expect(abs(seconds[GridCell(task: "maze-zigzag-v1", reward: "vice", seed: 0)]! - viceSeconds * 5.9) < 1e-6,
                "VICE takes the table's time at the finished runs' speed against the table")
        #expect(fresh.machineSpeed == 1, "without finished runs the table stands")
        // Runs the table cannot price (a task of no known family, a tuning variant's name) leave the speed alone.
        let unpriced = ["door-v1/metanml", "maze-zigzag-v1/vice-lr-1e-3"].map { name in
            let parts = name.split(separator: "/").map(String.init)
            return RunEvaluations(task: parts[0], method: parts[1], seed: 0, points: finished.points)
        }
        let mixed = try ComparisonCost(settings: settings, families: ["maze-zigzag-v1": .maze], finished: [finished] + unpriced)
        #expect(mixed.machineSpeed == resumed.machineSpeed && mixed.cellSeconds.count == 8)
    }

    @Test("mural compare rejects a missing grid, an unknown preset, task or reward and a bad value, naming the valid ones")
    func commandErrors() throws {
        let out = ["--out", try temporaryDirectory().appendingPathComponent("cmp").path]
        let cases: [([String], String)] = [
            (["--rewards", "sparse", "--steps", "100"], "without --preset, give --tasks"),
            (["--preset", "huge"], "unknown preset 'huge'; valid presets: quick, suite, paper"),
            (["--preset", "quick", "--steps", "0"], "--steps must be positive, got 0"),
            (["--preset", "quick", "--hidden", "8,x"], "--hidden expects positive comma-separated integers such as 256,256, got '8,x'"),
            (["--preset", "quick", "--tasks", "maze-zigzag-v9"], "unknown task 'maze-zigzag-v9'; valid ids: "),
            (["--preset", "quick", "--rewards", "sparse,curiosity"], "unknown reward 'curiosity'; valid rewards: metanml, vice, count, sparse, dense"),
        ]
        for (arguments, expected) in cases {
            do {
                try CompareCommand.parse(arguments + out).run()
                Issue.record("\(arguments) should fail")
            } catch {
                let message = CompareCommand.fullMessage(for: error)
                #expect(message.contains(expected), "\(arguments): \(message)")
                #expect(CompareCommand.exitCode(for: error) != .success, "\(arguments)")
            }
        }
        #expect(!FileManager.default.fileExists(atPath: out[1]), "nothing should be written for bad input")
    }

    @Test("meta-NML's cells start first, the others in the given order; results keep the given order")
    func schedule() {
        let grid = ComparisonGrid(tasks: ["a", "b"], rewards: ["sparse", "metanml", "vice"], seeds: [0],
                                  directory: URL(fileURLWithPath: "/nonexistent"))
        #expect(grid.schedule.map { "\($0.task)/\($0.reward)" } == ["a/metanml", "b/metanml", "a/sparse", "a/vice", "b/sparse", "b/vice"])
        #expect(grid.cells.map(\.reward) == ["sparse", "metanml", "vice", "sparse", "metanml", "vice"])
    }

    @Test("a comparison grows by tasks with their own budgets, but a budget or setting that differs is refused")
    func growingByTasks() throws {
        func record(_ budgets: [String: Int]?, hidden: [Int] = [64, 64]) -> ComparisonRecord {
            ComparisonRecord(mural: "0", blasCore: "Haswell", steps: 300, evaluationInterval: 10, evaluationEpisodes: 2, hiddenSizes: hidden,
                             rewardPreset: .fast, taskSteps: budgets, rewardTuning: nil)
        }
        let first = record(["a": 100, "b": 200])
        // The directory holds runs of a and b, and of d at the shared 300 steps.
        func grow(_ record: ComparisonRecord, _ tasks: [String]) throws -> ComparisonRecord {
            try record.growing(first, tasks: tasks, earlierTasks: ["a", "b", "d"], directory: "/cmp")
        }
        #expect(try grow(record(["c": 600]), ["c"]).taskSteps == ["a": 100, "b": 200, "c": 600])
        #expect(try grow(record(["b": 200, "c": 600]), ["b", "c"]).taskSteps == ["a": 100, "b": 200, "c": 600])
        #expect(throws: ExperimentError.taskSettingMismatch(path: "/cmp", task: "b", recorded: "200 steps", given: "250 steps"),
                "a changed budget must be refused, not merged away") { try grow(record(["b": 250]), ["b"]) }
        #expect(throws: ExperimentError.taskSettingMismatch(path: "/cmp", task: "d", recorded: "300 steps", given: "600 steps"),
                "a task that ran at the shared budget cannot get its own") { try grow(record(["d": 600]), ["d"]) }
        #expect(throws: ExperimentError.taskSettingMismatch(path: "/cmp", task: "a", recorded: "100 steps", given: "300 steps"),
                "a task with its own budget cannot fall back to the shared one") { try grow(record(nil), ["a"]) }
        #expect(try grow(record(["c": 600], hidden: [8]), ["c"]).hiddenSizes == [8], "other settings are compared as they are")
        #expect(try first.growing(nil, tasks: ["a"], earlierTasks: [], directory: "/cmp") == first)

        // The suite's budgets are recorded for the grid's own tasks only, so --tasks can grow it later.
        var settings = ComparisonPreset.suite.settings
        settings.tasks = ["maze-zigzag-v1", "door-v1"]
        #expect(settings.taskBudgets == ["maze-zigzag-v1": 300_000])
        settings.tasks = ["door-v1"]
        #expect(settings.taskBudgets == nil)
    }
}
