import ArgumentParser
import Experiments
import Foundation
import TaskSuite

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write the report of a comparison directory from whichever of its runs are complete.",
        discussion: """
            Reads every run under DIR/runs/TASK/METHOD/seed-S (as `mural compare` lays them out, \
            wherever they were trained), and writes DIR/report.md, report.html, evaluations.csv, \
            cells.csv, summary.csv and aggregates.csv with the same analysis `mural compare` ends \
            with. Runs that are not complete are listed and left out. --from-csv recomputes the \
            report from an evaluations.csv alone (for example a committed one). The report links the \
            pictures of its runs that `mural compare` has drawn under DIR/pictures, with or without \
            --from-csv; it draws none.
            """)

    @Argument(help: "The comparison directory.") var directory: String
    @Option(help: ArgumentHelp("Recompute from this evaluations.csv instead of the run directories.", valueName: "file"))
    var fromCSV: String?
    @Option(help: "The report's title.") var title = "Mural comparison"

    func run() throws {
        let url = URL(fileURLWithPath: directory)
        var runs: [RunEvaluations], incomplete: [GridCell]
        if let fromCSV {
            (runs, incomplete) = (try ComparisonRuns.read(csv: URL(fileURLWithPath: fromCSV)), [])
        } else {
            (runs, incomplete) = try ComparisonRuns.scan(url)
        }
        // A planned grid (`mural compare --plan`) reports in its own order, as `mural compare` would.
        if fromCSV == nil, let plan = try ComparisonPlan.read(from: url) {
            runs = plan.ordered(runs) { GridCell(task: $0.task, reward: $0.method, seed: $0.seed).id }
            incomplete = plan.ordered(incomplete, id: \.id)
        }
        guard !runs.isEmpty || !incomplete.isEmpty else {
            throw ValidationError("\(directory) holds no runs (expected run directories under \(directory)/runs/TASK/METHOD/seed-S)")
        }
        let registry = try TaskRegistry.located()
        let tasks = Set(runs.map(\.task) + incomplete.map(\.task))
        let fixedStart = try registry.tasksWhoseEvaluationEpisodesRepeat(tasks)
        let cells = runs.map { CellResult(cell: GridCell(task: $0.task, reward: $0.method, seed: $0.seed), status: .completed) }
            + incomplete.map { CellResult(cell: $0, status: .incomplete) }
        try RunDirectory.ensureWritable(url)
        var report = ComparisonReport(directory: url, analysis: try ComparisonAnalysis(runs: runs, fixedStartTasks: fixedStart),
                                      cells: cells)
        report.title = title
        // From a CSV every run is finished, though its directory may be gone.
        let isFinished: ((GridCell) -> Bool)? = fromCSV == nil ? nil : {
            [finished = Set(runs.map { GridCell(task: $0.task, reward: $0.method, seed: $0.seed) })] cell in
            finished.contains(cell)
        }
        report.pictures = try ReportPictures(grid: ComparisonGrid(cells: cells.map(\.cell), directory: url), registry: registry,
                                             isFinished: isFinished).drawn()
        report.preamble = ["Recomputed by `mural report` from \(runs.count) complete run(s)"
                           + (incomplete.isEmpty ? "." : "; \(incomplete.count) run(s) not finished are left out: "
                              + incomplete.map(\.relativePath).joined(separator: ", ") + ".")]
            + (ComparisonRecord.existing(in: url).map { ["Every run trained with the settings of config.json: \($0.budgetDescription); "
                                                         + "\($0.trainingDescription)."] } ?? [])
        try report.write()
        print("report: \(url.appendingPathComponent("report.md").path)"
              + (incomplete.isEmpty ? "" : " (\(incomplete.count) run(s) not finished)"))
    }
}
