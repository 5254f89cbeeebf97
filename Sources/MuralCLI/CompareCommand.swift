import ArgumentParser
import Experiments
import Foundation
import NeuralNet
import Rewards
import TaskSuite

struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Train every task × reward × seed in its own process and write a comparison report.",
        discussion: """
            Each cell runs `mural train` in a separate process, --jobs at a time, meta-NML's (the \
            slowest) first. Cells that already finished are skipped, so an interrupted comparison \
            continues where it stopped, and the grid may grow (more seeds, tasks or rewards). OUT/config.json \
            records what every cell trains with (steps, evaluation, network sizes); other training settings \
            in the same OUT are refused unless --force (which deletes it first). SIGTERM, SIGINT or \
            SIGHUP stop the running cells (each checkpoints), name them, and end the command with 128 + the \
            signal's number; a second signal kills the cells at once. Then, for each task and reward, the finished run with the lowest \
            seed is drawn: a filmstrip of its final policy and, on mazes, its learned reward map, under \
            OUT/pictures (a picture that fails is reported, not fatal). The report goes to OUT/report.md \
            and OUT/report.html, with OUT/cells.csv and OUT/summary.csv. With --preset, the preset \
            supplies every setting an option does not give; without it, --tasks, --rewards and --steps \
            are required.
            """)

    @Option(help: CompareCommand.presetHelp) var preset: String?
    @Option(help: "Comma-separated task ids (required without --preset).") var tasks: String?
    @Option(help: "Comma-separated rewards: \(TrainCommand.rewardNames.joined(separator: ", ")) (required without --preset).")
    var rewards: String?
    @Option(help: "Number of seeds per task and reward (seeds 0…K−1; default 3 without --preset).") var seeds: Int?
    @Option(help: "Environment steps per run (required without --preset).") var steps: Int?
    @Option(name: .customLong("out"), help: "Output directory.") var output: String
    @Option(help: "Parallel processes (default: the number of cores).") var jobs: Int = ProcessInfo.processInfo.activeProcessorCount
    @Option(help: "Environment steps between evaluations (default 1000 without --preset).") var evaluationInterval: Int?
    @Option(help: "Episodes per evaluation (default 10 without --preset).") var evaluationEpisodes: Int?
    @Option(help: "Hidden widths of the SAC networks (default 256,256 without --preset).") var hidden: String?
    @Option(help: "Learned-reward model sizes: fast or paper (default fast without --preset).") var rewardPreset: RewardPreset?
    @Option(help: "OpenBLAS threads per cell (default 1); paper-size meta-NML gains from a few. Each cell then needs that many cores.")
    var threads: Int?
    @Option(help: ArgumentHelp(
        "VICE's loss (default: the preset's, else discriminator): discriminator (the paper's, with the policy's log π) or binaryCrossEntropy (the classifier alone).",
        discussion: "A grid with another loss is another comparison: give it its own --out."))
    var viceLoss: VICERewardModel.LossKind?
    @Flag(help: "Delete a comparison with other settings in the output directory and start again.") var force = false
    @Flag(help: "Print the cells and the estimated cost, and stop without writing anything.") var dryRun = false
    @Flag(help: ArgumentHelp(
        "Prepare OUT and write the grid to OUT/plan.json for another executor instead of running it.",
        discussion: "Each cell is a complete `mural` invocation relative to OUT; see docs/sweeps.md (Ray, Slurm)."))
    var plan = false

    static var presetHelp: ArgumentHelp {
        let presets = ComparisonPreset.all.map { "\($0.name) (\($0.summary))" }.joined(separator: "; ")
        return ArgumentHelp("A named comparison: \(presets). Options given explicitly replace its values.")
    }

    func validate() throws {
        guard jobs > 0 else { throw ValidationError("--jobs must be positive, got \(jobs)") }
        _ = try settings()
    }

    /// The preset's settings with every option given on the command line in place of its value.
    func settings() throws -> ComparisonSettings {
        let overrides = ComparisonSettings.Overrides(
            tasks: tasks.map(list), rewards: rewards.map(list), seeds: seeds, steps: steps,
            evaluationInterval: evaluationInterval, evaluationEpisodes: evaluationEpisodes,
            hiddenSizes: try hidden.map { try parseSizes($0, option: "--hidden") }, rewardPreset: rewardPreset, blasThreads: threads, viceLoss: viceLoss)
        do {
            return try ComparisonSettings.resolve(preset: try preset.map(ComparisonPreset.init(named:)), overrides: overrides)
        } catch let error as ExperimentError {
            throw ValidationError(OptionError(error).description)
        }
    }

    func run() throws {
        // SIGTERM, SIGINT and SIGHUP stop the running cells (which checkpoint) and end the command.
        StopRequest.catchSignals()
        let settings = try settings()
        let registry = try TaskRegistry.located()
        let families = try Dictionary(uniqueKeysWithValues: settings.tasks.map { ($0, try registry.definition($0).family) })
        for reward in settings.rewards { _ = try RewardChoice(parsing: reward) }
        let say = { (message: String) in FileHandle.standardError.write(Data("mural compare: \(message)\n".utf8)) }
        // A resumed grid's finished runs are not run again, and their speed on this machine is the best estimate.
        let directory = URL(fileURLWithPath: output)
        let finished = FileManager.default.fileExists(atPath: directory.path)
            ? try OptionError.translating { try ComparisonRuns.scan(directory).complete } : []
        // Finished runs of the directory's other tasks tell this machine's speed too, where their task is still known.
        let otherFamilies = Dictionary(Set(finished.map(\.task)).subtracting(settings.tasks).compactMap { task in
            (try? registry.definition(task).family).map { (task, $0) }
        }, uniquingKeysWith: { first, _ in first })
        let cost = try ComparisonCost(settings: settings, families: families.merging(otherFamilies) { grid, _ in grid }, finished: finished)
        if dryRun {
            for (cell, seconds) in cost.cellSeconds {
                print(String(format: "%@  %d steps  ~%.0f s", cell.relativePath, settings.steps(for: cell.task), seconds))
            }
            print(plan(settings, cost))
            return
        }
        say(plan(settings, cost))
        // The directory's config.json records what every cell trains with: cells trained otherwise
        // would not be comparable, so other settings are refused unless --force. The grid itself
        // (tasks, rewards, seeds) may grow.
        let record = ComparisonRecord(settings: settings, mural: MuralVersion.string, blasCore: BLASRuntime.coreName)
        let lock = try RunDirectory.lock(directory)
        defer { withExtendedLifetime(lock) {} }
        try OptionError.translating { try record.prepare(directory, tasks: settings.tasks, force: force) }

        // What every cell shares, as a `mural train --config` file; a cell adds its task, reward, seed and steps
        // (and its task's target entropy, if it has its own).
        try RunDirectory(directory).write(settings.cellTrainingFile(), to: ComparisonSettings.cellTrainingFileName)
        let grid = ComparisonGrid(settings: settings, directory: directory)
        if plan {
            let written = ComparisonPlan(grid: grid, mural: MuralVersion.string, threads: settings.blasThreads ?? 1, cost: cost)
            try written.write(into: directory)
            print("plan: \(directory.appendingPathComponent(ComparisonPlan.fileName).path) (\(written.cells.count) cells; "
                  + "run them with `python -m mural.sweep`, see docs/sweeps.md, and aggregate with `mural report \(output)`)")
            return
        }
        let executable = try currentExecutable()
        let results: [CellResult], pictures: [ReportPictures.Result]
        do {
            results = try grid.run(executable: executable, jobs: jobs, progress: say)
            pictures = try ReportPictures(grid: grid, registry: registry).run(executable: executable, jobs: jobs, progress: say)
        } catch let interruption as Interruption {
            throw interruption.exit(advice: "the same command continues the comparison, and stopped cells resume from their checkpoints")
        }

        let fixedStart = try registry.tasksWhoseEvaluationEpisodesRepeat(settings.tasks)
        var report = try ComparisonReport(grid: grid, results: results, fixedStartTasks: fixedStart)
        report.pictures = pictures
        // validate() has resolved the preset's name.
        let presetLine = try preset.map { name in
            "Preset \(name): \(try ComparisonPreset(named: name).summary) (options given on the command line replace its values)."
        } ?? "No preset: every setting from the command line."
        let coreHours = results.compactMap(\.processSeconds).reduce(0, +) / 3600
        report.preamble = [
            presetLine,
            "\(settings.budgetDescription); \(record.trainingDescription).",
            String(format: "Cost: this invocation ran %d cell(s) for %.2f core-hours (%d were already complete); the estimate "
                   + "before it was %.2f core-hours for the cells it had to run.", results.filter { $0.status != .skipped }.count, coreHours,
                   results.filter { $0.status == .skipped }.count, cost.coreHours),
        ]
        try report.write()
        let failed = results.filter { $0.status == .failed }.count
        let failedPictures = pictures.filter { if case .failed = $0.status { true } else { false } }.count
        let notes = [failed > 0 ? "\(failed) cell(s) failed" : nil, failedPictures > 0 ? "\(failedPictures) picture(s) failed" : nil]
            .compactMap { $0 }
        print("report: \(directory.appendingPathComponent("report.md").path)"
              + (notes.isEmpty ? "" : " (\(notes.joined(separator: ", ")); see the report)"))
        if failed > 0 { throw ExitCode(1) }
    }

    /// The grid and its estimated cost, before any work.
    private func plan(_ settings: ComparisonSettings, _ cost: ComparisonCost) -> String {
        let finished = cost.finishedCells > 0 ? "; \(cost.finishedCells) already finished in \(output), " : "; "
        let remaining = cost.finishedCells > 0 ? "the other \(cost.cellSeconds.count) need " : ""
        let sources = cost.calibrated.isEmpty ? ""
            : " (rates of \(cost.calibrated.sorted().joined(separator: ", ")) measured on its finished runs, the others from the table"
                + String(format: " × %.2f, the finished runs' speed against it)", cost.machineSpeed)
        return String(format: "%d cells (%@)%@%@an estimated %.1f core-hours, about %.1f h of wall time at --jobs %d", settings.cells.count,
                      settings.budgetDescription, finished, remaining, cost.coreHours, cost.wallHours(jobs: jobs), jobs)
            + sources
            + (cost.measuredSettings ? "" : " (rates measured with SAC (64, 64) and the fast rewards; these settings run slower)")
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

extension VICERewardModel.LossKind: ExpressibleByArgument {}
