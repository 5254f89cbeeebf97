import ArgumentParser
import Experiments
import Foundation
import Render
import TaskSuite

struct RolloutCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollout",
        abstract: "Play a file of actions in a task from a seed, and write the observations as .npy.",
        discussion: """
            Resets the task with --seed, then steps it under each row of ACTIONS.npy (float32, N×A) \
            until the rows run out or the episode ends. Writes OUT.npy, float32 (steps + 1)×O: the \
            first observation, then the one after each step. With --frames, also renders every state \
            as `mural render` does (frame_0000.png, ..., sheet.png, episode.gif). The Python package's \
            environments give the same observations for the same seed and actions.
            """)

    @Option(help: "Task id (see `mural tasks`).") var task: String
    @Option(help: "Seed of the episode.") var seed: UInt64 = 0
    @Option(help: ArgumentHelp("Actions, float32 N×A.", valueName: "actions.npy")) var actions: String
    @Option(name: .customLong("out"), help: ArgumentHelp("Output observations file.", valueName: "observations.npy")) var output: String
    @Option(help: ArgumentHelp("Also render every state into this directory.", valueName: "dir")) var frames: String?
    @Option(help: "Image width in pixels, with --frames.") var width = 320
    @Option(help: "Image height in pixels, with --frames.") var height = 240

    func validate() throws {
        guard output.hasSuffix(".npy") else { throw ValidationError("--out must name a .npy file") }
        guard width > 0, height > 0 else { throw ValidationError("--width and --height must be positive") }
    }

    func run() throws {
        let environment = try TaskRegistry.located().makeEnvironment(task)
        let matrix = try NPY.readFloat32Matrix(from: actions)
        guard matrix.columns == environment.actionSpec.count else {
            throw ExperimentError.invalidFile(path: actions, reason: "has \(matrix.columns) columns; \(task) takes \(environment.actionSpec.count) action components")
        }
        let appearance = TaskAppearance(environment)
        let recorder = try frames.map { try EpisodeRecorder(directory: $0, width: width, height: height, shadowFiltering: .bilinear) }
        var observations = [try environment.reset(seed: seed)]
        try recorder?.record(appearance.scene(environment), camera: appearance.camera, step: 0,
                             success: environment.isSuccess(observations[0]))
        var ending = "the actions ran out"
        for row in 0..<matrix.rows {
            guard environment.phase == .running else {
                throw ExperimentError.invalidFile(path: actions, reason: "has \(matrix.rows) rows, but the episode ended after \(row) steps")
            }
            let result = try environment.step(matrix.row(row).map(Double.init))
            observations.append(result.observation)
            try recorder?.record(appearance.scene(environment), camera: appearance.camera, step: environment.stepCount,
                                 success: result.info.success)
            if result.terminated { ending = "terminated" } else if result.truncated { ending = "truncated" }
        }
        try NPY.float32Matrix(observations, columns: environment.observationSpec.count).write(to: URL(fileURLWithPath: output))
        if let recorder { _ = try recorder.finish() }
        print("\(output): \(task) from seed \(seed), \(matrix.rows) steps (\(ending))")
    }
}
