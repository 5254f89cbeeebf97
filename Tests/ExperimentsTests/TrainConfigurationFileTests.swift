@testable import Experiments
import Foundation
import Rewards
@testable import MuralCLI
import TaskSuite
import Testing

@Suite("mural train --config")
struct TrainConfigurationFileTests {
    func write(_ contents: String, in directory: URL, name: String = "train.yaml") throws -> String {
        let path = directory.appendingPathComponent(name).path
        try Data(contents.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test("the file's values land in config.json; options on the command line replace them")
    func fileThenCommandLine() throws {
        let directory = try temporaryDirectory()
        let file = try write("""
            task: maze-zigzag-v1
            reward: sparse
            steps: 200
            seed: 7
            evaluationInterval: 100
            evaluationEpisodes: 1
            rewardPreset: paper
            sac:
              hiddenSizes: [8, 8]
              batchSize: 16
              qLearningRate: 1.0e-3
              targetEntropy: -1.5
              logStdRange: [-10, 1]
            """, in: directory)
        let run = directory.appendingPathComponent("run")
        try TrainCommand.parse(["--config", file, "--seed", "3", "--evaluation-episodes", "2", "--out", run.path]).run()

        let training = try RunDirectory(run).configuration().training
        var expected = TrainingConfiguration(task: "maze-zigzag-v1", reward: .sparse, steps: 200, seed: 3)
        expected.evaluationInterval = 100
        expected.evaluationEpisodes = 2
        expected.rewardPreset = .paper
        expected.sac.hiddenSizes = [8, 8]
        expected.sac.batchSize = 16
        expected.sac.qLearningRate = 1e-3
        expected.sac.targetEntropy = -1.5
        expected.sac.logStdRange = -10...1
        #expect(training == expected, "config.json holds \(training)")
    }

    @Test("--target-entropy replaces the file's sac.targetEntropy, negative values included; a non-finite one is refused naming the option")
    func targetEntropyOption() throws {
        let directory = try temporaryDirectory()
        let file = try write("task: maze-spiral-v3\nreward: dense\nsteps: 10\nsac:\n  targetEntropy: -1.5\n", in: directory)
        let out = ["--out", directory.appendingPathComponent("run").path]
        func entropy(_ arguments: [String]) throws -> Float? {
            try TrainCommand.parse(arguments + out).resolvedConfiguration().sac.targetEntropy
        }
        #expect(try entropy(["--config", file]) == -1.5, "without the option, the file's value holds")
        #expect(try entropy(["--config", file, "--target-entropy", "0"]) == 0, "the option replaces the file's value")
        #expect(try entropy(["--target-entropy", "-2.5", "--config", file]) == -2.5, "a negative value is a value, not an option")
        #expect(try entropy(["--task", "maze-spiral-v3", "--reward", "dense", "--steps", "10"]) == nil, "the default stays −|A|")
        #expect(TrainCommand.helpMessage().contains("--target-entropy <entropy>"), "\(TrainCommand.helpMessage())")
        for bad in ["nan", "inf", "-inf", "1e50", "high"] {
            do {
                _ = try TrainCommand.parse(["--config", file, "--target-entropy", bad] + out)
                Issue.record("--target-entropy \(bad) should be refused")
            } catch {
                let message = TrainCommand.fullMessage(for: error)
                #expect(message.contains("--target-entropy must be a finite number such as 0 or -2, got '\(bad)'"), "\(bad): \(message)")
                #expect(TrainCommand.exitCode(for: error) != .success)
            }
        }
    }

    @Test("JSON is read too, and a file may leave task, reward and steps to the command line")
    func jsonSubset() throws {
        let directory = try temporaryDirectory()
        let file = try write(#"{"sac": {"warmUpSteps": 0, "discount": 0.9}, "successExamples": 50}"#, in: directory, name: "train.json")
        let command = try TrainCommand.parse(["--config", file, "--task", "pusher-v1", "--reward", "vice", "--steps", "10",
                                              "--out", directory.path])
        let configuration = try command.resolvedConfiguration()
        #expect(configuration.task == "pusher-v1" && configuration.steps == 10 && configuration.seed == 0)
        #expect(configuration.sac.warmUpSteps == 0 && configuration.sac.discount == 0.9 && configuration.successExamples == 50)
        #expect(configuration.sac.hiddenSizes == [256, 256], "keys the file does not give keep their defaults")
        #expect(configuration.rewardTuning == nil, "untuned runs keep the presets' reward settings")
    }

    @Test("rewardTuning sets meta-NML's inner step and VICE's variant and learning rate, and reaches the models")
    func rewardTuning() throws {
        let directory = try temporaryDirectory()
        let file = try write("rewardTuning: {metaNMLInnerStepScale: 0.25, viceVariant: raq, viceLearningRate: 1.0e-3, "
                             + "viceLoss: binaryCrossEntropy}\n", in: directory)
        let command = try TrainCommand.parse(["--config", file, "--task", "maze-zigzag-v1", "--reward", "vice", "--steps", "10",
                                              "--out", directory.path])
        let tuning = try #require(try command.resolvedConfiguration().rewardTuning)
        #expect(tuning == RewardTuning(metaNMLInnerStepScale: 0.25, viceVariant: .raq, viceLearningRate: 1e-3,
                                       viceLoss: .binaryCrossEntropy))
        var expectedVICE = VICERewardModel.Configuration.viceRAQ
        expectedVICE.learningRate = 1e-3
        expectedVICE.loss = .binaryCrossEntropy
        #expect(tuning.vice == expectedVICE)
        // A quarter of each family's fast α: 0.16 → 0.04 on the mazes, 0.04 → 0.01 on the door, exactly.
        #expect(tuning.metaNML(.fast(.maze)).innerStepSize == 0.04 && tuning.metaNML(.fast(.maze)).hiddenSize == 128)
        #expect(tuning.metaNML(.fast(.door)).innerStepSize == 0.01)
        let environment = try TaskRegistry.located().makeEnvironment("maze-zigzag-v1")
        let model = try #require(try RewardChoice.vice.makeModel(environment: environment, preset: .fast, seed: 0, vice: tuning.vice)
                                 as? VICERewardModel)
        #expect(model.configuration == expectedVICE)
    }

    @Test("an unknown key, a wrong type, a missing file or a missing task is an error naming the file and key")
    func errors() throws {
        let directory = try temporaryDirectory()
        let out = ["--out", directory.appendingPathComponent("run").path]
        let cases: [(String, [String], String)] = [
            ("sac:\n  learningrate: 0.1\n", [], "train.yaml: key 'sac.learningrate': unknown key"),
            ("task: maze-zigzag-v1\nreward: sparse\nsteps: many\n", [], "train.yaml: key 'steps': expected an integer, got 'many'"),
            ("sac:\n  hiddenSizes: 64\n", [], "train.yaml: key 'sac.hiddenSizes': expected a list of integers"),
            ("sac:\n  discount: 1.5\n", [], "train.yaml: key 'sac.discount': must be in [0.0, 1.0], got 1.5"),
            ("rewardPreset: huge\n", [], "train.yaml: key 'rewardPreset': unknown preset 'huge'; valid: fast, paper"),
            ("reward: sparse\nsteps: 10\n", [], "give --task, or 'task' in"),
            ("steps: [1, 2]\n", ["--task", "maze-zigzag-v1", "--reward", "sparse"], "train.yaml: key 'steps': expected a single value"),
            ("rewardTuning: {viceVariant: raqq}\n", [], "train.yaml: key 'rewardTuning.viceVariant': unknown VICE variant 'raqq'; valid: vice, raq"),
            ("rewardTuning: {metaNMLInnerStepScale: -0.1}\n", [], "key 'rewardTuning.metaNMLInnerStepScale': expected a positive number, got -0.1"),
            ("rewardTuning: {alpha: 0.1}\n", [], "train.yaml: key 'rewardTuning.alpha': unknown key"),
            ("rewardTuning: {viceLoss: hinge}\n", [], "key 'rewardTuning.viceLoss': unknown VICE loss 'hinge'; valid: discriminator, binaryCrossEntropy"),
        ]
        for (contents, arguments, expected) in cases {
            let file = try write(contents, in: directory)
            do {
                let command = try TrainCommand.parse(["--config", file] + arguments + out)
                try command.run()
                Issue.record("\(contents) should fail")
            } catch {
                let message = TrainCommand.fullMessage(for: error)
                #expect(message.contains(expected), "\(contents): \(message)")
                #expect(TrainCommand.exitCode(for: error) != .success)
            }
        }
        do {
            _ = try TrainCommand.parse(["--config", directory.appendingPathComponent("absent.yaml").path] + out)
            Issue.record("a missing --config file should fail")
        } catch {
            #expect(TrainCommand.fullMessage(for: error).contains("absent.yaml does not exist"))
        }
        #expect(!FileManager.default.fileExists(atPath: out[1]), "nothing should be written for bad input")
    }
}
