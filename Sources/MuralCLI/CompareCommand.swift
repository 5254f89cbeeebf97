import ArgumentParser
import Experiments
import Foundation
import TaskSuite

struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Train every task × reward × seed in its own process and write a comparison report.",
        discussion: """
            Each cell runs `mural train` in a separate process, --jobs at a time. Cells that already \
            finished are skipped, so an interrupted comparison continues where it stopped. The report \
            goes to OUT/report.md and OUT/report.html, with OUT/cells.csv and OUT/summary.csv.
            """)

    @Option(help: "Comma-separated task ids.") var tasks: String
    @Option(help: "Comma-separated rewards: \(TrainCommand.rewardNames.joined(separator: ", ")).") var rewards: String
    @Option(help: "Number of seeds per task and reward (seeds 0…K−1).") var seeds: Int = 3
    @Option(help: "Environment steps per run.") var steps: Int
    @Option(name: .customLong("out"), help: "Output directory.") var output: String
    @Option(help: "Parallel processes (default: the number of cores).") var jobs: Int = ProcessInfo.processInfo.activeProcessorCount
    @Option(help: "Environment steps between evaluations.") var evaluationInterval: Int = 1000
    @Option(help: "Episodes per evaluation.") var evaluationEpisodes: Int = 10
    @Option(help: "Hidden widths of the SAC networks.") var hidden: String = "256,256"
    @Option(help: "Learned-reward model sizes: fast or paper.") var rewardPreset: RewardPreset = .fast

    func validate() throws {
        guard seeds > 0 else { throw ValidationError("--seeds must be positive, got \(seeds)") }
        guard steps > 0 else { throw ValidationError("--steps must be positive, got \(steps)") }
        guard jobs > 0 else { throw ValidationError("--jobs must be positive, got \(jobs)") }
    }

    func run() throws {
        let registry = try TaskRegistry.located()
        let taskList = list(tasks)
        for task in taskList { _ = try registry.definition(task) }
        let rewardList = list(rewards)
        for reward in rewardList { _ = try RewardChoice(parsing: reward) }
        _ = try parseSizes(hidden)
        let directory = URL(fileURLWithPath: output)
        try RunDirectory.ensureWritable(directory)

        let grid = ComparisonGrid(
            tasks: taskList, rewards: rewardList, seeds: (0..<UInt64(seeds)).map { $0 }, directory: directory,
            trainArguments: ["--steps", String(steps), "--evaluation-interval", String(evaluationInterval),
                             "--evaluation-episodes", String(evaluationEpisodes), "--hidden", hidden,
                             "--reward-preset", rewardPreset.rawValue])
        let results = try grid.run(executable: try currentExecutable(), jobs: jobs) { message in
            FileHandle.standardError.write(Data("mural compare: \(message)\n".utf8))
        }
        var report = ComparisonReport(grid: grid, results: results)
        report.preamble = [
            "mural \(MuralVersion.string); \(taskList.count) task(s) × \(rewardList.count) reward(s) × \(seeds) seed(s), "
                + "\(steps) environment steps per run, evaluated every \(evaluationInterval) steps on \(evaluationEpisodes) episodes; "
                + "SAC hidden sizes \(hidden), learned rewards at the \(rewardPreset.rawValue) preset.",
        ]
        try report.write()
        let failed = results.filter { $0.status == .failed }.count
        print("report: \(directory.appendingPathComponent("report.md").path)"
              + (failed > 0 ? " (\(failed) cell(s) failed; see the report)" : ""))
        if failed > 0 { throw ExitCode(1) }
    }

    private func list(_ text: String) -> [String] {
        text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}

/// The path of the running `mural` binary, so grid cells run the same build.
func currentExecutable() throws -> String {
    let path = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
    return path
}
