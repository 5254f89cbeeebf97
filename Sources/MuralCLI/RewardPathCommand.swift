import ArgumentParser
import Experiments
import Render
import TaskSuite

struct RewardPathCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reward-path",
        abstract: "Plot learned reward classifiers along the scripted expert's path to the goal, on any task.",
        discussion: """
            Rolls out one episode of the task's scripted expert from the reset with --seed and plots, for each \
            --run (finished training runs of one task, with the metanml or vice reward), the success \
            probability its final classifier gives each state of the episode: meta-NML's normalised ML \
            probability, and the logistic of VICE's logit. The task's own success rule is drawn beneath. \
            --csv also writes the numbers. The same runs and seed give the same bytes.
            """)

    @Option(name: .customLong("run"), help: ArgumentHelp("A finished training run directory; repeat for several.", valueName: "run-dir"))
    var runDirectories: [String] = []
    @Option(parsing: .unconditional, help: "Reset seed of the expert's episode (default 0).", transform: parseSeed)
    var seed: UInt64 = 0
    @Option(name: .customLong("out"), help: ArgumentHelp("Output PNG file.", valueName: "path.png")) var output: String
    @Option(help: ArgumentHelp("Also write the probabilities as CSV.", valueName: "path.csv")) var csv: String?

    func validate() throws {
        guard !runDirectories.isEmpty else { throw ValidationError("give at least one --run RUN_DIR") }
    }

    func run() throws {
        let path = try RewardPath(runDirectories: runDirectories, seed: seed, registry: try TaskRegistry.located())
        try PNG.write(path.render(font: try BitmapFont.standard()), to: output, compression: .small)
        if let csv { try OutputFile.write(Array(path.csv.utf8), to: csv) }
        let reached = path.successes.firstIndex(of: true).map { "reaches success at step \($0)" } ?? "never reaches success"
        print("\(output): \(path.taskID), \(path.curves.count) classifier(s) along \(path.successes.count) states of the expert's "
              + "episode (seed \(seed)), which \(reached)")
    }
}
