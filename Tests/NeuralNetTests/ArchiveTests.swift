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
            #expect { try load(badMagic) } throws: { ($0 as? ArchiveError).map { if case .badMagic = $0 { true } else { false } } ?? false }

            var newerVersion = good
            newerVersion[8] = 2
            #expect(throws: ArchiveError.unsupportedVersion(found: 2, supported: 1)) { try load(newerVersion) }

            // Every proper prefix is truncated somewhere: header, shapes, parameters or Adam moments.
            for length in [0, 5, 11, 30, good.count / 2, good.count - 1] {
                #expect("prefix of \(length) bytes") {
                    try load(good.prefix(length))
                } throws: { error in
                    guard let error = error as? ArchiveError else { return false }
                    switch error {
                    case .truncated, .badMagic: return true
                    default: return false
                    }
                }
            }

            #expect(throws: ArchiveError.trailingBytes(count: 3)) { try load(good + Data([1, 2, 3])) }

            try good.write(to: URL(fileURLWithPath: path))
            let other = MLP(inputSize: 3, hiddenSizes: [8, 9], outputSize: 2)
            #expect(throws: ArchiveError.shapeMismatch(what: "network", expected: "[3, 8, 9, 2]", found: "[3, 8, 8, 2]")) {
                _ = try NetworkCheckpoint.load(from: path, expecting: other)
            }
            #expect { _ = try NetworkCheckpoint.load(from: directory + "/missing.bin") } throws: { error in
                guard case .io(_, "open", ENOENT)? = error as? ArchiveError else { return false }
                return true
            }
        }
    }

    @Test("the byte layout: magic, UInt32 version, then width, UInt64 count and little-endian IEEE values")
    func byteLayout() {
        var writer = ArchiveWriter(magic: "TESTTEST", version: 3)
        writer.append(scalars: [1.0, -2.0] as [Float])
        #expect(writer.bytes == Array("TESTTEST".utf8) + [3, 0, 0, 0] + [4] + [2, 0, 0, 0, 0, 0, 0, 0]
                + [0x00, 0x00, 0x80, 0x3F] + [0x00, 0x00, 0x00, 0xC0])
    }

    @Test("a Float reader rejects Double vectors and wrong lengths")
    func scalarShapeChecks() throws {
        var writer = ArchiveWriter(magic: "TESTTEST", version: 1)
        writer.append(scalars: [1.0, 2.0] as [Double])
        writer.append(scalars: [1, 2, 3] as [Float])
        var reader = try ArchiveReader(bytes: writer.bytes, magic: "TESTTEST", supportedVersion: 1)
        #expect(throws: ArchiveError.shapeMismatch(what: "x element", expected: "4 bytes", found: "8 bytes")) {
            _ = try reader.readScalars("x", as: Float.self)
        }
        reader = try ArchiveReader(bytes: writer.bytes, magic: "TESTTEST", supportedVersion: 1)
        #expect(try reader.readScalars("x", as: Double.self) == [1, 2])
        #expect(throws: ArchiveError.shapeMismatch(what: "y", expected: "[4]", found: "[3]")) {
            _ = try reader.readScalars("y", as: Float.self, expectedCount: 4)
        }
    }
}
