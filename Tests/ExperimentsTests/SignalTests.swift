import Experiments
import Foundation
import TestSupport
import Testing

/// Real signals against the built `mural` (these tests start child processes and take seconds).
@Suite("Signals", .serialized, .tags(.slow), .skippedInFastTier)
struct SignalTests {
    @Test("mural train stopped by SIGTERM checkpoints, exits with 143, and its resume ends bit for bit as an uninterrupted run")
    func trainCheckpointsOnSIGTERM() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let whole = root.appendingPathComponent("whole"), stopped = root.appendingPathComponent("stopped")
        let log = root.appendingPathComponent("stopped.log")
        try #require(try mural(KillResumeTests.train + ["--out", whole.path], log: root.appendingPathComponent("whole.log"))
            .waitForExit() == 0)

        let process = try mural(KillResumeTests.train + ["--out", stopped.path], log: log)
        // After the step-150 checkpoint and the step-200 row: the stop comes between checkpoints.
        let metrics = stopped.appendingPathComponent(RunDirectory.metricsCSVFile)
        let deadline = Date().addingTimeInterval(120)
        while !text(metrics).contains("\n200,") {
            try #require(process.isRunning, "mural train ended before the signal: \(text(log))")
            try #require(Date() < deadline, "no step-200 row after 120 s")
            usleep(2000)
        }
        kill(process.processIdentifier, SIGTERM)
        #expect(try exitStatus(process) == 128 + SIGTERM, "\(text(log))")
        #expect(process.terminationReason == .exit, "mural train died of the signal instead of handling it")
        let message = try #require(text(log).firstMatch(of: /stopped after (\d+) of 400 steps \(checkpointed\)/), "\(text(log))")
        let stopStep = try #require(Int(message.1))
        #expect(stopStep >= 200 && stopStep < 400, "stopped at step \(stopStep)")
        #expect(FileManager.default.fileExists(atPath: stopped.appendingPathComponent(RunDirectory.checkpointFile).path))
        #expect(!RunDirectory(stopped).isComplete)

        try #require(try mural(KillResumeTests.train + ["--out", stopped.path, "--resume"], log: log).waitForExit() == 0, "\(text(log))")
        #expect(text(log).contains("from its checkpoint at step \(stopStep)"), "the resume did not start at the stop: \(text(log))")
        #expect(firstDifference(KillResumeTests().policy(stopped), KillResumeTests().policy(whole)) == nil, "policy.bin differs")
        let rows = { (run: URL) in KillResumeTests().withoutWallClock(csv: text(run.appendingPathComponent(RunDirectory.metricsCSVFile))) }
        #expect(rows(stopped) == rows(whole), "metrics differ from the uninterrupted run's")
    }

    @Test("mural compare stopped by SIGTERM, SIGINT or SIGHUP stops its cells, names them, and leaves no child process",
          arguments: [SIGTERM, SIGINT, SIGHUP])
    func compareStopsItsCells(signal: Int32) throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let output = root.appendingPathComponent("comparison"), log = root.appendingPathComponent("compare.log")
        let process = try mural(["compare", "--tasks", "maze-zigzag-v1", "--rewards", "dense,sparse", "--seeds", "2",
                                 "--steps", "100000", "--evaluation-interval", "500", "--evaluation-episodes", "1",
                                 "--hidden", "8,8", "--jobs", "2", "--out", output.path], log: log)
        // Both running cells have started training (each writes its progress line into its log).
        let deadline = Date().addingTimeInterval(120)
        var cells: [pid_t] = []
        while cells.count < 2 || !(0..<2).allSatisfy({ text(cellLog(output, seed: $0)).contains("step ") }) {
            try #require(process.isRunning, "mural compare ended early: \(text(log))")
            try #require(Date() < deadline, "the cells did not start within 120 s: \(text(log))")
            usleep(20_000)
            cells = children(of: process.processIdentifier)
        }
        kill(process.processIdentifier, signal)
        #expect(try exitStatus(process) == 128 + signal, "\(text(log))")
        for cell in cells {
            #expect(kill(cell, 0) != 0 && errno == ESRCH, "cell process \(cell) outlived mural compare")
        }
        let report = text(log)
        #expect(report.contains("stopped 2 running job(s): runs/maze-zigzag-v1/dense/seed-0, runs/maze-zigzag-v1/dense/seed-1"),
                "\(report)")
        #expect(report.contains("2 not started: runs/maze-zigzag-v1/sparse/seed-0, runs/maze-zigzag-v1/sparse/seed-1"), "\(report)")
        for seed in 0..<2 {
            let run = output.appendingPathComponent("runs/maze-zigzag-v1/dense/seed-\(seed)")
            #expect(FileManager.default.fileExists(atPath: run.appendingPathComponent(RunDirectory.checkpointFile).path),
                    "the stopped cell seed-\(seed) wrote no checkpoint: \(text(cellLog(output, seed: seed)))")
        }
        #expect(!FileManager.default.fileExists(atPath: output.appendingPathComponent("report.md").path))
    }

    /// The exit status of a signalled process, which must end within a minute (or is killed).
    func exitStatus(_ process: Process) throws -> Int32 {
        let deadline = Date().addingTimeInterval(60)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning {
            for child in children(of: process.processIdentifier) { kill(child, SIGKILL) }
            kill(process.processIdentifier, SIGKILL)
            throw TestFailure("process \(process.processIdentifier) was still running 60 s after the signal")
        }
        return process.terminationStatus
    }

    func cellLog(_ output: URL, seed: Int) -> URL {
        output.appendingPathComponent("runs/maze-zigzag-v1/dense/seed-\(seed)/train.log")
    }

    /// The processes whose parent is `parent`, from /proc.
    func children(of parent: pid_t) -> [pid_t] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap(pid_t.init).filter { pid in
            // /proc/PID/stat: "PID (name) STATE PPID ..."; the name may hold spaces, so split after ')'.
            let stat = text(URL(fileURLWithPath: "/proc/\(pid)/stat"))
            guard let close = stat.lastIndex(of: ")") else { return false }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            return fields.count > 1 && pid_t(fields[1]) == parent
        }.sorted()
    }
}
