import Agents
import Experiments
import Foundation
import NeuralNet
import Randomness
import Rewards
import TaskSuite
import TestSupport
import Testing

/// A bounded version of the libFuzzer runs (scripts/fuzz, docs/fuzzing.md) for every test run: the
/// readers of users' files get their corpus (Fuzz/corpus) and a few thousand seeded mutations of
/// it, and must answer each with a value or an error, never a crash. A crash names the reader; the
/// mutation that caused it is reproducible from the seed.
@Suite("Readers of users' files, fuzzed")
struct ReaderFuzzTests {
    static let corpus = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fuzz/corpus")

    /// The corpus files of one reader, as bytes.
    static func seeds(_ reader: String) throws -> [[UInt8]] {
        let directory = corpus.appendingPathComponent(reader)
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        let seeds = try names.map { try [UInt8](Data(contentsOf: directory.appendingPathComponent($0))) }
        try #require(!seeds.isEmpty, "no corpus in \(directory.path)")
        return seeds
    }

    /// Runs `read` on every seed and on `count` mutations of them.
    static func fuzz(_ reader: String, count: Int, _ read: ([UInt8]) -> Void) throws {
        let seeds = try seeds(reader)
        seeds.forEach(read)
        var mutator = Mutator(seed: 13)
        for _ in 0..<count { read(mutator.mutate(seeds[mutator.index(seeds.count)], other: seeds[mutator.index(seeds.count)])) }
    }

    @Test("task definitions (YAML)")
    func taskDefinitions() throws {
        var parsed = 0
        try Self.fuzz("task-yaml", count: 2000) { bytes in
            if (try? TaskDefinition.parse(String(decoding: bytes, as: UTF8.self), file: "fuzz.yaml")) != nil { parsed += 1 }
        }
        #expect(parsed >= 5, "not even the corpus parsed")
    }

    @Test(".npy matrices")
    func npy() throws {
        try Self.fuzz("npy", count: 5000) { bytes in _ = try? NPY.parseFloat32Matrix(bytes, file: "fuzz.npy") }
    }

    @Test("mural train --config files")
    func trainingConfigurationFiles() throws {
        try Self.fuzz("train-config", count: 3000) { bytes in
            guard let file = try? TrainingConfigurationFile(contents: String(decoding: bytes, as: UTF8.self), path: "fuzz.yaml")
            else { return }
            var configuration = TrainingConfiguration(task: "maze-zigzag-v1", reward: .dense, steps: 1, seed: 0)
            file.apply(to: &configuration)
            try? configuration.validate()
        }
    }

    @Test("archives: networks, policies and reward models, sealed with a valid checksum so the fields are reached",
          .tags(.slow), .skippedInFastTier)
    func archives() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("fuzz.bin").path
        // As in Fuzz/Sources/fuzz-archive: the first byte picks the reader and whether to seal the rest.
        try Self.fuzz("archive", count: 3000) { input in
            guard let selector = input.first, selector & 3 != 3 else { return }
            var bytes = Array(input.dropFirst())
            if selector & 4 != 0 { bytes += withUnsafeBytes(of: ArchiveChecksum.crc32(bytes).littleEndian) { Array($0) } }
            switch selector & 3 {
            case 0:
                try? Data(bytes).write(to: URL(fileURLWithPath: path))
                _ = try? NetworkCheckpoint.load(from: path)
            case 1:
                if var reader = try? ArchiveReader(bytes: bytes, magic: SACAgent.checkpointMagic, version: SACAgent.checkpointVersion) {
                    _ = try? SACAgent.read(from: &reader)
                }
            default:
                try? Data(bytes).write(to: URL(fileURLWithPath: path))
                _ = try? RewardCheckpoint.load(from: path)
            }
        }
    }
}

/// Seeded mutations in the manner of libFuzzer's: flipped bits, changed bytes and ASCII digits,
/// inserted, erased and repeated runs, interesting integers, crossovers with another input.
struct Mutator {
    /// Mural's generator, whose draws a test pins, so the mutations stay the same.
    private var generator: RandomGenerator

    init(seed: UInt64) { generator = RandomGenerator(seed: seed) }

    mutating func next() -> UInt64 { generator.next() }

    mutating func index(_ count: Int) -> Int { generator.index(below: max(count, 1)) }

    mutating func mutate(_ input: [UInt8], other: [UInt8]) -> [UInt8] {
        var bytes = input
        for _ in 0...index(4) {
            let at = index(bytes.count + 1)
            switch index(9) {
            case 0 where !bytes.isEmpty: bytes[min(at, bytes.count - 1)] ^= UInt8(1) << UInt8(index(8))
            case 1 where !bytes.isEmpty: bytes[min(at, bytes.count - 1)] = UInt8(truncatingIfNeeded: next())
            case 2: bytes.insert(contentsOf: (0...index(8)).map { _ in UInt8(truncatingIfNeeded: next()) }, at: at)
            case 3 where !bytes.isEmpty: bytes.removeSubrange(at..<min(bytes.count, at + 1 + index(16)))
            case 4 where at < bytes.count:
                let run = Array(bytes[at..<min(bytes.count, at + 1 + index(32))])
                bytes.insert(contentsOf: run, at: index(bytes.count + 1))
            case 5:
                // Integers that break length and size checks, little-endian, over whatever is there.
                let value: UInt64 = [0, 1, 0x7F, 0xFF, 0xFFFF, 0x7FFF_FFFF, 0xFFFF_FFFF, UInt64(Int64.max), .max][index(9)]
                let width = [1, 2, 4, 8][index(4)]
                let end = min(bytes.count, at + width)
                bytes.replaceSubrange(at..<end, with: withUnsafeBytes(of: value.littleEndian) { Array($0.prefix(width)) })
            case 6:
                // Numbers in text formats.
                let text = ["-1", "0", "1e308", "-0", "nan", ".inf", "99999999999999999999", "1.5", "~", "[]", "{}", "*a", "&a"]
                bytes.insert(contentsOf: Array(text[index(text.count)].utf8), at: at)
            case 7 where !other.isEmpty:
                let from = index(other.count)
                bytes.replaceSubrange(at..<min(bytes.count, at + index(64)), with: other[from..<min(other.count, from + 1 + index(64))])
            case 8 where at < bytes.count: bytes.removeSubrange(at...)
            default: break
            }
        }
        return bytes
    }
}
