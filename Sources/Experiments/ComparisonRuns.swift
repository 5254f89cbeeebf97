import Foundation
import TaskSuite

/// Reads the runs of a comparison directory, `DIR/runs/TASK/METHOD/seed-S`, wherever they were
/// trained, and reads and writes their evaluations as one CSV file, `evaluations.csv`, from
/// which a report can be recomputed.
public enum ComparisonRuns {
    /// The complete runs under `directory` and the cells that started but are not complete yet,
    /// in task, method and seed order. An empty seed directory (`compare` makes them before their
    /// cells start) is neither.
    public static func scan(_ directory: URL) throws -> (complete: [RunEvaluations], incomplete: [GridCell]) {
        let root = runs(of: directory)
        var complete: [RunEvaluations] = [], incomplete: [GridCell] = []
        for task in try tasks(in: directory) {
            for method in try subdirectories(root.appendingPathComponent(task)) {
                let seeds = try subdirectories(root.appendingPathComponent(task).appendingPathComponent(method))
                    .compactMap { name in name.hasPrefix("seed-") ? UInt64(name.dropFirst(5)) : nil }.sorted()
                for seed in seeds {
                    let cell = GridCell(task: task, reward: method, seed: seed)
                    let run = directory.appendingPathComponent(cell.relativePath)
                    if RunDirectory(run).isComplete {
                        complete.append(try evaluations(of: cell, in: run))
                    } else if try !FileManager.default.contentsOfDirectory(atPath: run.path).isEmpty {
                        incomplete.append(cell)
                    }
                }
            }
        }
        return (complete, incomplete)
    }

    /// The evaluations of the finished run of `cell` in `directory`. A run's distance to its goal
    /// is the metric its task names (`TaskDefinition.Family.goalMetric`); runs of a task the
    /// registry does not know have none.
    public static func evaluations(of cell: GridCell, in directory: URL) throws -> RunEvaluations {
        let records = try MetricsLog.records(in: RunDirectory(directory))
        guard !records.isEmpty else {
            throw ExperimentError.invalidFile(path: directory.appendingPathComponent(RunDirectory.metricsFile).path,
                                              reason: "holds no evaluation, but the run is marked complete")
        }
        let goalMetric = try TaskRegistry.located().definitions.first { $0.id == cell.task }?.family.goalMetric
        return RunEvaluations(task: cell.task, method: cell.reward, seed: cell.seed, points: records.map { record in
            EvaluationPoint(step: record.step, successFinal: record.successFinal, successAny: record.successAny,
                            goalDistance: goalMetric.flatMap { record.finalMetrics[$0] }, wallSeconds: record.wallSeconds)
        })
    }

    static let csvHeader = "task,method,seed,step,success_final,success_any,goal_distance,wall_seconds"

    /// One line per evaluation of every run. Numbers are written in Swift's shortest
    /// round-tripping form, so reading the file back gives the same bits.
    public static func csv(_ runs: [RunEvaluations]) -> String {
        var lines = [csvHeader]
        for run in runs {
            for point in run.points {
                lines.append([run.task, run.method, String(run.seed), String(point.step), String(point.successFinal),
                              String(point.successAny), point.goalDistance.map { String($0) } ?? "",
                              String(point.wallSeconds)].joined(separator: ","))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Reads a file written by `csv(_:)`.
    public static func read(csv url: URL) throws -> [RunEvaluations] {
        guard let data = FileManager.default.contents(atPath: url.path) else { throw ExperimentError.missingFile(path: url.path) }
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
        guard lines.first == csvHeader else {
            throw ExperimentError.invalidFile(path: url.path, reason: "does not start with the header '\(csvHeader)'")
        }
        var runs: [RunEvaluations] = []
        for (index, line) in lines.enumerated().dropFirst() {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            func bad(_ reason: String) -> ExperimentError { .invalidFile(path: url.path, reason: "line \(index + 1): \(reason)") }
            guard fields.count == 8 else { throw bad("expected 8 fields, got \(fields.count)") }
            guard let seed = UInt64(fields[2]), let step = Int(fields[3]), let final = Double(fields[4]), let any = Double(fields[5]),
                  let wall = Double(fields[7]), fields[6].isEmpty || Double(fields[6]) != nil else {
                throw bad("a field is not a number: '\(line)'")
            }
            let point = EvaluationPoint(step: step, successFinal: final, successAny: any, goalDistance: Double(fields[6]), wallSeconds: wall)
            if let last = runs.last, last.task == fields[0], last.method == fields[1], last.seed == seed {
                guard step > last.points.last!.step else { throw bad("steps of a run must increase") }
                runs[runs.count - 1].points.append(point)
            } else {
                runs.append(RunEvaluations(task: fields[0], method: fields[1], seed: seed, points: [point]))
            }
        }
        return runs
    }

    /// The tasks `directory` holds runs of, complete or not, in order.
    public static func tasks(in directory: URL) throws -> [String] { try subdirectories(runs(of: directory)) }

    private static func runs(of directory: URL) -> URL { directory.appendingPathComponent("runs") }

    private static func subdirectories(_ url: URL) throws -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue else { return [] }
        return try FileManager.default.contentsOfDirectory(atPath: url.path).filter { name in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: url.appendingPathComponent(name).path, isDirectory: &isDirectory)
                && isDirectory.boolValue
        }.sorted()
    }
}
