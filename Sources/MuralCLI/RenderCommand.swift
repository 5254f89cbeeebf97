import ArgumentParser
import Experiments
import Foundation
import Render
import TaskSuite

struct RenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Render episodes of a policy as PNG frames, a contact sheet and an animated GIF.",
        discussion: """
            Rasterises in software: no GPU and no display needed. The same seed and policy give the \
            same bytes, and episode N replays episode N of `mural evaluate` with the same seed. Writes \
            OUT/frame_0000.png, frame_0001.png, ... (the rendered steps in order), OUT/sheet.png (a \
            contact sheet labelled with step numbers, successful steps marked) and OUT/episode.gif. \
            With more than one episode, each goes to OUT/episode-N.
            """)

    @Option(help: "Task id (see `mural tasks`).") var task: String
    @Option(help: "expert, random, or a training run directory.") var policy: PolicyChoice = .reference(.expert)
    @Option(help: "Episodes to render.") var episodes = 1
    @Option(parsing: .unconditional, help: "Seed of the episode and policy seeds, as in `mural evaluate` (default 0).",
            transform: parseSeed)
    var seed: UInt64 = 0
    @Option(name: .customLong("out"), help: "Output directory.") var output: String
    @Option(help: "Image width in pixels.") var width = 320
    @Option(help: "Image height in pixels.") var height = 240
    @Option(help: "Render every K-th step (the first and last are always rendered).") var every = 1
    @OptionGroup var camera: CameraOption

    func validate() throws {
        guard episodes > 0 else { throw ValidationError("--episodes must be positive, got \(episodes)") }
        guard every > 0 else { throw ValidationError("--every must be positive, got \(every)") }
        guard width > 0, height > 0 else { throw ValidationError("--width and --height must be positive") }
    }

    func run() throws { _ = try render() }

    /// Renders episodes `0..<episodes` of an evaluation seeded with `seed`: the same episodes
    /// `mural evaluate --seed` runs (`Evaluator.episode`), returned for checks.
    func render() throws -> [EpisodeOutcome] {
        let environment = try TaskRegistry.located().makeEnvironment(task)
        let appearance = TaskAppearance(environment)
        let view = camera.camera ?? appearance.camera
        try view.validate()
        return try (0..<episodes).map { episode in
            let directory = episodes == 1 ? output : "\(output)/episode-\(episode)"
            // Pictures, not throughput: smooth shadow edges are worth 6–16 % of the frame rate.
            let recorder = try EpisodeRecorder(directory: directory, width: width, height: height, shadowFiltering: .bilinear)
            var successes = 0
            let outcome = try Evaluator.episode(
                environment, index: episode, evaluationSeed: seed, makeActor: policy.makeActor,
                onReset: { observation in
                    try recorder.record(appearance.scene(environment), camera: view, step: 0,
                                        success: environment.isSuccess(observation))
                },
                onStep: { result in
                    if result.info.success { successes += 1 }
                    if environment.stepCount % every == 0 || result.terminated || result.truncated {
                        try recorder.record(appearance.scene(environment), camera: view, step: environment.stepCount,
                                            success: result.info.success)
                    }
                })
            let files = try recorder.finish()
            print("\(directory): \(files.frameCount) frames, \(files.contactSheet), \(files.gif); "
                  + "success on \(successes) of \(outcome.steps) steps")
            return outcome
        }
    }
}
