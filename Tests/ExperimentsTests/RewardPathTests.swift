@testable import Experiments
import Foundation
@testable import MuralCLI
import Render
import Rewards
import TaskSuite
import TestSupport
import Testing

@Suite("Reward paths")
struct RewardPathTests {
    typealias Fixture = RewardMapFixture

    /// Finished-looking runs of the zigzag maze: a VICE and a tiny meta-NML classifier, each trained
    /// briefly on the corridor negatives.
    static func classifierRuns(in directory: String) throws -> (vice: String, metanml: String) {
        let environment = try Fixture.registry.makeEnvironment("maze-zigzag-v1")
        let negatives = try Fixture.features(Fixture.corridorNegatives)
        var runs: [String] = []
        for reward in [RewardChoice.vice, .metanml] {
            let subject = try RewardMapSubject.trained(environment: environment, reward: reward, negatives: negatives, source: "test",
                                                       metaNML: Fixture.tinyMetaNML, viceSteps: 3, exampleCount: 10, seed: 2)
            let run = "\(directory)/\(reward.rawValue)"
            try FileManager.default.createDirectory(atPath: run, withIntermediateDirectories: true)
            try Fixture.makeRun(in: run, reward: reward, model: subject.model)
            runs.append(run)
        }
        return (runs[0], runs[1])
    }

    @Test("the expert's episode runs from the reset to the horizon and reaches the goal, the same for the same seed, as render's")
    func expertEpisode() throws {
        let environment = try Fixture.registry.makeEnvironment("door-v1")
        let (features, successes) = try RewardPath.episode(environment, seed: 3)
        #expect(features.rows == environment.horizon + 1 && successes.count == features.rows,
                "\(features.rows) states for a horizon of \(environment.horizon)")
        #expect(features.columns == environment.classifierFeatureSpec.count)
        #expect(successes.first == false && successes.last == true, "the door's expert starts away from success and ends in it")
        let (again, _) = try RewardPath.episode(try Fixture.registry.makeEnvironment("door-v1"), seed: 3)
        #expect(again.values == features.values, "the same seed gave a different episode")
        // The episode is `mural render --seed 3`'s (and `mural evaluate`'s first): Evaluator's episode 0.
        var rendered: [[Double]] = []
        _ = try Evaluator.episode(try Fixture.registry.makeEnvironment("door-v1"), index: 0, evaluationSeed: 3,
                                  makeActor: { Evaluator.actor(.expert, seed: $0) }, onReset: { rendered.append($0) }, onStep: { rendered.append($0.observation) })
        #expect(rendered.map { environment.classifierFeatures($0).map(Float.init) }.flatMap { $0 } == features.values)
    }

    @Test("a run's own policy can act the episode: a random policy's differs from the expert's")
    func policyActsTheEpisode() throws {
        let directory = try Fixture.scratchDirectory("path-policy")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let runs = try Self.classifierRuns(in: directory)
        let expert = try RewardPath(runDirectories: [runs.vice], seed: 0, registry: Fixture.registry)
        let random = try RewardPath(runDirectories: [runs.vice], seed: 0, registry: Fixture.registry, pathName: "a random policy") {
            Evaluator.actor(.random, seed: $0)
        }
        #expect(random.pathName == "a random policy" && expert.pathName == "the expert")
        #expect(random.curves[0].probabilities != expert.curves[0].probabilities)
        #expect(!random.successes.contains(true), "a random walk does not solve the zigzag maze")
        try RewardPathCommand.parse(["--run", runs.vice, "--policy", "random", "--out", "\(directory)/random.png"]).run()
        #expect(FileManager.default.fileExists(atPath: "\(directory)/random.png"))
    }

    @Test("each run's classifier gives p(success) along the path: VICE's logits through the logistic, meta-NML's as they are")
    func probabilitiesAlongThePath() throws {
        let directory = try Fixture.scratchDirectory("path")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let runs = try Self.classifierRuns(in: directory)
        let path = try RewardPath(runDirectories: [runs.vice, runs.metanml], seed: 0, registry: Fixture.registry)
        #expect(path.taskID == "maze-zigzag-v1" && path.curves.map(\.label) == ["vice, seed 7", "metanml, seed 7"])
        #expect(path.successes.contains(true), "the zigzag's expert reaches the goal")

        let (features, _) = try RewardPath.episode(try Fixture.registry.makeEnvironment("maze-zigzag-v1"), seed: 0)
        let logits = try RunDirectory(URL(fileURLWithPath: runs.vice)).finalRewardModel().rewards(features: features, successes: nil)
        #expect(path.curves[0].probabilities == logits.map { 1 / (1 + exp(-Double($0))) })
        #expect(path.curves[0].logOdds == logits.map(Double.init), "VICE's log-odds are its logits, its reward")
        for (p, logOdds) in zip(path.curves[1].probabilities, path.curves[1].logOdds) {
            #expect(abs(1 / (1 + exp(-logOdds)) - min(max(p, 1e-6), 1 - 1e-6)) < 1e-9, "meta-NML's log-odds \(logOdds) are not those of p = \(p)")
        }
        for curve in path.curves {
            #expect(curve.probabilities.count == path.successes.count)
            #expect(curve.probabilities.allSatisfy { (0...1).contains($0) }, "\(curve.label) leaves [0, 1]")
        }

        let lines = path.csv.split(separator: "\n")
        #expect(lines.first == #"step,success,"vice, seed 7: p","vice, seed 7: log-odds","metanml, seed 7: p","metanml, seed 7: log-odds""#)
        #expect(lines.count == path.successes.count + 1)
    }

    @Test("mural reward-path writes the same PNG and CSV bytes for the same runs and seed")
    func commandIsDeterministic() throws {
        let directory = try Fixture.scratchDirectory("path-command")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let runs = try Self.classifierRuns(in: directory)
        var outputs: [Data] = []
        for _ in 0..<2 {
            try RewardPathCommand.parse(["--run", runs.metanml, "--run", runs.vice, "--seed", "1",
                                         "--out", "\(directory)/path.png", "--csv", "\(directory)/path.csv"]).run()
            outputs += [try Data(contentsOf: URL(fileURLWithPath: "\(directory)/path.png")),
                        try Data(contentsOf: URL(fileURLWithPath: "\(directory)/path.csv"))]
        }
        #expect(outputs[0] == outputs[2] && outputs[1] == outputs[3])
        let image = try PNG.read(from: "\(directory)/path.png")
        #expect(image.width == 720 && image.height == 880, "two 720 × 440 charts, one above the other")
    }

    @Test("runs that are not classifiers, runs of different tasks and no runs are refused by name")
    func badRunsAreRefused() throws {
        let directory = try Fixture.scratchDirectory("path-errors")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let runs = try Self.classifierRuns(in: directory)
        let count = "\(directory)/count", door = "\(directory)/door"
        for run in [count, door] { try FileManager.default.createDirectory(atPath: run, withIntermediateDirectories: true) }
        let zigzag = try Fixture.registry.makeEnvironment("maze-zigzag-v1"), doorEnvironment = try Fixture.registry.makeEnvironment("door-v1")
        try Fixture.makeRun(in: count, reward: .count, model: try #require(try RewardChoice.count.makeModel(environment: zigzag, preset: .fast, seed: 0)))
        let doorModel = try #require(try RewardChoice.vice.makeModel(environment: doorEnvironment, preset: .fast, seed: 0))
        try Fixture.makeRun(in: door, task: "door-v1", reward: .vice, model: doorModel,
                            visited: [Array(repeating: 0, count: doorModel.featureDimension)])

        let cases: [([String], String)] = [
            ([count], "run \(count) trained with reward 'count', which is not a classifier of success; reward paths show metanml, vice"),
            ([runs.vice, door], "run \(door) is of task door-v1, the first run's is maze-zigzag-v1"),
            (["\(directory)/none"], "\(directory)/none/config.json does not exist"),
        ]
        for (directories, message) in cases {
            #expect {
                _ = try RewardPath(runDirectories: directories, seed: 0, registry: Fixture.registry)
            } throws: { "\($0)".contains(message) }
        }
        #expect(throws: (any Error).self) { try RewardPathCommand.parse(["--out", "\(directory)/p.png"]).validate() }
    }
}
