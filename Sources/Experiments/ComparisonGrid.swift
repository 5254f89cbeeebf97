import Foundation

/// One run of a comparison: a task, a reward and a seed.
public struct GridCell: Hashable, Sendable, Codable {
    public var task: String
    public var reward: String
    public var seed: UInt64

    public init(task: String, reward: String, seed: UInt64) {
        self.task = task
        self.reward = reward
        self.seed = seed
    }

    /// The cell's run directory, relative to the comparison directory.
    public var relativePath: String { "runs/\(task)/\(reward)/seed-\(seed)" }
}

/// How a cell of the grid ended.
public struct CellResult: Sendable, Codable {
    public enum Status: String, Sendable, Codable {
        /// Finished in this invocation.
        case completed
        /// Already complete from an earlier invocation; not run again.
        case skipped
        case failed
        /// Found unfinished by a report (`mural report`); it may still be running elsewhere.
        case incomplete
    }

    public var cell: GridCell
    public var status: Status
    /// Exit status of the cell's process (0 when skipped).
    public var exitStatus: Int32
    /// The last lines of the cell's log, for failures.
    public var logTail: String?
    /// How long the cell's process ran in this invocation (nil when skipped).
    public var processSeconds: Double? = nil

    public init(cell: GridCell, status: Status, exitStatus: Int32 = 0, logTail: String? = nil, processSeconds: Double? = nil) {
        (self.cell, self.status, self.exitStatus, self.logTail, self.processSeconds) = (cell, status, exitStatus, logTail, processSeconds)
    }
}

/// A grid of training runs (tasks × rewards × seeds), each in its own process.
///
/// Each cell runs `mural train` (`invocation(_:)`) in a separate process, `jobs` at a time: ODE's solver RNG is
/// process-wide, and processes are also what a cluster scheduler runs. Cells whose run
/// directory is already complete are skipped, so killing a comparison and starting it again
/// loses nothing but the cells that were running; those resume from their own state.
public struct ComparisonGrid: Sendable {
    public var cells: [GridCell]
    public var directory: URL
    /// The `mural train --config` file of the settings every cell shares (nil: `mural train`'s defaults).
    public var trainingFile: URL?
    /// Environment steps of each task's runs; a task without an entry takes the training file's.
    public var steps: [String: Int]
    /// SAC target entropy of each task's runs; a task without an entry takes the training file's.
    public var targetEntropies: [String: Float]

    public init(cells: [GridCell], directory: URL, trainingFile: URL? = nil, steps: [String: Int] = [:],
                targetEntropies: [String: Float] = [:]) {
        self.cells = cells
        self.directory = directory
        self.trainingFile = trainingFile
        self.steps = steps
        self.targetEntropies = targetEntropies
    }

    /// Every task × reward × seed.
    public init(tasks: [String], rewards: [String], seeds: [UInt64], directory: URL, trainingFile: URL? = nil,
                steps: [String: Int] = [:]) {
        self.init(cells: tasks.flatMap { task in rewards.flatMap { reward in seeds.map { GridCell(task: task, reward: reward, seed: $0) } } },
                  directory: directory, trainingFile: trainingFile, steps: steps)
    }

    /// The grid of `settings` in `directory`, whose cells train with the settings' training file
    /// (`ComparisonSettings.cellTrainingFile`, which the comparison writes there), each task's steps
    /// and the target entropies of the tasks that have their own.
    public init(settings: ComparisonSettings, directory: URL) {
        self.init(cells: settings.cells, directory: directory,
                  trainingFile: directory.appendingPathComponent(ComparisonSettings.cellTrainingFileName),
                  steps: Dictionary(uniqueKeysWithValues: settings.tasks.map { ($0, settings.steps(for: $0)) }),
                  targetEntropies: settings.taskEntropies ?? [:])
    }

    /// The cells in the order they start: meta-NML's first, as they take longest, so that the
    /// last cells to start are short ones and the parallel jobs end at about the same time.
    /// Otherwise the given order. (Reports keep the given order.)
    public var schedule: [GridCell] {
        cells.filter { $0.reward == RewardChoice.metanml.rawValue } + cells.filter { $0.reward != RewardChoice.metanml.rawValue }
    }

    public func runDirectory(_ cell: GridCell) -> URL { directory.appendingPathComponent(cell.relativePath) }
    public func log(_ cell: GridCell) -> URL { RunDirectory(runDirectory(cell)).file(RunDirectory.logFile) }

    /// The `mural train` that runs `cell`, or continues it. `relative` spells its paths relative
    /// to the comparison directory, for a plan whose cells run from there (`ComparisonPlan`).
    public func invocation(_ cell: GridCell, relative: Bool = false) -> MuralInvocation {
        .train(cell, configurationFile: relative ? trainingFile?.lastPathComponent : trainingFile?.path, steps: steps[cell.task],
               targetEntropy: targetEntropies[cell.task], runDirectory: relative ? cell.relativePath : runDirectory(cell).path)
    }

    /// Runs every incomplete cell with `executable` (the `mural` binary). Besides a line as each
    /// cell starts and ends, `progress` gets the grid's state every `progressInterval`
    /// (`GridProgress`), when `steps` gives every task's budget.
    public func run(executable: String, jobs: Int, progressInterval: Duration = .seconds(60),
                    progress: (String) -> Void = { _ in }) throws -> [CellResult] {
        var results: [GridCell: CellResult] = [:]
        var pending: [GridCell] = []
        for cell in schedule {
            if RunDirectory(runDirectory(cell)).isComplete {
                results[cell] = CellResult(cell: cell, status: .skipped, exitStatus: 0, logTail: nil)
            } else {
                try RunDirectory.ensureWritable(runDirectory(cell))
                pending.append(cell)
            }
        }
        let skipped = results.count
        if skipped > 0 { progress("\(skipped) of \(cells.count) cells already complete; skipping them") }
        let jobList = pending.map { cell in
            ProcessPool.Job(executable: executable, arguments: invocation(cell).arguments, log: log(cell), name: cell.relativePath)
        }
        var done = 0
        let budgets = steps
        var state = cells.allSatisfy { budgets[$0.task] != nil }
            ? GridProgress(directory: directory, cells: cells, steps: { budgets[$0.task]! }) : nil
        var lastReport = ContinuousClock.now
        // On SIGTERM, SIGINT or SIGHUP (once caught, see `StopRequest`) the pool stops the running
        // cells, which checkpoint, and throws `Interruption` naming them.
        let outcomes = try ProcessPool(width: jobs).run(jobList, onStart: { index in
            progress("started \(pending[index].relativePath)")
        }, onFinish: { outcome in
            done += 1
            let cell = pending[outcome.index]
            let verdict = outcome.succeeded ? "finished" : "FAILED (exit \(outcome.status)), log: \(log(cell).path)"
            progress("[\(done + skipped)/\(cells.count)] \(cell.relativePath) \(verdict) after \(Int(outcome.wallSeconds)) s")
        }, onWait: { running in
            guard ContinuousClock.now - lastReport >= progressInterval,
                  let line = state?.line(running: running.map { pending[$0] }) else { return }
            lastReport = ContinuousClock.now
            progress(line)
        })
        for outcome in outcomes {
            let cell = pending[outcome.index]
            results[cell] = outcome.succeeded
                ? CellResult(cell: cell, status: .completed, exitStatus: 0, logTail: nil, processSeconds: outcome.wallSeconds)
                : CellResult(cell: cell, status: .failed, exitStatus: outcome.status, logTail: ComparisonGrid.tail(of: log(cell)),
                             processSeconds: outcome.wallSeconds)
        }
        return cells.map { results[$0]! }
    }

    /// The last `lines` lines of a file.
    static func tail(of url: URL, lines: Int = 20) -> String {
        guard let data = FileManager.default.contents(atPath: url.path) else { return "(no log at \(url.path))" }
        return String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            .suffix(lines).joined(separator: "\n")
    }
}
