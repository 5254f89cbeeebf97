import Experiments
import Foundation
@testable import MuralCLI
import NeuralNet
import Rewards
import TaskSuite
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

@Suite("Metrics logs")
struct MetricsLogTests {
    @Test("the records a log writes read back, NaNs included; a damaged line is an error naming the file and line")
    func roundTrip() throws {
        let run = RunDirectory(try temporaryDirectory())
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let record = try decoder.decode(TrainingRecord.self, from: Data((#"{"criticLoss":0.1,"epoch":1,"finalMetrics":{"distance":1.5},"#
            + #""meanTrainingReward":-1,"step":100,"successAny":0.5,"successFinal":0.25,"temperature":0.9,"trainingEpisodes":3,"#
            + #""trainingSuccess":"nan","wallSeconds":2}"#).utf8))
        try MetricsLog(directory: run, records: [record, record]).write()
        #expect(try comparable(MetricsLog.records(in: run)) == comparable([record, record]))
        try run.write(Data("{}\n".utf8), to: RunDirectory.metricsFile)
        let path = run.file(RunDirectory.metricsFile).path
        #expect { _ = try MetricsLog.records(in: run) } throws: { "\($0)".hasPrefix("\(path): line 1 is not a training record") }
    }
}

@Suite("Training runs in their directories")
struct TrainingRunTests {
    static let registry = Result { try TaskRegistry.located() }

    func configuration(_ reward: RewardChoice = .dense) -> TrainingConfiguration {
        var configuration = smallConfiguration(seed: 4, steps: 200)
        configuration.reward = reward
        configuration.checkpointInterval = 100
        return configuration
    }

    func open(_ url: URL, _ configuration: TrainingConfiguration, _ mode: RunDirectory.Mode) throws -> RunDirectory.Training? {
        try RunDirectory.Training.open(url, training: configuration, mode: mode, registry: Self.registry.get(), mural: "test")
    }

    func bytes(_ run: URL, _ name: String) -> Data? { FileManager.default.contents(atPath: run.appendingPathComponent(name).path) }

    @Test("a run starts from step 0, finishes with its files in the directory's layout, and is then found finished")
    func startAndFinish() throws {
        let url = try temporaryDirectory().appendingPathComponent("run")
        let configuration = configuration(.sparse)
        var steps: [Int] = []
        // The run holds its directory until it is released.
        let last = try {
            let training = try #require(try open(url, configuration, .fresh))
            #expect(training.resumedStep == nil)
            return try training.run { steps.append($0.step) }
        }()
        #expect(steps == [100, 200] && last.step == 200)

        let run = RunDirectory(url)
        #expect(run.isComplete)
        #expect(try run.configuration() == RunConfiguration(mural: "test", taskVersion: "maze-zigzag-v1", blasCore: BLASRuntime.coreName,
                                                               training: configuration))
        #expect(bytes(url, RunDirectory.configurationFile) == (try canonicalJSON(run.configuration())))
        #expect(bytes(url, RunDirectory.completionFile) == (try canonicalJSON(last)))
        for file in [RunDirectory.metricsCSVFile, RunDirectory.metricsFile, RunDirectory.policyFile, RunDirectory.visitedFile] {
            #expect(bytes(url, file) != nil, "\(file) is missing")
        }
        #expect(try #require(try run.finalRewardModel() as? SparseRewardModel).updatesCompleted == 2)
        #expect(try run.finalPolicy().configuration.hiddenSizes == configuration.sac.hiddenSizes)
        #expect(bytes(url, RunDirectory.checkpointFile) == nil, "a complete run keeps no checkpoint")
        #expect(try open(url, configuration, .fresh) == nil, "a finished run is not trained again")
        #expect(try open(url, configuration, .resume) == nil)
    }

    @Test("the dense reward learns no model, so its run has no reward model or visited states")
    func denseRun() throws {
        let url = try temporaryDirectory().appendingPathComponent("run")
        try #require(try open(url, configuration(), .fresh)).run()
        #expect(bytes(url, RunDirectory.policyFile) != nil)
        #expect(bytes(url, RunDirectory.rewardModelFile) == nil && bytes(url, RunDirectory.visitedFile) == nil)
        let modelPath = url.appendingPathComponent(RunDirectory.rewardModelFile).path
        #expect(throws: ExperimentError.missingFile(path: modelPath)) { _ = try RunDirectory(url).finalRewardModel() }
    }

    @Test("a stopped run keeps its checkpoint, is refused a fresh start, and resumes from it to end bit for bit as one never stopped")
    func stopAndResume() throws {
        let root = try temporaryDirectory()
        let whole = root.appendingPathComponent("whole"), stopped = root.appendingPathComponent("stopped")
        let configuration = configuration(.vice)
        let uninterrupted = try #require(try open(whole, configuration, .fresh))
        try uninterrupted.run()
        do {
            let first = try #require(try open(stopped, configuration, .fresh))
            #expect(throws: Interruption.self) { try first.run(stop: { first.loop.step >= 150 ? SIGTERM : nil }) }
            #expect(bytes(stopped, RunDirectory.checkpointFile) != nil && !RunDirectory(stopped).isComplete)
            #expect(throws: ExperimentError.directoryInUse(path: stopped.path), "the first run still holds the directory") {
                _ = try open(stopped, configuration, .resume)
            }
        }
        #expect(throws: ExperimentError.incompleteRunExists(path: stopped.path)) { _ = try open(stopped, configuration, .fresh) }
        let resumed = try #require(try open(stopped, configuration, .resume))
        #expect(resumed.resumedStep == 150)
        try resumed.run()
        for file in [RunDirectory.policyFile, RunDirectory.rewardModelFile, RunDirectory.visitedFile] {
            #expect(bytes(whole, file) != nil && bytes(whole, file) == bytes(stopped, file), "\(file) differs")
        }
        #expect(try comparable(resumed.loop.records) == comparable(uninterrupted.loop.records))
    }

    @Test("a directory holding another configuration is refused unless forced, which starts the run again")
    func mismatchedConfiguration() throws {
        let url = try temporaryDirectory().appendingPathComponent("run")
        try #require(try open(url, configuration(), .fresh)).run()
        var other = configuration()
        other.seed = 5
        #expect(throws: ExperimentError.configurationMismatch(path: url.path)) { _ = try open(url, other, .resume) }
        #expect(throws: ExperimentError.configurationMismatch(path: url.path)) { _ = try open(url, other, .fresh) }
        let forced = try #require(try open(url, other, .force))
        #expect(forced.resumedStep == nil && !RunDirectory(url).isComplete)
        #expect(try RunDirectory(url).configuration().training.seed == 5)
    }

    @Test("a missing or foreign config.json, or a missing policy, is an error naming the file")
    func unreadableConfiguration() throws {
        let url = try temporaryDirectory()
        let path = url.appendingPathComponent(RunDirectory.configurationFile).path
        #expect(throws: ExperimentError.missingFile(path: path)) { _ = try RunDirectory(url).configuration() }
        let policy = url.appendingPathComponent(RunDirectory.policyFile).path
        #expect(throws: ExperimentError.missingFile(path: policy)) { _ = try RunDirectory(url).finalPolicy() }
        try Data(#"{"training": {}}"#.utf8).write(to: URL(fileURLWithPath: path))
        #expect { _ = try RunDirectory(url).configuration() } throws: { error in
            "\(error)".hasPrefix("\(path): not a Mural run configuration")
        }
    }
}
