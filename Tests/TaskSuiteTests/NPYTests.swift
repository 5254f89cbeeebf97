import Foundation
import Testing
@testable import TaskSuite

@Suite("NPY float32 matrices")
struct NPYTests {
    /// A fresh path in the temporary directory, removed by the caller.
    func temporaryPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("mural-npy-\(getpid())-\(name)").path
    }

    /// `.npy` bytes with a hand-written format-1.0 header and raw data.
    static func npyBytes(header: String, data: [UInt8]) -> [UInt8] {
        let text = Array((header + "\n").utf8)
        return NPY.magic + [1, 0, UInt8(text.count & 0xFF), UInt8(text.count >> 8)] + text + data
    }

    /// The float32 bytes of `values`, little-endian.
    static func float32Bytes(_ values: [Float]) -> [UInt8] {
        values.flatMap { value in withUnsafeBytes(of: value.bitPattern.littleEndian) { Array($0) } }
    }

    @Test func readsWhatTheWriterWrites() throws {
        let rows: [[Double]] = [[-3, -3], [0.1, 2.5], [3.999, -0.25]]
        let path = temporaryPath("roundtrip.npy")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try NPY.float32Matrix(rows, columns: 2).write(to: URL(fileURLWithPath: path))
        let matrix = try NPY.readFloat32Matrix(from: path)
        #expect(matrix.rows == 3 && matrix.columns == 2)
        #expect(matrix.values == rows.flatMap { $0.map(Float.init) })
        #expect(Array(matrix.row(1)) == [0.1, 2.5])
    }

    @Test func readsAnEmptyMatrix() throws {
        let matrix = try NPY.parseFloat32Matrix([UInt8](NPY.float32Matrix([], columns: 2)), file: "empty.npy")
        #expect(matrix == NPY.Matrix(rows: 0, columns: 2, values: []))
    }

    /// Fortran order stores columns one after the other; the reader returns rows.
    @Test func readsFortranOrder() throws {
        let bytes = Self.npyBytes(header: "{'descr': '<f4', 'fortran_order': True, 'shape': (3, 2), }",
                                  data: Self.float32Bytes([0, 2, 4, 1, 3, 5]))
        let matrix = try NPY.parseFloat32Matrix(bytes, file: "f.npy")
        #expect(matrix.values == [0, 1, 2, 3, 4, 5])
    }

    /// A malformed file: a name, the bytes, and what the error must say.
    struct MalformedFile: CustomTestStringConvertible, Sendable {
        var name: String
        var bytes: [UInt8]
        var message: String
        var testDescription: String { name }

        init(_ name: String, _ bytes: [UInt8], _ message: String) {
            (self.name, self.bytes, self.message) = (name, bytes, message)
        }
    }

    static let malformedFiles: [MalformedFile] = [
        .init("bad-magic", Array("PK\u{3}\u{4}not numpy".utf8), "not a NumPy .npy file"),
        .init("short", NPY.magic + [1], "truncated: only 7 bytes"),
        .init("version", NPY.magic + [9, 0, 0, 0], "unsupported .npy format version 9.0"),
        .init("float64", npyBytes(header: "{'descr': '<f8', 'fortran_order': False, 'shape': (1, 2), }", data: .init(repeating: 0, count: 16)),
         "holds dtype '<f8'"),
        .init("one-dimensional", npyBytes(header: "{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }", data: float32Bytes([1, 2, 3, 4])),
         "has shape (4,), expected a 2-D matrix"),
        .init("three-dimensional", npyBytes(header: "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2, 2), }",
                                       data: float32Bytes([1, 2, 3, 4])),
         "has shape (1, 2, 2), expected a 2-D matrix"),
        .init("truncated-data", Array([UInt8](NPY.float32Matrix(Array(repeating: [1, 2], count: 3), columns: 2)).dropLast(4)),
         "truncated: shape (3, 2) needs 24 bytes of data, the file has 20"),
        .init("trailing-data", [UInt8](NPY.float32Matrix([[1, 2]], columns: 2)) + float32Bytes([7]),
         "has 4 bytes after the (1, 2) float32 data"),
        .init("no-shape", npyBytes(header: "{'descr': '<f4', 'fortran_order': False, }", data: []), "header has no 'shape' entry"),
    ]

    /// Each malformed file fails with an error that names the file and the problem.
    @Test(arguments: malformedFiles)
    func rejectsMalformedFiles(_ malformed: MalformedFile) throws {
        let file = "negatives-\(malformed.name).npy"
        #expect {
            _ = try NPY.parseFloat32Matrix(malformed.bytes, file: file)
        } throws: { error in
            let description = "\(error)"
            return description.hasPrefix("\(file): ") && description.contains(malformed.message)
        }
    }

    @Test func missingFileIsNamed() {
        let path = temporaryPath("absent.npy")
        #expect(throws: NPY.ReadError(file: path, problem: "does not exist")) { try NPY.readFloat32Matrix(from: path) }
    }

    /// Files written by numpy itself: C order, Fortran order, format 2.0, and float64 refused.
    @Test(.enabled(if: NumPy.isAvailable, "needs python3 with numpy"))
    func readsFilesWrittenByNumPy() throws {
        let directory = temporaryPath("numpy")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try NumPy.run("""
            import numpy as np, numpy.lib.format as fmt
            a = np.arange(12, dtype=np.float32).reshape(4, 3) * np.float32(0.5) - np.float32(2)
            np.save('c.npy', a)
            np.save('f.npy', np.asfortranarray(a))
            with open('v2.npy', 'wb') as f: fmt.write_array(f, a, version=(2, 0))
            np.save('f8.npy', a.astype(np.float64))
            """, in: directory)
        let expected = (0..<12).map { Float($0) * 0.5 - 2 }
        for name in ["c.npy", "f.npy", "v2.npy"] {
            let matrix = try NPY.readFloat32Matrix(from: "\(directory)/\(name)")
            #expect(matrix == NPY.Matrix(rows: 4, columns: 3, values: expected), "\(name)")
        }
        #expect {
            _ = try NPY.readFloat32Matrix(from: "\(directory)/f8.npy")
        } throws: { "\($0)".contains("f8.npy: holds dtype '<f8'") }
    }

    /// numpy reads what the writer wrote, with the same values.
    @Test(.enabled(if: NumPy.isAvailable, "needs python3 with numpy"))
    func numPyReadsTheWriter() throws {
        let directory = temporaryPath("numpy-read")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try NPY.float32Matrix([[1.5, -2], [0.25, 3]], columns: 2).write(to: URL(fileURLWithPath: "\(directory)/w.npy"))
        try NumPy.run("""
            import numpy as np
            a = np.load('w.npy')
            assert a.dtype == np.float32 and a.shape == (2, 2), (a.dtype, a.shape)
            assert (a == np.array([[1.5, -2], [0.25, 3]], dtype=np.float32)).all(), a
            """, in: directory)
    }
}

/// python3 with numpy, when the machine has them.
enum NumPy {
    static let isAvailable: Bool = (try? run("import numpy", in: FileManager.default.temporaryDirectory.path)) != nil

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Runs a Python script in `directory`; throws when it exits non-zero.
    static func run(_ script: String, in directory: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script]
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(description: "python3 exited with \(process.terminationStatus): \(String(decoding: message, as: UTF8.self))")
        }
    }
}
