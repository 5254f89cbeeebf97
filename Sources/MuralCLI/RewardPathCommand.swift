import ArgumentParser
import Experiments
import Foundation
import Render
import TaskSuite

struct RewardPathCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reward-path",
        abstract: "Plot learned reward classifiers along an episode of the scripted expert or a run's policy, on any task.",
        discussion: """
            Rolls out episode 0 of evaluation seed --seed (the episode `mural render --seed` draws) with \
            --policy, the task's scripted expert by default, and plots, for each --run (finished training \
            runs of one task, with the metanml or vice reward), the success probability its final classifier \
            gives each state of the episode (meta-NML's normalised ML probability, the logistic of VICE's \
            logit) over the task's own success rule, and below it the log-odds (VICE's reward). --csv also \
            writes the numbers. The same runs, policy and seed give the same bytes.
            """)

    @Option(name: .customLong("run"), help: ArgumentHelp("A finished training run directory; repeat for several.", valueName: "run-dir"))
    var runDirectories: [String] = []
    @Option(help: "Who acts: expert, random, or a training run directory (its final policy).")
    var policy: PolicyChoice = .reference(.expert)
    @Option(parsing: .unconditional, help: "Evaluation seed; the episode is its episode 0 (default 0).", transform: parseSeed)
    var seed: UInt64 = 0
    @Option(name: .customLong("out"), help: ArgumentHelp("Output PNG file.", valueName: "path.png")) var output: String
    @Option(help: ArgumentHelp("Also write the probabilities as CSV.", valueName: "path.csv")) var csv: String?

    func validate() throws {
        guard !runDirectories.isEmpty else { throw ValidationError("give at least one --run RUN_DIR") }
    }

    func run() throws {
        let path = try RewardPath(runDirectories: runDirectories, seed: seed, registry: try TaskRegistry.located(),
                                  pathName: try pathName(), makeActor: policy.makeActor)
        try PNG.write(path.render(font: try BitmapFont.standard()), to: output, compression: .small)
        if let csv { try OutputFile.write(Array(path.csv.utf8), to: csv) }
        let reached = path.successes.firstIndex(of: true).map { "reaches success at step \($0)" } ?? "never reaches success"
        print("\(output): \(path.taskID), \(path.curves.count) classifier(s) along the \(path.successes.count) states of "
              + "episode 0 of seed \(seed), acted by \(path.pathName), which \(reached)")
    }

    /// "the expert", "a random policy", or "metanml seed 2's policy" from the run's configuration.
    private func pathName() throws -> String {
        switch policy {
        case .reference(.expert): return "the expert"
        case .reference(.random): return "a random policy"
        case .run(let directory):
            let training = try RunDirectory(URL(fileURLWithPath: directory)).configuration().training
            return "\(training.reward.rawValue) seed \(training.seed)'s policy"
        }
    }
}
