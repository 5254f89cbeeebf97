import Foundation
import NeuralNet
import Randomness
import Testing

@Suite("Network checkpoints")
struct ArchiveTests {
    static let network = MLP(inputSize: 3, hiddenSizes: [8, 8], outputSize: 2)

    /// A fresh directory per test, removed afterwards.
    static func withTemporaryDirectory(_ body: (String) throws -> Void) throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("mural-nn-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try body(directory)
    }

    static func trainedCheckpoint() -> NetworkCheckpoint {
        var generator = RandomGenerator(seed: 21)
        var parameters: [Float] = network.initialParameters(using: &generator)
        var adam = Adam<Float>(parameterCount: parameters.count, learningRate: 1e-3)
        adam.update(&parameters, gradient: parameters.map { $0 * 0.5 + 0.1 })
        return NetworkCheckpoint(architecture: network, parameters: parameters, optimizer: adam)
    }

    @Test("save then load restores architecture, parameters and Adam state bit for bit; no temp file remains")
    func roundTrip() throws {
        try Self.withTemporaryDirectory { directory in
            let path = directory + "/net.bin"
            let checkpoint = Self.trainedCheckpoint()
            try checkpoint.save(to: path)
            #expect(try NetworkCheckpoint.load(from: path, expecting: Self.network) == checkpoint)
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["net.bin"],
                    "the atomic write left a temporary file behind")
            // Overwriting goes through the same rename.
            let bare = NetworkCheckpoint(architecture: Self.network, parameters: checkpoint.parameters)
            try bare.save(to: path)
            #expect(try NetworkCheckpoint.load(from: path) == bare)
        }
    }

    @Test("corrupted files fail with the matching error")
    func errors() throws {
        try Self.withTemporaryDirectory { directory in
            let path = directory + "/net.bin"
            try Self.trainedCheckpoint().save(to: path)
            let good = try Data(contentsOf: URL(fileURLWithPath: path))
            func load(_ bytes: Data) throws { try bytes.write(to: URL(fileURLWithPath: path)); _ = try NetworkCheckpoint.load(from: path) }

            var badMagic = good
            badMagic[0] = UInt8(ascii: "X")
            #expect { try load(badMagic) } throws: { error in
                guard case .inFile(path, .badMagic)? = error as? ArchiveError else { return false }
                return true
            }

            var newerVersion = good
            newerVersion[8] = 3
            #expect(throws: ArchiveError.inFile(path: path, .unsupportedVersion(found: 3, supported: 2))) { try load(newerVersion) }

            // Every proper prefix fails: too short for a header and checksum, or a checksum mismatch.
            for length in [0, 5, 11, 15, 30, good.count / 2, good.count - 1] {
                #expect("prefix of \(length) bytes") {
                    try load(good.prefix(length))
                } throws: { error in
                    switch (error as? ArchiveError)?.withoutFile {
                    case .truncated?, .badMagic?, .checksumMismatch?: return true
                    default: return false
                    }
                }
            }
            #expect { try load(good + Data([1, 2, 3])) } throws: { error in
                guard case .inFile(path, .checksumMismatch)? = error as? ArchiveError else { return false }
                return true
            }

            try good.write(to: URL(fileURLWithPath: path))
            let other = MLP(inputSize: 3, hiddenSizes: [8, 9], outputSize: 2)
            #expect(throws: ArchiveError.inFile(
                path: path, .shapeMismatch(what: "network", expected: "[3, 8, 9, 2]", found: "[3, 8, 8, 2]"))) {
                _ = try NetworkCheckpoint.load(from: path, expecting: other)
            }
            #expect { _ = try NetworkCheckpoint.load(from: directory + "/missing.bin") } throws: { error in
                guard case .io(_, "open", ENOENT)? = error as? ArchiveError else { return false }
                return true
            }
        }
    }

    @Test("the byte layout: magic, UInt32 version, then width, UInt64 count and little-endian IEEE values, then the CRC-32")
    func byteLayout() throws {
        var writer = ArchiveWriter(magic: "TESTTEST", version: 3)
        writer.append(scalars: [1.0, -2.0] as [Float])
        let fields = Array("TESTTEST".utf8) + [3, 0, 0, 0] + [4] + [2, 0, 0, 0, 0, 0, 0, 0]
            + [0x00, 0x00, 0x80, 0x3F] + [0x00, 0x00, 0x00, 0xC0]
        #expect(writer.bytes == fields)
        // zlib's CRC-32 of those 29 bytes, checked against Python's zlib.crc32.
        #expect(writer.fileBytes == fields + [0x1C, 0x0F, 0x2F, 0x7F])
        #expect(ArchiveChecksum.crc32(Array("123456789".utf8)) == 0xCBF4_3926, "the standard CRC-32 check value")
        try Self.withTemporaryDirectory { directory in
            try writer.write(to: directory + "/layout.bin")
            #expect(try [UInt8](Data(contentsOf: URL(fileURLWithPath: directory + "/layout.bin"))) == writer.fileBytes)
        }
    }

    @Test("an archive of format version 1 (before checksums) is refused with a message saying what to do")
    func versionOneIsRefused() throws {
        try Self.withTemporaryDirectory { directory in
            let path = directory + "/old.bin"
            var writer = ArchiveWriter(magic: NetworkCheckpoint.magic, version: 1)
            Self.network.write(to: &writer)
            try Data(writer.bytes).write(to: URL(fileURLWithPath: path))
            #expect { _ = try NetworkCheckpoint.load(from: path) } throws: { error in
                let text = "\(error)"
                return error as? ArchiveError == .inFile(path: path, .unsupportedVersion(found: 1, supported: 2))
                    && text.hasPrefix(path) && text.contains("older Mural")
            }
        }
    }

    @Test("a Float reader rejects Double vectors and wrong lengths")
    func scalarShapeChecks() throws {
        var writer = ArchiveWriter(magic: "TESTTEST", version: 1)
        writer.append(scalars: [1.0, 2.0] as [Double])
        writer.append(scalars: [1, 2, 3] as [Float])
        var reader = try ArchiveReader(bytes: writer.fileBytes, magic: "TESTTEST", version: 1)
        #expect(throws: ArchiveError.shapeMismatch(what: "x element", expected: "4 bytes", found: "8 bytes")) {
            _ = try reader.readScalars("x", as: Float.self)
        }
        reader = try ArchiveReader(bytes: writer.fileBytes, magic: "TESTTEST", version: 1)
        #expect(try reader.readScalars("x", as: Double.self) == [1, 2])
        #expect(throws: ArchiveError.shapeMismatch(what: "y", expected: "[4]", found: "[3]")) {
            _ = try reader.readScalars("y", as: Float.self, expectedCount: 4)
        }
    }
}
