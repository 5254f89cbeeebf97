import Foundation
import Render
import TaskSuite

/// Writes a comparison's analysis as a report: Markdown, a single self-contained HTML file, CSV
/// files from which every number can be recomputed, and plots.
public struct ComparisonReport {
    public let directory: URL
    public let analysis: ComparisonAnalysis
    /// Every cell and how it ended.
    public let cells: [CellResult]
    public var title = "Mural comparison"
    /// Extra lines under the title (preset, machine, versions).
    public var preamble: [String] = []
    /// Filmstrips and reward maps drawn for the report (see `ReportPictures`).
    public var pictures: [ReportPictures.Result] = []

    public init(directory: URL, analysis: ComparisonAnalysis, cells: [CellResult]) {
        self.directory = directory
        self.analysis = analysis
        self.cells = cells
    }

    /// The report of a grid that has just run: the evaluations of its finished cells.
    public init(grid: ComparisonGrid, results: [CellResult], fixedStartTasks: Set<String>,
                bootstrap: StratifiedBootstrap = StratifiedBootstrap()) throws {
        let runs = try results.filter { $0.status != .failed }.map {
            try ComparisonRuns.evaluations(of: $0.cell, in: grid.runDirectory($0.cell))
        }
        self.init(directory: grid.directory,
                  analysis: try ComparisonAnalysis(runs: runs, fixedStartTasks: fixedStartTasks, bootstrap: bootstrap),
                  cells: results)
    }

    /// Writes report.md, report.html, headline.md, the CSV files and the plots. The report shows `pictures`,
    /// which must be drawn first.
    public func write() throws {
        let run = RunDirectory(directory)
        let images = try plots()
        try run.write(Data(ComparisonRuns.csv(analysis.runs).utf8), to: "evaluations.csv")
        try run.write(Data(cellsCSV().utf8), to: "cells.csv")
        try run.write(Data(summaryCSV().utf8), to: "summary.csv")
        try run.write(Data(aggregatesCSV().utf8), to: "aggregates.csv")
        try run.write(Data(Self.curvesCSV(analysis.profiles, x: "tau").utf8), to: "profiles.csv")
        try run.write(Data(Self.curvesCSV(analysis.interquartileMeanCurves, x: "budget_fraction").utf8), to: "iqm-curves.csv")
        let document = self.document(images: images)
        try run.write(Data(document.markdown().utf8), to: "report.md")
        try run.write(Data(headline().utf8), to: Self.headlineFile)
        try run.write(Data(try document.html(imageDirectory: directory).utf8), to: "report.html")
    }

    // MARK: Headline

    /// The summary a README quotes (a test checks that it quotes it unchanged).
    public static let headlineFile = "headline.md"

    /// Each task's mean score per method with its 95 % interval, the IQM across tasks once every
    /// task has every method, and each task's verdict.
    func headline() -> String {
        var table = ReportDocument.Table()
        table.header = ["task"] + analysis.methods
        for task in analysis.tasks {
            let rows = analysis.summaries.filter { $0.task == task }
            let best = Self.bestScore(rows)
            let counts = Set(rows.map(\.seeds.count)).sorted()
            let seeds = counts.map(String.init).joined(separator: "–") + (counts == [1] ? " seed" : " seeds")
            table.rows.append(["\(task) (\(seeds))"] + analysis.methods.map { method in
                guard let row = rows.first(where: { $0.method == method }) else { return "—" }
                return row.score.value == best ? "**\(Self.interval(row.score))**" : Self.interval(row.score)
            })
        }
        if !analysis.aggregates.isEmpty {
            table.rows.append(["IQM across tasks"] + analysis.methods.map { method in
                analysis.aggregates.first { $0.method == method }.map { Self.interval($0.interquartileMean) } ?? "—"
            })
        }
        let verdicts = analysis.tasks.compactMap { task in taskVerdict(task, rows: analysis.summaries.filter { $0.task == task }) }
            + [aggregateVerdict()].compactMap { $0 }
        return table.markdown() + "\n" + verdicts.map { "- \($0)\n" }.joined()
    }

    /// The score to print in bold: the highest, unless every method has it.
    static func bestScore(_ rows: [ComparisonAnalysis.TaskSummary]) -> Double? {
        rows.map(\.score.value).max().flatMap { top in rows.contains { $0.score.value < top } ? top : nil }
    }

    // MARK: Plots

    /// Draws every plot; returns (file name, caption) per section key: a task, or "" for the aggregates.
    private func plots() throws -> [String: [(String, String)]] {
        let font = try BitmapFont.standard()
        var images: [String: [(String, String)]] = [:]
        let colors = Dictionary(uniqueKeysWithValues: analysis.methods.enumerated().map {
            ($0.element, LinePlot.palette[$0.offset % LinePlot.palette.count])
        })
        func series(_ curves: [ComparisonAnalysis.Curve]) -> [LinePlot.Series] {
            curves.map { LinePlot.Series(name: $0.method, color: colors[$0.method]!, x: $0.x, y: $0.points.map(\.value),
                                         lower: $0.points.map(\.lower), upper: $0.points.map(\.upper)) }
        }
        func save(_ plot: LinePlot, _ curves: [ComparisonAnalysis.Curve], _ name: String, under key: String, _ caption: String) throws {
            guard !curves.isEmpty else {
                // An earlier report's plot would otherwise stay beside this one, which has none.
                let stale = directory.appendingPathComponent(name)
                if FileManager.default.fileExists(atPath: stale.path) { try FileManager.default.removeItem(at: stale) }
                return
            }
            try RunDirectory(directory).write(Data(try PNG.encode(plot.render(series(curves), font: font), compression: .small)), to: name)
            images[key, default: []].append((name, caption))
        }
        try save(LinePlot(title: "Performance profiles: runs scoring above tau", xLabel: "score threshold tau",
                          yLabel: "fraction of runs"), analysis.profiles, "profiles.png", under: "",
                 "Performance profiles: the fraction of runs (all tasks) whose score exceeds each threshold, with 95 % stratified-bootstrap bands")
        try save(LinePlot(title: "IQM of the score against the step budget", xLabel: "fraction of each task's step budget",
                          yLabel: "IQM score"), analysis.interquartileMeanCurves, "iqm-curves.png", under: "",
                 "Sample efficiency: the IQM score across tasks after each tenth of every task's budget, with 95 % stratified-bootstrap bands")

        for task in analysis.tasks {
            let success = analysis.learningCurves(task: task, bounds: 0...1) { $0.successFinal }
            try save(Self.learningCurvePlot("\(task): success (final step)", yLabel: "success"), success, "curves-\(task).png", under: task,
                     "Learning curves on \(task): final-step success at each evaluation, mean over seeds and 95 % bootstrap band")
            let reached = analysis.runs.filter { $0.task == task }.flatMap(\.points).compactMap(\.goalDistance)
            if let observed = reached.max() {
                // Bands stop at the largest distance any run reached: a band beyond it says nothing.
                let distance = analysis.learningCurves(task: task, bounds: 0...max(observed, 1e-3)) { $0.goalDistance }
                var plot = Self.learningCurvePlot("\(task): final distance to the goal", yLabel: "distance")
                plot.yRange = 0...LinePlot.niceCeiling(max(distance.flatMap { $0.points.map(\.upper) }.max() ?? 1, 1e-3))
                try save(plot, distance, "curves-\(task)-distance.png", under: task,
                         "Final distance to the goal on \(task) at each evaluation (along the maze on mazes): mean and 95 % bootstrap band")
            }
        }
        return images
    }

    /// A plot of a quantity against environment steps.
    static func learningCurvePlot(_ title: String, yLabel: String) -> LinePlot {
        LinePlot(title: title, xLabel: "environment steps", yLabel: yLabel)
    }

    // MARK: CSV

    private func cellsCSV() -> String {
        var lines = ["task,method,seed,status,exit_status,score,success_final,success_any,goal_distance,wall_seconds,steps_per_second"]
        for result in cells {
            let run = analysis.run(result.cell), last = run?.points.last
            let cell: [String] = [result.cell.task, result.cell.reward, String(result.cell.seed), result.status.rawValue,
                                  String(result.exitStatus)]
            let numbers: [String] = [run.map { String($0.score) }, last.map { String($0.successFinal) },
                                     last.map { String($0.successAny) }, last?.goalDistance.map { String($0) },
                                     last.map { String($0.wallSeconds) }, last.map { String(Self.stepsPerSecond($0)) }]
                .map { $0 ?? "" }
            lines.append((cell + numbers).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private func summaryCSV() -> String {
        var lines = ["task,method,seeds,score_mean,score_ci_low,score_ci_high,seeds_succeeded,seeds_succeeded_ci_low,"
                     + "seeds_succeeded_ci_high,success_any_mean,success_any_ci_low,success_any_ci_high,goal_distance_mean,"
                     + "goal_distance_ci_low,goal_distance_ci_high,wall_seconds_mean,p_improvement,p_improvement_ci_low,p_improvement_ci_high"]
        func fields(_ estimate: Estimate?) -> [String] {
            guard let estimate else { return ["", "", ""] }
            return [estimate.value, estimate.lower, estimate.upper].map { String($0) }
        }
        for row in analysis.summaries {
            lines.append(([row.task, row.method, String(row.seeds.count)] + fields(row.score) + fields(row.seedsSucceeded)
                          + fields(row.successAny) + fields(row.goalDistance) + [String(row.meanWallSeconds)]
                          + fields(row.improvement)).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private func aggregatesCSV() -> String {
        var lines = ["metric,method,baseline,runs_per_task,value,ci_low,ci_high"]
        let runs = String(analysis.aggregateRuns)
        func line(_ metric: String, _ method: String, _ baseline: String, _ estimate: Estimate) -> String {
            [metric, method, baseline, runs, String(estimate.value), String(estimate.lower), String(estimate.upper)].joined(separator: ",")
        }
        for aggregate in analysis.aggregates {
            lines.append(line("iqm", aggregate.method, "", aggregate.interquartileMean))
            lines.append(line("mean", aggregate.method, "", aggregate.mean))
        }
        for improvement in analysis.improvements {
            lines.append(line("probability_of_improvement", analysis.reference, improvement.baseline, improvement.probability))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// One line per point of each method's curve.
    static func curvesCSV(_ curves: [ComparisonAnalysis.Curve], x: String) -> String {
        var lines = ["method,\(x),value,ci_low,ci_high"]
        for curve in curves {
            for (x, point) in zip(curve.x, curve.points) {
                lines.append([curve.method, String(x), String(point.value), String(point.lower), String(point.upper)].joined(separator: ","))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Environment steps per second of wall time over the whole run.
    static func stepsPerSecond(_ point: EvaluationPoint) -> Double {
        point.wallSeconds > 0 ? Double(point.step) / point.wallSeconds : .nan
    }

    // MARK: Document

    /// "0.42 [0.30, 0.55]"
    static func interval(_ estimate: Estimate, digits: Int = 2) -> String {
        String(format: "%.\(digits)f [%.\(digits)f, %.\(digits)f]", estimate.value, estimate.lower, estimate.upper)
    }

    private func document(images: [String: [(String, String)]]) -> ReportDocument {
        var document = ReportDocument(title: title)
        document.paragraphs += preamble
        document.paragraphs.append("**Score.** A run's score is its final-step success (the fraction of deterministic evaluation "
            + "episodes that end in success) averaged over its last \(RunEvaluations.scoredEvaluations) evaluations: outcome-driven "
            + "RL asks the agent to reach the examples' states and stay there. Each task's table gives the mean score over seeds with "
            + "a 95 % percentile-bootstrap interval, any-step success as a secondary column, and the final distance to the goal "
            + "(along the maze on mazes). Where a task's start is fixed, its evaluation episodes repeat each other, so seeds are what "
            + "count: the table also gives the seeds whose last evaluation ended in success, with a Wilson interval. Across tasks the "
            + "report follows rliable (Agarwal et al. 2021): interquartile mean (IQM) and mean with 95 % stratified-bootstrap "
            + "intervals, the probability of improvement, performance profiles and IQM curves. The numbers are in summary.csv and "
            + "aggregates.csv, recomputable from evaluations.csv.")
        if !analysis.aggregates.isEmpty { document.sections.append(aggregateSection(images: images[""] ?? [])) }
        for task in analysis.tasks { document.sections.append(taskSection(task, images: images[task] ?? [])) }
        document.sections.append(cellSection())
        let failures = cells.filter { $0.status == .failed }
        if !failures.isEmpty {
            var section = ReportDocument.Section(heading: "Failed cells")
            for failure in failures {
                section.code.append(("\(failure.cell.relativePath) exited with \(failure.exitStatus); end of its log:",
                                     failure.logTail ?? ""))
            }
            document.sections.append(section)
        }
        return document
    }

    /// What a probability of improvement P(reference > baseline) with its 95 % interval says.
    enum Verdict {
        case referenceBetter, baselineBetter, unresolved

        init(_ probability: Estimate) {
            self = probability.lower > 0.5 ? .referenceBetter : probability.upper < 0.5 ? .baselineBetter : .unresolved
        }
    }

    /// One sentence: which methods the reference beats on `task`, which beat it, and which its
    /// seeds do not separate from it.
    private func taskVerdict(_ task: String, rows: [ComparisonAnalysis.TaskSummary]) -> String? {
        verdict("on \(task)", rows.compactMap { row in row.improvement.map { (row.method, $0) } })
    }

    /// The same across tasks, from the aggregate probabilities of improvement.
    private func aggregateVerdict() -> String? {
        verdict("across tasks", analysis.improvements.map { ($0.baseline, $0.probability) })
    }

    private func verdict(_ scope: String, _ improvements: [(method: String, probability: Estimate)]) -> String? {
        let judged = improvements.map { ($0.method, Verdict($0.probability)) }
        guard !judged.isEmpty else { return nil }
        let methods = { (verdict: Verdict) in judged.filter { $0.1 == verdict }.map(\.0).joined(separator: ", ") }
        let clauses = [
            "\(analysis.reference) is better than " + (methods(.referenceBetter).isEmpty ? "no other method" : methods(.referenceBetter)),
            methods(.unresolved).isEmpty ? nil : "not separated from \(methods(.unresolved))",
            methods(.baselineBetter).isEmpty ? nil : "worse than \(methods(.baselineBetter))",
        ].compactMap { $0 }
        return "**Verdict \(scope)**, from the 95 % intervals of P(\(analysis.reference) > method): " + clauses.joined(separator: "; ") + "."
    }

    private func aggregateSection(images: [(String, String)]) -> ReportDocument.Section {
        var section = ReportDocument.Section(heading: "Across tasks")
        let best = analysis.aggregates.map(\.interquartileMean.value).max()
        section.table.header = ["method", "IQM score", "mean score"]
        for aggregate in analysis.aggregates {
            let iqm = Self.interval(aggregate.interquartileMean)
            section.table.rows.append([aggregate.method, aggregate.interquartileMean.value == best ? "**\(iqm)**" : iqm,
                                       Self.interval(aggregate.mean)])
        }
        section.paragraphs.append("Over \(analysis.tasks.count) task(s) with \(analysis.aggregateRuns) run(s) each (the lowest seeds, so "
            + "that every task weighs the same); 95 % stratified-bootstrap intervals over \(analysis.bootstrap.replications) replications.")
        if !analysis.improvements.isEmpty {
            var improvement = ReportDocument.Section(heading: "Probability of improvement")
            improvement.table.header = ["comparison", "P(X > Y)", "verdict"]
            for entry in analysis.improvements {
                let verdict = switch Self.Verdict(entry.probability) {
                case .referenceBetter: "\(analysis.reference) better"
                case .baselineBetter: "\(entry.baseline) better"
                case .unresolved: "not resolved"
                }
                improvement.table.rows.append(["P(\(analysis.reference) > \(entry.baseline))", Self.interval(entry.probability), verdict])
            }
            if let verdict = aggregateVerdict() { improvement.paragraphs.append(verdict) }
            improvement.paragraphs.append("The probability that a run of \(analysis.reference) scores higher than a run of the other "
                + "method on a task chosen at random (ties count half). An interval wholly above 0.5 means \(analysis.reference) is "
                + "better with 95 % confidence; wholly below, worse.")
            section.subsections.append(improvement)
        }
        section.images += images
        return section
    }

    private func taskSection(_ task: String, images: [(String, String)]) -> ReportDocument.Section {
        var section = ReportDocument.Section(heading: task)
        let rows = analysis.summaries.filter { $0.task == task }
        let fixedStart = analysis.fixedStartTasks.contains(task)
        let hasDistance = rows.contains { $0.goalDistance != nil }
        let best = Self.bestScore(rows)
        let hasImprovement = rows.contains { $0.improvement != nil }
        section.table.header = ["method", "seeds", "score (95 % CI)"] + (fixedStart ? ["seeds succeeded (Wilson 95 %)"] : [])
            + ["success, any step (95 % CI)"] + (hasDistance ? ["final distance (95 % CI)"] : [])
            + (hasImprovement ? ["P(\(analysis.reference) > method) (95 % CI)"] : []) + ["wall time per run"]
        for row in rows {
            let score = Self.interval(row.score)
            var cells = [row.method, String(row.seeds.count), row.score.value == best ? "**\(score)**" : score]
            if fixedStart, let succeeded = row.seedsSucceeded {
                cells.append(String(format: "%d of %d [%.2f, %.2f]", Int((succeeded.value * Double(succeeded.count)).rounded()),
                                    succeeded.count, succeeded.lower, succeeded.upper))
            }
            cells.append(Self.interval(row.successAny))
            if hasDistance { cells.append(row.goalDistance.map { Self.interval($0) } ?? "—") }
            if hasImprovement { cells.append(row.improvement.map { Self.interval($0) } ?? "—") }
            cells.append(String(format: "%.0f s", row.meanWallSeconds))
            section.table.rows.append(cells)
        }
        if let verdict = taskVerdict(task, rows: rows) { section.paragraphs.append(verdict) }
        if hasImprovement {
            section.paragraphs.append("P(\(analysis.reference) > method) is the probability that a seed of \(analysis.reference) scores "
                + "higher than a seed of the method on this task (ties count half), with a 95 % bootstrap interval over seeds; an "
                + "interval wholly above 0.5 means \(analysis.reference) is better on this task with 95 % confidence, wholly below, worse.")
        }
        if fixedStart {
            section.paragraphs.append("This task's start is fixed and evaluation is deterministic, so every evaluation episode of a "
                + "run repeats the first: seeds, not episodes, are the samples.")
        }
        section.images += images
        section.subsections = pictureSections(task: task)
        return section
    }

    /// "Learned rewards on the expert's path", "Reward maps" and "Final policies" of a task, each
    /// present when it has a picture, drawn or failed.
    private func pictureSections(task: String) -> [ReportDocument.Section] {
        let headings: [(ReportPictures.Kind, String)] = [
            (.rewardPath, "Learned rewards on the expert's path"), (.rewardMap, "Reward maps"), (.filmstrip, "Final policies"),
        ]
        return headings.compactMap { kind, heading in
            let results = pictures.filter { $0.picture.kind == kind && $0.picture.cell.task == task }
            guard !results.isEmpty else { return nil }
            var section = ReportDocument.Section(heading: heading)
            for result in results {
                let cell = result.picture.cell
                let caption: String
                switch kind {
                case .rewardPath:
                    let runs = result.picture.runs.map { "\($0.reward) seed \($0.seed)" }.joined(separator: " and ")
                    caption = "The success probability (top) and its log-odds (bottom) that the final classifiers of \(runs) "
                        + "give the states of one episode of the task's scripted expert, over the task's own success rule (grey); "
                        + "meta-NML is rewarded with the probability, VICE with the log-odds; numbers in "
                        + "\((result.picture.image as NSString).deletingPathExtension).csv"
                case .rewardMap:
                    caption = "\(cell.reward) reward learned by seed \(cell.seed), with the states it learned from"
                case .filmstrip:
                    let last = analysis.run(cell)?.points.last
                    let success = last.map {
                        String(format: "final success %.2f (any step), %.2f (final step)", $0.successAny, $0.successFinal)
                    } ?? "final success unknown"
                    caption = "\(cell.reward), seed \(cell.seed): one episode of the final policy; the run's \(success)"
                }
                switch result.status {
                case .drawn, .existing:
                    section.images.append((result.picture.image, caption))
                case let .failed(exitStatus, logTail):
                    section.code.append(("The \(kind.rawValue) of \(cell.relativePath) (\(result.picture.image)) failed with exit "
                                         + "status \(exitStatus); end of its log, \(result.picture.log):", logTail))
                }
            }
            return section
        }
    }

    /// The measured cost of the finished runs, whichever invocations trained them: a grid spread over
    /// sessions or machines says here what it cost in all.
    private func measuredCost() -> String {
        let finished = cells.compactMap { result in analysis.run(result.cell)?.points.last.map { (result.cell.task, $0.wallSeconds) } }
        let hours = { (seconds: [Double]) in seconds.reduce(0, +) / 3600 }
        let byTask = analysis.tasks.compactMap { task -> String? in
            let seconds = finished.filter { $0.0 == task }.map(\.1)
            return seconds.isEmpty ? nil : "\(task) " + String(format: "%.1f", hours(seconds))
        }
        return String(format: "The %d finished run(s) trained for %.1f hours in all (the sum of their wall times, every stretch "
                      + "of a resumed run included; core-hours where each ran on one core): ", finished.count, hours(finished.map(\.1)))
            + byTask.joined(separator: ", ") + "."
    }

    /// Every cell: how it ended, and its training wall time and speed.
    private func cellSection() -> ReportDocument.Section {
        var section = ReportDocument.Section(heading: "Cells")
        section.table.header = ["task", "method", "seed", "status", "wall time", "steps per second"]
        for result in cells {
            let status: String
            switch result.status {
            case .completed: status = "completed"
            case .skipped: status = "skipped (already complete)"
            case .failed: status = "failed (exit \(result.exitStatus))"
            case .incomplete: status = "not finished"
            }
            let last = analysis.run(result.cell)?.points.last
            // A failed cell has no final record; the time its process ran is what there is.
            let seconds = last?.wallSeconds ?? result.processSeconds
            let rate = last.map(ComparisonReport.stepsPerSecond)
            section.table.rows.append([
                result.cell.task, result.cell.reward, String(result.cell.seed), status,
                seconds.map { String(format: $0 < 10 ? "%.1f s" : "%.0f s", $0) } ?? "—",
                rate.flatMap { $0.isNaN ? nil : String(format: "%.0f", $0) } ?? "—",
            ])
        }
        section.paragraphs.append(measuredCost())
        return section
    }
}
