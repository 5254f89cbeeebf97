import Foundation
import Render
import TaskSuite

/// Aggregates a comparison grid into tables, learning curves and a report, as Markdown, a
/// single self-contained HTML file and CSV.
public struct ComparisonReport {
    /// Final success of one (task, reward) pair over its seeds.
    public struct Row: Sendable {
        public var task: String
        public var reward: String
        public var seeds: Int
        public var failedSeeds: Int
        /// Per seed: fraction of evaluation episodes with any successful step, at the last evaluation.
        public var successAny: [Double]
        public var successFinal: [Double]
        public var wallSeconds: [Double]
        /// Per seed: the task's distance to its goal at the end of the last evaluation's episodes
        /// (see `goalMetric`), when the task reports one.
        public var goalDistance: [Double] = []
        public var goalMetric: String?
    }

    public let grid: ComparisonGrid
    public let results: [CellResult]
    public var title = "Mural comparison"
    /// Extra lines under the title (preset, machine, versions).
    public var preamble: [String] = []
    /// Filmstrips and reward maps drawn for the report (see `ReportPictures`).
    public var pictures: [ReportPictures.Result] = []

    public init(grid: ComparisonGrid, results: [CellResult]) {
        self.grid = grid
        self.results = results
    }

    /// Reads a cell's metrics (one `TrainingRecord` per line).
    public static func records(in directory: URL) throws -> [TrainingRecord] {
        let url = directory.appendingPathComponent(MetricsLog.jsonLinesFile)
        guard let data = FileManager.default.contents(atPath: url.path) else { throw ExperimentError.missingFile(path: url.path) }
        let decoder = RunJSON.decoder()
        return try data.split(separator: 0x0A).enumerated().map { index, line in
            do { return try decoder.decode(TrainingRecord.self, from: Data(line)) } catch {
                throw ExperimentError.invalidFile(path: url.path, reason: "line \(index + 1) is not a training record: \(error)")
            }
        }
    }

    /// Writes report.md, report.html, cells.csv, summary.csv and one learning-curve PNG per task.
    /// The report shows `pictures`, which must be drawn first.
    public func write() throws {
        let directory = RunDirectory(grid.directory)
        let tasks = unique(grid.cells.map(\.task)), rewards = unique(grid.cells.map(\.reward))
        var curves: [String: [CurveSeries]] = [:]
        // Per task: its goal metric, and each reward's histories to plot it from.
        var distances: [String: (metric: String, entries: [(reward: String, color: RGB8, histories: [[TrainingRecord]])])] = [:]
        var rows: [Row] = []
        var cellLines = ["task,reward,seed,status,exit_status,success_any,success_final,wall_seconds,steps_per_second"]
        var finalRecords: [GridCell: TrainingRecord] = [:]
        for task in tasks {
            for (rewardIndex, reward) in rewards.enumerated() {
                var row = Row(task: task, reward: reward, seeds: 0, failedSeeds: 0, successAny: [], successFinal: [], wallSeconds: [])
                var histories: [[TrainingRecord]] = []
                for result in results where result.cell.task == task && result.cell.reward == reward {
                    let history = result.status == .failed ? [] : (try? ComparisonReport.records(in: grid.runDirectory(result.cell))) ?? []
                    row.seeds += 1
                    finalRecords[result.cell] = history.last
                    if let last = history.last {
                        row.successAny.append(last.successAny)
                        row.successFinal.append(last.successFinal)
                        row.wallSeconds.append(last.wallSeconds)
                        if let metric = ComparisonReport.goalMetric(last), let value = last.finalMetrics[metric] {
                            row.goalDistance.append(value)
                            row.goalMetric = metric
                        }
                        histories.append(history)
                    } else {
                        row.failedSeeds += 1
                    }
                    cellLines.append([task, reward, String(result.cell.seed), result.status.rawValue, String(result.exitStatus),
                                      history.last.map { String($0.successAny) } ?? "", history.last.map { String($0.successFinal) } ?? "",
                                      history.last.map { String($0.wallSeconds) } ?? "",
                                      history.last.map { String(ComparisonReport.stepsPerSecond($0)) } ?? ""].joined(separator: ","))
                }
                rows.append(row)
                let color = LearningCurvePlot.palette[rewardIndex % LearningCurvePlot.palette.count]
                if let series = ComparisonReport.curve(reward, histories, color: color) {
                    curves[task, default: []].append(series)
                }
                if let metric = row.goalMetric {
                    distances[task, default: (metric, [])].entries.append((reward, color, histories))
                }
            }
        }

        let font = try BitmapFont.standard()
        var images: [String: [(String, String)]] = [:]  // task → (file name, caption)
        for task in tasks {
            if let series = curves[task], !series.isEmpty {
                let name = "curves-\(task).png"
                let image = LearningCurvePlot(title: "\(task): success (any step)").render(series, font: font)
                try directory.write(Data(try PNG.encode(image, compression: .small)), to: name)
                images[task, default: []].append((name, "Learning curves on \(task): success, mean and 95 % interval over seeds"))
            }
            if let (metric, entries) = distances[task] {
                // Bands are clamped to the largest distance any run reached: with few seeds the
                // t-interval is wide, and a band below zero or beyond the arena says nothing.
                let observed = entries.flatMap { $0.histories.joined() }.compactMap { $0.finalMetrics[metric] }.max() ?? 1
                let series = entries.compactMap {
                    ComparisonReport.curve($0.reward, $0.histories, color: $0.color, startsAtZero: false,
                                           bounds: 0...observed, value: { $0.finalMetrics[metric] })
                }
                guard !series.isEmpty else { continue }
                let name = "curves-\(task)-\(metric.replacingOccurrences(of: "_", with: "-")).png"
                let label = metric.replacingOccurrences(of: "_", with: " ")
                var plot = LearningCurvePlot(title: "\(task): final \(label)")
                plot.yLabel = label
                let top = series.flatMap(\.upper).filter(\.isFinite).max() ?? 1
                plot.yRange = 0...ComparisonReport.niceCeiling(max(top, 1e-3))
                try directory.write(Data(try PNG.encode(plot.render(series, font: font), compression: .small)), to: name)
                images[task, default: []].append((name, "Final \(label) on \(task) at each evaluation: mean and 95 % interval over seeds"))
            }
        }

        try directory.write(Data((cellLines.joined(separator: "\n") + "\n").utf8), to: "cells.csv")
        try directory.write(Data(summaryCSV(rows).utf8), to: "summary.csv")
        let document = self.document(tasks: tasks, rows: rows, images: images, finalRecords: finalRecords)
        try directory.write(Data(document.markdown().utf8), to: "report.md")
        try directory.write(Data(try document.html(imageDirectory: grid.directory).utf8), to: "report.html")
    }

    /// Mean and 95 % t-interval over seeds of `value` (success by default) at each evaluation step
    /// shared by every seed, the band clamped to `bounds`; nil when a record lacks the value.
    static func curve(
        _ name: String, _ histories: [[TrainingRecord]], color: RGB8, startsAtZero: Bool = true,
        bounds: ClosedRange<Double> = 0...1, value: (TrainingRecord) -> Double? = { $0.successAny }
    ) -> CurveSeries? {
        guard let shortest = histories.map(\.count).min(), shortest > 0 else { return nil }
        var x: [Double] = [], mean: [Double] = [], lower: [Double] = [], upper: [Double] = []
        if startsAtZero { (x, mean, lower, upper) = ([0], [0], [0], [0]) }
        for i in 0..<shortest {
            let values = histories.compactMap { value($0[i]) }
            guard values.count == histories.count else { return nil }
            let estimate = Statistics.mean(values)
            x.append(Double(histories[0][i].step))
            mean.append(estimate.value)
            lower.append(bounds.clamp(estimate.lower.isNaN ? estimate.value : estimate.lower))
            upper.append(bounds.clamp(estimate.upper.isNaN ? estimate.value : estimate.upper))
        }
        return CurveSeries(name: name, color: color, x: x, mean: mean, lower: lower, upper: upper)
    }

    /// The smallest of 1, 2, 2.5 or 5 × 10ᵏ at or above `value`, for a plot's top.
    static func niceCeiling(_ value: Double) -> Double {
        let magnitude = pow(10, (log10(value)).rounded(.down))
        return [1, 2, 2.5, 5, 10].map { $0 * magnitude }.first { $0 >= value * (1 - 1e-12) }!
    }

    /// The metric that says how far a run ended from its goal: the maze's geodesic distance, the
    /// puck's distance, the door's and the valve's remaining angle, or plain distance.
    static func goalMetric(_ record: TrainingRecord) -> String? {
        ["geodesic_distance", "puck_distance", "angle_to_success", "angle_error", "distance"]
            .first { record.finalMetrics[$0] != nil }
    }

    private func summaryCSV(_ rows: [Row]) -> String {
        var lines = ["task,reward,seeds,failed_seeds,success_any_mean,success_any_std,success_any_ci_low,success_any_ci_high,"
                     + "success_final_mean,success_final_std,goal_metric,goal_metric_mean,goal_metric_std,wall_seconds_mean"]
        for row in rows {
            let any = Statistics.mean(row.successAny), final = Statistics.mean(row.successFinal)
            lines.append([row.task, row.reward, String(row.seeds), String(row.failedSeeds),
                          String(any.value), String(Statistics.standardDeviation(row.successAny)), String(any.lower), String(any.upper),
                          String(final.value), String(Statistics.standardDeviation(row.successFinal)),
                          row.goalMetric ?? "", row.goalDistance.isEmpty ? "" : String(Statistics.mean(row.goalDistance).value),
                          row.goalDistance.isEmpty ? "" : String(Statistics.standardDeviation(row.goalDistance)),
                          String(Statistics.mean(row.wallSeconds).value)].joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Environment steps per second of wall time over the whole run.
    static func stepsPerSecond(_ record: TrainingRecord) -> Double {
        record.wallSeconds > 0 ? Double(record.step) / record.wallSeconds : .nan
    }

    private func document(tasks: [String], rows: [Row], images: [String: [(String, String)]],
                          finalRecords: [GridCell: TrainingRecord]) -> ReportDocument {
        var document = ReportDocument(title: title)
        document.paragraphs += preamble
        document.paragraphs.append("Final success is the fraction of deterministic evaluation episodes that succeeded at any "
            + "step (and on the final step), at the last evaluation of each run; it is given as mean ± standard deviation over "
            + "seeds with a 95 % Student-t interval. The best mean per task is in bold (none when all are equal). The final distance "
            + "is the task's distance to its goal at the end of those episodes (for the mazes, along the maze), mean ± standard "
            + "deviation over seeds. Numbers are in cells.csv and summary.csv.")
        for task in tasks {
            var section = ReportDocument.Section(heading: task)
            let taskRows = rows.filter { $0.task == task }
            let means = taskRows.map { Statistics.mean($0.successAny).value }.filter { !$0.isNaN }
            // Mark a best value only where the rewards differ.
            let best = means.max().flatMap { $0 > means.min()! ? $0 : nil }
            let metric = taskRows.lazy.compactMap(\.goalMetric).first
            section.table.header = ["reward", "seeds", "success (any step)", "95 % CI", "success (final step)"]
                + (metric.map { ["final \($0.replacingOccurrences(of: "_", with: " "))"] } ?? []) + ["wall time per cell"]
            for row in taskRows {
                let any = Statistics.mean(row.successAny), final = Statistics.mean(row.successFinal)
                let anyText = any.value.isNaN ? "—" : String(format: "%.2f ± %.2f", any.value, Statistics.standardDeviation(row.successAny))
                let isBest = best != nil && !any.value.isNaN && abs(any.value - best!) < 1e-12
                section.table.rows.append([
                    row.reward, row.failedSeeds > 0 ? "\(row.seeds - row.failedSeeds) of \(row.seeds) (\(row.failedSeeds) failed)" : "\(row.seeds)",
                    isBest ? "**\(anyText)**" : anyText,
                    any.lower.isNaN ? "—" : String(format: "[%.2f, %.2f]", max(0, any.lower), min(1, any.upper)),
                    final.value.isNaN ? "—" : String(format: "%.2f ± %.2f", final.value, Statistics.standardDeviation(row.successFinal)),
                ] + (metric == nil ? [] : [row.goalDistance.isEmpty ? "—" : String(
                    format: "%.2f ± %.2f", Statistics.mean(row.goalDistance).value, Statistics.standardDeviation(row.goalDistance))]) + [
                    row.wallSeconds.isEmpty ? "—" : String(format: "%.0f s", Statistics.mean(row.wallSeconds).value),
                ])
            }
            section.images += images[task] ?? []
            section.subsections = pictureSections(task: task, finalRecords: finalRecords)
            document.sections.append(section)
        }
        document.sections.append(cellSection(finalRecords: finalRecords))
        let failures = results.filter { $0.status == .failed }
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

    /// "Reward maps" and "Final policies" of a task, each present when it has a picture, drawn or failed.
    private func pictureSections(task: String, finalRecords: [GridCell: TrainingRecord]) -> [ReportDocument.Section] {
        let headings: [(ReportPictures.Kind, String)] = [(.rewardMap, "Reward maps"), (.filmstrip, "Final policies")]
        return headings.compactMap { kind, heading in
            let results = pictures.filter { $0.picture.kind == kind && $0.picture.cell.task == task }
            guard !results.isEmpty else { return nil }
            var section = ReportDocument.Section(heading: heading)
            for result in results {
                let cell = result.picture.cell
                let caption: String
                switch kind {
                case .rewardMap:
                    caption = "\(cell.reward) reward learned by seed \(cell.seed), with the states it learned from"
                case .filmstrip:
                    let success = finalRecords[cell].map {
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

    /// Every cell: how it ended, and its training wall time and speed.
    private func cellSection(finalRecords: [GridCell: TrainingRecord]) -> ReportDocument.Section {
        var section = ReportDocument.Section(heading: "Cells")
        section.table.header = ["task", "reward", "seed", "status", "wall time", "steps per second"]
        for result in results {
            let status: String
            switch result.status {
            case .completed: status = "completed"
            case .skipped: status = "skipped (already complete)"
            case .failed: status = "failed (exit \(result.exitStatus))"
            }
            let record = finalRecords[result.cell]
            // A failed cell has no final record; the time its process ran is what there is.
            let seconds = record?.wallSeconds ?? result.processSeconds
            let rate = record.map(ComparisonReport.stepsPerSecond)
            section.table.rows.append([
                result.cell.task, result.cell.reward, String(result.cell.seed), status,
                seconds.map { String(format: $0 < 10 ? "%.1f s" : "%.0f s", $0) } ?? "—",
                rate.flatMap { $0.isNaN ? nil : String(format: "%.0f", $0) } ?? "—",
            ])
        }
        return section
    }

    private func unique(_ values: [String]) -> [String] {
        var seen = Set<String>()
        return values.filter { seen.insert($0).inserted }
    }
}

private extension ClosedRange where Bound == Double {
    func clamp(_ value: Double) -> Double { Swift.min(Swift.max(value, lowerBound), upperBound) }
}
