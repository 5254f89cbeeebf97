import Foundation

/// Where a running grid stands: cells done and running, the running cells' steps, and an ETA
/// from the environment steps made since this invocation started. Steps are read from each
/// run's last evaluation (metrics.jsonl), so they advance once per evaluation interval and count
/// the steps of cells that resumed.
public struct GridProgress {
    public let directory: URL
    public let cells: [GridCell]
    public let steps: (GridCell) -> Int
    private let started = ContinuousClock.now
    private var initialSteps = 0
    /// Cells known complete: their steps are final, so their files need no more reading.
    private var complete: Set<GridCell> = []

    public init(directory: URL, cells: [GridCell], steps: @escaping (GridCell) -> Int) {
        (self.directory, self.cells, self.steps) = (directory, cells, steps)
        initialSteps = cells.map { stepsDone($0) }.reduce(0, +)
    }

    /// The steps `cell` has reached: all of them once it is complete, else its last evaluation's.
    public mutating func stepsDone(_ cell: GridCell) -> Int {
        if complete.contains(cell) { return steps(cell) }
        let run = directory.appendingPathComponent(cell.relativePath)
        if RunDirectory(run).isComplete {
            complete.insert(cell)
            return steps(cell)
        }
        return Self.lastStep(in: run)
    }

    /// One line: "12/175 cells done, 2 running (…/seed-3 120000/300000, …); 14.2M/61.0M steps; ETA 6h 10m".
    public mutating func line(running: [GridCell]) -> String {
        let done = cells.map { stepsDone($0) }
        let total = cells.map(steps).reduce(0, +), reached = done.reduce(0, +)
        let elapsed = (ContinuousClock.now - started).inSeconds
        let rate = elapsed > 0 ? Double(reached - initialSteps) / elapsed : 0
        let eta = rate > 0 ? "ETA " + Self.duration(Double(total - reached) / rate) : "ETA unknown until a cell evaluates"
        let detail = running.map { "\($0.relativePath) \(stepsDone($0))/\(steps($0))" }.joined(separator: ", ")
        return "\(complete.count)/\(cells.count) cells done, \(running.count) running"
            + (detail.isEmpty ? "" : " (\(detail))") + String(format: "; %.1fM/%.1fM steps; ", Double(reached) / 1e6, Double(total) / 1e6)
            + eta
    }

    /// The step of the last evaluation in `run`'s metrics.jsonl; 0 before the first. Only the
    /// file's tail is read: this runs every few seconds over every cell of a grid. Progress is
    /// advisory, so a file that cannot be read counts as no progress instead of stopping the grid.
    static func lastStep(in run: URL) -> Int {
        guard let handle = FileHandle(forReadingAtPath: run.appendingPathComponent(RunDirectory.metricsFile).path) else { return 0 }
        defer { try? handle.close() }
        let size = (try? handle.seekToEnd()) ?? 0
        try? handle.seek(toOffset: size > 4096 ? size - 4096 : 0)
        let tail = (try? handle.readToEnd()) ?? Data()
        // A line being written has no newline yet; the last complete one is the last evaluation.
        guard let line = tail.split(separator: 0x0A).last(where: { $0.last == UInt8(ascii: "}") }),
              let record = try? RunJSON.decoder().decode(TrainingRecord.self, from: Data(line)) else { return 0 }
        return record.step
    }

    static func duration(_ seconds: Double) -> String {
        let minutes = Int((seconds / 60).rounded(.up))
        return minutes >= 60 ? "\(minutes / 60)h \(minutes % 60)m" : "\(minutes)m"
    }
}
