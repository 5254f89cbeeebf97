import Experiments
import Foundation
import TestSupport
import Testing

/// `mural train --threads K`: OpenBLAS threads are part of a run's configuration. Through the
/// built `mural`, since the thread count is process-wide and other tests run BLAS meanwhile.
@Suite("OpenBLAS threads per run", .serialized, .tags(.slow), .skippedInFastTier)
struct BLASThreadsTests {
    /// SAC layers of 256, wide enough for OpenBLAS to split its products between threads.
    static let train = ["train", "--task", "maze-zigzag-v1", "--reward", "sparse", "--steps", "300", "--hidden", "256,256",
                        "--evaluation-interval", "300", "--evaluation-episodes", "1", "--seed", "2"]

    @Test("a fixed thread count gives the same bits; config.json records it; a resume under another count is refused")
    func threads() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let log = root.appendingPathComponent("train.log")
        func run(_ name: String, _ extra: [String]) throws -> URL {
            let url = root.appendingPathComponent(name)
            try #require(try mural(Self.train + extra + ["--out", url.path], log: log).waitForExit() == 0, "\(text(log))")
            return url
        }
        let first = try run("a", ["--threads", "2"]), second = try run("b", ["--threads", "2"])
        #expect(FileManager.default.contents(atPath: first.appendingPathComponent(RunDirectory.policyFile).path)
                    == FileManager.default.contents(atPath: second.appendingPathComponent(RunDirectory.policyFile).path),
                "the policies of two runs at 2 threads differ")
        #expect(text(first.appendingPathComponent(RunDirectory.configurationFile)).contains("\"blasThreads\" : 2"))

        // One thread is the default: given or not, the configuration is the same.
        let one = try run("one", ["--threads", "1"]), implicit = try run("implicit", [])
        #expect(text(one.appendingPathComponent(RunDirectory.configurationFile))
                    == text(implicit.appendingPathComponent(RunDirectory.configurationFile)))

        let refused = try mural(Self.train + ["--threads", "3", "--resume", "--out", first.path], log: log).waitForExit()
        #expect(refused != 0 && text(log).contains("\(first.path) already holds a run with a different configuration"), "\(text(log))")
        let zero = try mural(Self.train + ["--threads", "0", "--out", root.appendingPathComponent("zero").path], log: log).waitForExit()
        #expect(zero != 0 && text(log).contains("the number of OpenBLAS threads must be positive, got 0"), "\(text(log))")
    }
}
