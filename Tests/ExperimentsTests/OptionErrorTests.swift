import Experiments
import Foundation
@testable import MuralCLI
import Testing

@Suite("Library errors and the options that resolve them")
struct OptionErrorTests {
    @Test("library errors name no option of mural; the commands say which option gives or resolves them")
    func libraryErrorsNameNoOptions() throws {
        let cases: [(ExperimentError, String)] = [
            (.configurationMismatch(path: "/r"),
             "/r already holds a run with a different configuration; pass --force to overwrite it, or choose another directory"),
            (.incompleteRunExists(path: "/r"),
             "/r already holds an unfinished run with this configuration; pass --resume to continue it or --force to start again"),
            (.invalidSetting(setting: "evaluationInterval", problem: "must be positive, got 0"), "--evaluation-interval must be positive, got 0"),
            (.invalidSetting(setting: "the step budget of door-v1", problem: "must be positive, got 0"),
             "the step budget of door-v1 must be positive, got 0"),
            (.missingSettings(["tasks", "steps"]), "without --preset, give --tasks, --steps (or choose a preset: quick, suite, paper)"),
        ]
        for (error, message) in cases {
            #expect(!error.description.contains("--"), "\(error.description)")
            #expect(OptionError(error).description == message)
        }
        #expect(throws: ExperimentError.missingSettings(["rewards", "steps"])) {
            try ComparisonSettings.resolve(preset: nil, overrides: .init(tasks: ["maze-zigzag-v1"]))
        }
        var settings = ComparisonPreset.quick.settings
        settings.hiddenSizes = []
        #expect(throws: ExperimentError.invalidSetting(setting: "hiddenSizes", problem: "must be positive widths, got []")) {
            try settings.validate()
        }
    }

    @Test("mural train into another run's directory, or over its unfinished run, names the options that resolve it")
    func trainRefusals() throws {
        let run = try temporaryDirectory().appendingPathComponent("run")
        let train = ["--task", "maze-zigzag-v1", "--reward", "dense", "--steps", "20", "--hidden", "4", "--evaluation-interval", "20",
                     "--evaluation-episodes", "1", "--out", run.path]
        try TrainCommand.parse(train).run()
        #expect { try TrainCommand.parse(train + ["--seed", "1"]).run() } throws: { error in
            "\(error)" == "\(run.path) already holds a run with a different configuration; pass --force to overwrite it, or choose another directory"
        }
        try FileManager.default.removeItem(at: run.appendingPathComponent(RunDirectory.completionFile))
        #expect { try TrainCommand.parse(train).run() } throws: { error in
            "\(error)".hasSuffix("unfinished run with this configuration; pass --resume to continue it or --force to start again")
        }
        try TrainCommand.parse(train + ["--resume"]).run()
        #expect(RunDirectory(run).isComplete)
    }
}
