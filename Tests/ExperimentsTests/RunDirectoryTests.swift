import Experiments
import Foundation
@testable import MuralCLI
import TestSupport
import Testing

func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("mural-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

@Suite("Run directories")
struct RunDirectoryTests {
    let a = Data(#"{"seed": 1}"#.utf8)
    let b = Data(#"{"seed": 2}"#.utf8)

    @Test("a new directory is created and holds the configuration")
    func fresh() throws {
        let url = try temporaryDirectory().appendingPathComponent("run")
        let (run, existing) = try RunDirectory.prepare(url, configuration: a, mode: .fresh)
        #expect(!existing)
        #expect(FileManager.default.contents(atPath: run.file(RunDirectory.configurationFile).path) == a)
        #expect(!run.isComplete)
    }

    @Test("a different configuration is refused unless forced")
    func mismatch() throws {
        let url = try temporaryDirectory().appendingPathComponent("run")
        _ = try RunDirectory.prepare(url, configuration: a, mode: .fresh)
        #expect(throws: ExperimentError.configurationMismatch(path: url.path)) {
            _ = try RunDirectory.prepare(url, configuration: b, mode: .fresh)
        }
        #expect(throws: ExperimentError.configurationMismatch(path: url.path)) {
            _ = try RunDirectory.prepare(url, configuration: b, mode: .resume)
        }
        let (run, existing) = try RunDirectory.prepare(url, configuration: b, mode: .force)
        #expect(!existing)
        #expect(FileManager.default.contents(atPath: run.file(RunDirectory.configurationFile).path) == b)
    }

    @Test("an unfinished run with the same configuration needs --resume; a finished one is reported as existing")
    func resume() throws {
        let url = try temporaryDirectory().appendingPathComponent("run")
        let (run, _) = try RunDirectory.prepare(url, configuration: a, mode: .fresh)
        #expect(throws: ExperimentError.incompleteRunExists(path: url.path)) {
            _ = try RunDirectory.prepare(url, configuration: a, mode: .fresh)
        }
        #expect(try RunDirectory.prepare(url, configuration: a, mode: .resume).existing)
        try run.write(Data("{}".utf8), to: RunDirectory.completionFile)
        #expect(try RunDirectory.prepare(url, configuration: a, mode: .fresh).existing)
    }

    @Test("a directory locked by one holder is refused to another, naming it; --force keeps the lock; it ends with its holder")
    func locking() throws {
        let url = try temporaryDirectory().appendingPathComponent("run")
        var held: RunDirectory.Lock? = try RunDirectory.lock(url)
        #expect(throws: ExperimentError.directoryInUse(path: url.path)) { try RunDirectory.lock(url) }
        _ = try RunDirectory.prepare(url, configuration: a, mode: .force)
        #expect(throws: ExperimentError.directoryInUse(path: url.path), "--force must not drop a held lock") {
            try RunDirectory.lock(url)
        }
        do {
            try TrainCommand.parse(["--task", "maze-zigzag-v1", "--reward", "sparse", "--steps", "10", "--out", url.path]).run()
            Issue.record("mural train into a directory in use should fail")
        } catch {
            #expect(TrainCommand.fullMessage(for: error).contains("\(url.path) is in use by another mural process"),
                    "\(TrainCommand.fullMessage(for: error))")
        }
        #expect(!FileManager.default.fileExists(atPath: url.appendingPathComponent("metrics.csv").path))
        held = nil
        #expect(throws: Never.self, "the lock ends with its holder") { _ = try RunDirectory.lock(url) }
        _ = held
    }

    @Test("an unwritable directory is refused before any work, naming the path")
    func unwritable() throws {
        let parent = try temporaryDirectory()
        let blocker = parent.appendingPathComponent("file")
        try Data().write(to: blocker)
        let url = blocker.appendingPathComponent("run")  // a directory under a regular file
        let error = #expect(throws: ExperimentError.self) { _ = try RunDirectory.prepare(url, configuration: a, mode: .fresh) }
        #expect(error.map { "\($0)" }?.contains(url.path) == true, "message should name \(url.path): \(String(describing: error))")
    }
}

@Suite("Process pool")
struct ProcessPoolTests {
    @Test("runs jobs in parallel up to its width, logs each, and reports failures without stopping")
    func runsAndReports() throws {
        let directory = try temporaryDirectory()
        // Each job marks itself running, then counts how many jobs are running at that moment.
        let script = "touch running.$0; sleep 0.5; ls running.* | wc -l > peak.$0; rm running.$0; echo job $0"
        let jobs = (0..<5).map { i in
            ProcessPool.Job(executable: "/bin/sh",
                            arguments: i == 2 ? ["-c", "echo broken >&2; exit 3"] : ["-c", "cd \(directory.path) && \(script)", "\(i)"],
                            log: directory.appendingPathComponent("job\(i).log"))
        }
        var finished: [Int] = []
        let outcomes = try ProcessPool(width: 3).run(jobs, onFinish: { finished.append($0.index) })
        #expect(outcomes.map(\.status) == [0, 0, 3, 0, 0])
        #expect(Set(finished) == Set(0..<5))
        let peaks = try [0, 1, 3, 4].map {
            Int(try String(contentsOf: directory.appendingPathComponent("peak.\($0)"), encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines))!
        }
        #expect(peaks.max()! <= 3, "more than 3 jobs ran at once: \(peaks)")
        #expect(peaks.max()! >= 2, "jobs never overlapped: \(peaks)")
        #expect(try String(contentsOf: jobs[2].log, encoding: .utf8) == "broken\n")
        #expect(try String(contentsOf: jobs[4].log, encoding: .utf8) == "job 4\n")
    }

    @Test("asked to stop, it starts no more jobs, sends SIGTERM to the running ones, waits for them and names them")
    func stopsItsJobs() throws {
        let directory = try temporaryDirectory()
        // Each job says it started, then sleeps far longer than the test.
        let jobs = (0..<3).map { i in
            ProcessPool.Job(executable: "/bin/sh", arguments: ["-c", "echo started; exec sleep 600"],
                            log: directory.appendingPathComponent("job\(i).log"), name: "job \(i)")
        }
        let started = { (0..<2).allSatisfy { text(directory.appendingPathComponent("job\($0).log")) == "started\n" } }
        let start = Date()
        #expect(throws: Interruption(signal: SIGTERM, details: "stopped 2 running job(s): job 0, job 1; 1 not started: job 2")) {
            _ = try ProcessPool(width: 2).run(jobs, stop: { started() ? SIGTERM : nil })
        }
        #expect(Date().timeIntervalSince(start) < 60, "the pool waited for its jobs to end by themselves")
        #expect(!FileManager.default.fileExists(atPath: jobs[2].log.path), "a job started after the stop")
    }

    @Test("a missing executable and a killed job are reported, not fatal")
    func failuresReported() throws {
        let directory = try temporaryDirectory()
        let jobs = [
            ProcessPool.Job(executable: "/nonexistent/mural", arguments: [], log: directory.appendingPathComponent("a.log")),
            ProcessPool.Job(executable: "/bin/sh", arguments: ["-c", "kill -9 $$"], log: directory.appendingPathComponent("b.log")),
        ]
        let outcomes = try ProcessPool(width: 2).run(jobs)
        #expect(outcomes[0].status == 127)
        #expect(try String(contentsOf: jobs[0].log, encoding: .utf8).contains("could not start /nonexistent/mural"))
        #expect(outcomes[1].status == 128 + 9)
        #expect(throws: ExperimentError.self) { _ = try ProcessPool(width: 0) }
    }
}
