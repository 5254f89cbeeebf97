import Foundation

/// A comparison's grid written as self-describing jobs, for executors other than `mural compare`
/// (Ray and Slurm, through the Python package's `mural.sweep`). Each cell is a complete `mural`
/// invocation whose paths are relative to the comparison directory, so a cell run from that
/// directory, wherever it is mounted or copied, produces the same bytes as a local run.
/// `mural report` then aggregates whichever cells are complete.
public struct ComparisonPlan: Codable, Sendable, Equatable {
    public static let format = "mural-plan"
    public static let currentVersion = 1
    /// Where `mural compare --plan` writes the plan: inside the comparison directory, so that the
    /// two move together.
    public static let fileName = "plan.json"

    public struct Cell: Codable, Sendable, Equatable {
        /// "TASK/REWARD/seed-S", the cell's run directory below `runs/`.
        public var id: String
        /// Relative to the comparison directory.
        public var runDirectory: String
        /// The arguments of `mural`, to run with the comparison directory as working directory.
        public var arguments: [String]
        public var steps: Int
        /// OpenBLAS threads the cell uses: the CPUs an executor should reserve for it.
        public var threads: Int
        /// From `ComparisonCost`, for executors that schedule longest first.
        public var estimatedSeconds: Double
    }

    public var format = ComparisonPlan.format
    public var version = ComparisonPlan.currentVersion
    /// The version of `mural` that wrote the plan; its cells' run directories refuse another.
    public var mural: String
    /// The comparison directory, relative to the plan file's directory.
    public var directory = "."
    /// In the grid's order, which reports keep; executors start the longest first.
    public var cells: [Cell]

    public init(mural: String, cells: [Cell]) {
        self.mural = mural
        self.cells = cells
    }

    /// The plan of `grid`, whose cells run from its directory (`ComparisonGrid.invocation(_:relative:)`),
    /// with their cost from `cost`.
    public init(grid: ComparisonGrid, mural: String, threads: Int, cost: ComparisonCost) {
        let seconds = Dictionary(cost.cellSeconds.map { ($0.cell, $0.seconds) }, uniquingKeysWith: { first, _ in first })
        self.init(mural: mural, cells: grid.cells.map { cell in
            Cell(id: cell.id, runDirectory: cell.relativePath, arguments: grid.invocation(cell, relative: true).arguments,
                 steps: grid.steps[cell.task] ?? 0, threads: threads, estimatedSeconds: (seconds[cell] ?? 0).rounded())
        })
    }

    /// Writes the plan atomically into `directory` (the comparison directory).
    public func write(into directory: URL) throws {
        try RunDirectory(directory).write(canonicalJSON(self), to: ComparisonPlan.fileName)
    }

    /// The plan in the comparison directory `directory`, if it has one.
    public static func read(from directory: URL) throws -> ComparisonPlan? {
        let url = directory.appendingPathComponent(fileName)
        guard let data = FileManager.default.contents(atPath: url.path) else { return nil }
        do {
            return try RunJSON.decoder().decode(ComparisonPlan.self, from: data)
        } catch {
            throw ExperimentError.invalidFile(path: url.path, reason: "not a plan mural can read (\(error))")
        }
    }

    /// Orders `items` (runs or cells, identified by `id`) as the plan lists their cells; items it
    /// does not list keep their order, after them.
    public func ordered<Item>(_ items: [Item], id: (Item) -> String) -> [Item] {
        let position = Dictionary(cells.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
        return items.enumerated().sorted { a, b in
            (position[id(a.element)] ?? cells.count, a.offset) < (position[id(b.element)] ?? cells.count, b.offset)
        }.map(\.element)
    }
}

extension GridCell {
    /// "TASK/REWARD/seed-S".
    public var id: String { "\(task)/\(reward)/seed-\(seed)" }
}
