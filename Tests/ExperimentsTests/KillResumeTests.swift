import Experiments
import Foundation
import TestSupport
import Testing

@Suite("Resume after a kill", .tags(.slow), .skippedInFastTier)
struct KillResumeTests {
    static let train = ["train", "--task", "maze-zigzag-v1", "--reward", "dense", "--steps", "400", "--seed", "2",
                        "--evaluation-interval", "100", "--evaluation-episodes", "2", "--checkpoint-interval", "150",
                        "--hidden", "16,16"]

    @Test("mural train killed by SIGKILL, then resumed, ends as an uninterrupted run; without a checkpoint it restarts")
    func killAndResume() throws {
        let root = try temporaryDirectory()
        let whole = root.appendingPathComponent("whole"), killed = root.appendingPathComponent("killed")
        let log = root.appendingPathComponent("killed.log")
        try #require(try mural(Self.train + ["--out", whole.path], log: root.appendingPathComponent("whole.log")).waitForExit() == 0)

        let process = try mural(Self.train + ["--out", killed.path], log: log)
        // Kill once the step-150 checkpoint exists and the metrics row of step 200 is written: resuming
        // must drop that row and make it again.
        let checkpoint = killed.appendingPathComponent(RunDirectory.checkpointFile)
        let metrics = killed.appendingPathComponent(RunDirectory.metricsCSVFile)
        let deadline = Date().addingTimeInterval(120)
        while !(FileManager.default.fileExists(atPath: checkpoint.path) && text(metrics).contains("\n200,")) {
            try #require(process.isRunning, "mural train finished before it could be killed")
            try #require(Date() < deadline, "no checkpoint after 120 s")
            usleep(2000)
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)
        #expect(!RunDirectory(killed).isComplete)
        // The same unfinished run without its checkpoint, as if killed before the first one.
        let uncheckpointed = root.appendingPathComponent("uncheckpointed")
        try FileManager.default.copyItem(at: killed, to: uncheckpointed)
        try FileManager.default.removeItem(at: uncheckpointed.appendingPathComponent(RunDirectory.checkpointFile))

        // What a kill during a checkpoint's write leaves behind; resuming removes it.
        let abandoned = killed.appendingPathComponent(RunDirectory.checkpointFile + ".tmp-99999")
        try Data([1, 2, 3]).write(to: abandoned)
        try #require(try mural(Self.train + ["--out", killed.path, "--resume"], log: log).waitForExit() == 0, "\(text(log))")
        #expect(!FileManager.default.fileExists(atPath: abandoned.path), "the abandoned temporary file is still there")
        #expect(text(log).contains("resuming \(killed.path) from its checkpoint at step"), "\(text(log))")
        #expect(firstDifference(policy(killed), policy(whole)) == nil, "policy.bin differs")
        let expectedRows = withoutWallClock(csv: text(whole.appendingPathComponent(RunDirectory.metricsCSVFile)))
        #expect(expectedRows.count == 5, "a header and rows at steps 100, 200, 300, 400")
        #expect(withoutWallClock(csv: text(metrics)) == expectedRows)
        #expect(withoutWallClock(jsonLines: text(killed.appendingPathComponent(RunDirectory.metricsFile)))
                == withoutWallClock(jsonLines: text(whole.appendingPathComponent(RunDirectory.metricsFile))))
        #expect(RunDirectory(killed).isComplete)
        #expect(!FileManager.default.fileExists(atPath: checkpoint.path), "a complete run keeps no checkpoint")

        let restartLog = root.appendingPathComponent("uncheckpointed.log")
        try #require(try mural(Self.train + ["--out", uncheckpointed.path, "--resume"], log: restartLog).waitForExit() == 0)
        #expect(!text(restartLog).contains("resuming"), "there was no checkpoint to resume from: \(text(restartLog))")
        #expect(firstDifference(policy(uncheckpointed), policy(whole)) == nil, "policy.bin differs after a restart")
        #expect(withoutWallClock(csv: text(uncheckpointed.appendingPathComponent(RunDirectory.metricsCSVFile))) == expectedRows)
    }

    func policy(_ run: URL) -> [UInt8] {
        [UInt8](FileManager.default.contents(atPath: run.appendingPathComponent("policy.bin").path) ?? Data())
    }

    /// The CSV without its wall_seconds column (the third).
    func withoutWallClock(csv: String) -> [[Substring]] {
        csv.split(separator: "\n").map { line in
            var fields = line.split(separator: ",", omittingEmptySubsequences: false)
            fields.remove(at: 2)
            return fields
        }
    }

    /// JSON lines without their wallSeconds field.
    func withoutWallClock(jsonLines: String) -> [String] {
        jsonLines.split(separator: "\n").map { String($0).replacing(/"wallSeconds":[^,}]*,?/, with: "") }
    }
}
