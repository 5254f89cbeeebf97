import Foundation
import TaskSuite

/// The pictures of a comparison report. For each (task, reward), the finished run with the lowest
/// seed stands for its pair: a filmstrip of its final policy (`mural render`'s contact sheet) and,
/// on a maze with a learned reward, a map of that reward (`mural reward-map`). For each task, the
/// learned classifiers of those runs along the scripted expert's path (`mural reward-path`).
///
/// Each picture is drawn by a child process, as the grid's cells are, with its own log under
/// `pictures/`. A picture already drawn is not drawn again, so an interrupted comparison resumes;
/// one that fails is reported with its log, and the comparison goes on without it.
public struct ReportPictures {
    public enum Kind: String, Sendable {
        case filmstrip
        case rewardMap = "reward-map"
        case rewardPath = "reward-path"
    }

    public struct Picture: Sendable {
        public var kind: Kind
        /// Every run it shows: one, or each classifier's run on a reward path.
        public var runs: [GridCell]
        /// The run the picture shows (a reward path's first).
        public var cell: GridCell { runs[0] }
        /// The PNG file, relative to the comparison directory (as the report links it).
        public var image: String
        /// The drawing process's output, relative to the comparison directory.
        public var log: String
        /// The `mural` command that draws it.
        public var invocation: MuralInvocation
    }

    public struct Result: Sendable {
        public enum Status: Sendable, Equatable {
            case drawn
            /// Drawn by an earlier invocation.
            case existing
            case failed(exitStatus: Int32, logTail: String)
        }

        public var picture: Picture
        public var status: Status
    }

    /// Frames of a filmstrip over one episode.
    static let filmstripFrames = 10

    public let directory: URL
    public let pictures: [Picture]

    /// Plans the pictures of `grid`'s finished runs; pairs with no finished run get none. A run is
    /// finished when `isFinished` says so: by default, when its run directory is complete; a
    /// report recomputed from an evaluations.csv, whose run directories may be gone, passes the
    /// runs the CSV holds.
    public init(grid: ComparisonGrid, registry: TaskRegistry, isFinished: ((GridCell) -> Bool)? = nil) throws {
        let isFinished = isFinished ?? { RunDirectory(grid.runDirectory($0)).isComplete }
        directory = grid.directory
        var pictures: [Picture] = []
        var pairs = Set<[String]>()
        var classifierRuns: [String: [GridCell]] = [:]
        for cell in grid.cells where pairs.insert([cell.task, cell.reward]).inserted {
            let finished = grid.cells.filter { $0.task == cell.task && $0.reward == cell.reward }
                .sorted { $0.seed < $1.seed }
                .first(where: isFinished)
            guard let run = finished else { continue }
            if RewardPath.classifierRewards.map(\.rawValue).contains(run.reward) { classifierRuns[run.task, default: []].append(run) }
            let definition = try registry.definition(run.task)
            let runPath = grid.runDirectory(run).path
            let stem = "pictures/\(run.task)/\(run.reward)-seed\(run.seed)"
            let every = (definition.timing.horizon + Self.filmstripFrames - 1) / Self.filmstripFrames
            pictures.append(Picture(
                kind: .filmstrip, runs: [run], image: "\(stem)/sheet.png", log: "\(stem)-filmstrip.log",
                invocation: .filmstrip(task: run.task, runDirectory: runPath, every: every, width: 200, height: 150,
                                       outputDirectory: directory.appendingPathComponent(stem).path)))
            if definition.family == .maze, RewardMapSubject.mappableRewards.map(\.rawValue).contains(run.reward) {
                let image = "\(stem)-reward-map.png"
                pictures.append(Picture(
                    kind: .rewardMap, runs: [run], image: image, log: "\(stem)-reward-map.log",
                    invocation: .rewardMap(runDirectory: runPath, image: directory.appendingPathComponent(image).path)))
            }
        }
        var tasks: [String] = []
        for cell in grid.cells where !tasks.contains(cell.task) { tasks.append(cell.task) }
        for task in tasks {
            guard let runs = classifierRuns[task] else { continue }
            let stem = "pictures/\(task)/reward-path"
            pictures.append(Picture(
                kind: .rewardPath, runs: runs, image: "\(stem).png", log: "\(stem).log",
                invocation: .rewardPath(runDirectories: runs.map { grid.runDirectory($0).path },
                                        image: directory.appendingPathComponent("\(stem).png").path,
                                        csv: directory.appendingPathComponent("\(stem).csv").path)))
        }
        self.pictures = pictures
    }

    /// The pictures drawn already (by an earlier comparison), without drawing any: what a report
    /// recomputed by `mural report` links.
    public func drawn() -> [Result] {
        pictures.filter { FileManager.default.fileExists(atPath: url($0.image).path) }.map { Result(picture: $0, status: .existing) }
    }

    /// Draws every picture not drawn yet with `executable` (the `mural` binary), `jobs` at a time.
    public func run(executable: String, jobs: Int, progress: (String) -> Void = { _ in }) throws -> [Result] {
        var results: [Result?] = pictures.map { picture in
            FileManager.default.fileExists(atPath: url(picture.image).path) ? Result(picture: picture, status: .existing) : nil
        }
        let pending = pictures.indices.filter { results[$0] == nil }
        for index in pending {
            try RunDirectory.ensureWritable(url(pictures[index].log).deletingLastPathComponent())
        }
        if !pending.isEmpty {
            let drawn = pictures.count - pending.count
            progress("drawing \(pending.count) picture(s)" + (drawn > 0 ? " (\(drawn) already drawn)" : ""))
        }
        let jobList = pending.map { index in
            ProcessPool.Job(executable: executable, arguments: pictures[index].invocation.arguments, log: url(pictures[index].log))
        }
        let outcomes = try ProcessPool(width: jobs).run(jobList, onFinish: { outcome in
            let picture = pictures[pending[outcome.index]]
            if !outcome.succeeded {
                progress("picture \(picture.image) FAILED (exit \(outcome.status)), log: \(url(picture.log).path)")
            }
        })
        for outcome in outcomes {
            let index = pending[outcome.index]
            let picture = pictures[index]
            // A zero exit without the file is a failure too: the report would link a missing image.
            let drawn = outcome.succeeded && FileManager.default.fileExists(atPath: url(picture.image).path)
            results[index] = Result(picture: picture, status: drawn ? .drawn : .failed(
                exitStatus: outcome.status, logTail: ComparisonGrid.tail(of: url(picture.log))))
        }
        return results.map { $0! }
    }

    private func url(_ relativePath: String) -> URL { directory.appendingPathComponent(relativePath) }
}
