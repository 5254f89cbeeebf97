import Foundation

/// One child `mural` command: its arguments after the executable, and the directory it writes.
/// Comparisons run their cells and pictures as such commands, and this is the one place their
/// arguments are spelled. A value is plain data, so a plan of them can be written down and run by
/// another executor.
public struct MuralInvocation: Hashable, Sendable, Codable {
    /// The arguments after the `mural` executable, starting with the subcommand.
    public var arguments: [String]
    /// The directory the command writes into: a run directory, or the directory of a picture.
    public var directory: String

    public init(arguments: [String], directory: String) {
        self.arguments = arguments
        self.directory = directory
    }

    /// `mural train` of one grid cell into `runDirectory`, continuing the run if it is unfinished:
    /// the settings every cell shares come from `configurationFile` (a `--config` file, see
    /// `ComparisonSettings.cellTrainingFile`), the cell's own from the cell; `steps` and
    /// `targetEntropy` (the task's own, if it has one) replace the file's, when given.
    public static func train(_ cell: GridCell, configurationFile: String?, steps: Int?, targetEntropy: Float? = nil,
                             runDirectory: String) -> MuralInvocation {
        let configuration = configurationFile.map { ["--config", $0] } ?? []
        let budget = steps.map { ["--steps", String($0)] } ?? []
        // Float's description reads back as the same number.
        let entropy = targetEntropy.map { ["--target-entropy", String($0)] } ?? []
        return MuralInvocation(
            arguments: ["train"] + configuration + ["--task", cell.task, "--reward", cell.reward, "--seed", String(cell.seed)]
                + budget + entropy + ["--out", runDirectory, "--resume"],
            directory: runDirectory)
    }

    /// `mural render` of the final policy of the run in `runDirectory` on `task`: a contact sheet
    /// of every `every`th frame, `width` × `height` pixels each, into `outputDirectory`.
    public static func filmstrip(task: String, runDirectory: String, every: Int, width: Int, height: Int,
                                 outputDirectory: String) -> MuralInvocation {
        MuralInvocation(
            arguments: ["render", "--task", task, "--policy", runDirectory, "--out", outputDirectory,
                        "--every", String(every), "--width", String(width), "--height", String(height)],
            directory: outputDirectory)
    }

    /// `mural reward-map` of the learned reward of the run in `runDirectory`, as the PNG `image`.
    public static func rewardMap(runDirectory: String, image: String) -> MuralInvocation {
        MuralInvocation(arguments: ["reward-map", "--run", runDirectory, "--out", image],
                        directory: (image as NSString).deletingLastPathComponent)
    }

    /// `mural reward-path` of the learned classifiers of the runs in `runDirectories`, as the PNG
    /// `image` and the CSV `csv`.
    public static func rewardPath(runDirectories: [String], image: String, csv: String) -> MuralInvocation {
        MuralInvocation(arguments: ["reward-path"] + runDirectories.flatMap { ["--run", $0] } + ["--out", image, "--csv", csv],
                        directory: (image as NSString).deletingLastPathComponent)
    }
}
