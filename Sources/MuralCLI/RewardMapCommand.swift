import ArgumentParser
import Experiments
import Foundation
import Render
import TaskSuite

struct RewardMapCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reward-map",
        abstract: "Draw a learned reward over a maze's plane, as in the MURAL paper's reward-landscape figures.",
        discussion: """
            A heat map of the reward on a grid over the arena (viridis, with a colour bar from the minimum \
            to the maximum reward), the walls, the start, the goal's success disc, and the states the reward \
            learned from as dots. With --run, the final reward model of a training run (RUN_DIR/reward-model.bin) \
            and its visited states (RUN_DIR/visited.npy); --task and --reward default to the run's. With \
            --negatives, a float32 N×2 .npy file of ball positions: the chosen model learns from generated \
            success examples against them for one update (meta-NML: its initial meta-epochs; VICE: binary \
            cross-entropy, as no policy exists; count: the negatives are the visits). The same inputs and \
            seed give the same PNG bytes.
            """)

    @Option(help: "Maze task id: \(RewardMapCommand.mazeTaskList).") var task: String?
    @Option(help: "Reward to map: \(RewardMapSubject.mappableRewards.map(\.rawValue).joined(separator: ", ")).") var reward: String?
    @Option(name: .customLong("run"), help: ArgumentHelp("A finished training run directory.", valueName: "run-dir")) var runDirectory: String?
    @Option(help: ArgumentHelp("A .npy file of negatives (float32, N×2 ball positions), instead of --run.", valueName: "file.npy")) var negatives: String?
    @Option(help: "meta-NML settings with --negatives: fast (H = 128) or paper (H = 2048).") var preset: RewardPreset = .fast
    @Option(help: "Success examples (positives) generated with --negatives.") var examples = 200
    @Option(help: "Adam steps of VICE's classifier with --negatives.") var viceSteps = 1000
    @Option(parsing: .unconditional, help: "Seed of the examples and the model with --negatives (default 0).", transform: parseSeed)
    var seed: UInt64 = 0
    @Option(help: "Grid cells per side of the arena.") var resolution = 160
    @Option(name: .customLong("out"), help: ArgumentHelp("Output PNG file.", valueName: "map.png")) var output: String

    static var mazeTaskList: String {
        let ids = (try? TaskRegistry.located())?.definitions.filter { $0.family == .maze }.map(\.id)
        return ids?.joined(separator: ", ") ?? "a maze task"
    }

    func validate() throws {
        guard (runDirectory == nil) != (negatives == nil) else {
            throw ValidationError("give exactly one of --run RUN_DIR and --negatives FILE.npy")
        }
        if negatives != nil {
            guard task != nil, reward != nil else { throw ValidationError("--negatives needs --task and --reward") }
        }
        guard examples > 0, viceSteps > 0 else { throw ValidationError("--examples and --vice-steps must be positive") }
        guard (2...1000).contains(resolution) else { throw ValidationError("--resolution must be in 2...1000, got \(resolution)") }
    }

    func run() throws {
        let registry = try TaskRegistry.located()
        let subject: RewardMapSubject, plane: MazePlane
        if let runDirectory {
            let (loaded, environment) = try RewardMapSubject.run(directory: runDirectory, registry: registry)
            if let task, task != loaded.taskID {
                throw ValidationError("--task \(task) differs from the run's task \(loaded.taskID)")
            }
            if let reward, reward != loaded.reward.rawValue {
                throw ValidationError("--reward \(reward) differs from the run's reward \(loaded.reward.rawValue)")
            }
            (subject, plane) = (loaded, try MazePlane(environment))
        } else {
            let choice = try RewardChoice(parsing: reward!)
            try RewardMapSubject.checkMappable(choice)
            let environment = try registry.makeEnvironment(task!)
            // Checked before training, which can take a while.
            plane = try MazePlane(environment)
            let states = try RewardMapSubject.readStates(negatives!, environment: environment)
            // Short enough for the map's subtitle; the example count is in the printed summary.
            let settings = choice == .metanml ? "\(preset.rawValue) preset, " : choice == .vice ? "\(viceSteps) steps, " : ""
            subject = try RewardMapSubject.trained(
                environment: environment, reward: choice, negatives: states,
                source: "\((negatives! as NSString).lastPathComponent), \(settings)seed \(seed)",
                preset: preset, viceSteps: viceSteps, exampleCount: examples, seed: seed)
        }
        let image = try subject.render(plane: plane, resolution: resolution, font: try BitmapFont.standard())
        try PNG.write(image, to: output, compression: .small)
        let positives = runDirectory == nil ? ", \(examples) success examples" : ""
        print("\(output): \(subject.taskID) \(subject.reward.rawValue) reward over \(resolution)×\(resolution) cells, "
              + "\(subject.states.rows) \(subject.statesLabel)\(positives)")
    }
}
