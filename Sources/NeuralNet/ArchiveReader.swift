import Glibc

/// Reads what `ArchiveWriter` wrote, checking magic, version, bounds and shapes as it goes.
public struct ArchiveReader {
    public private(set) var version: UInt32 = 0
    private let bytes: [UInt8]
    private var position = 0

    /// Accepts versions 1…`supportedVersion`; the caller branches on `version` for older layouts.
    public init(bytes: [UInt8], magic: String, supportedVersion: UInt32) throws {
        self.bytes = bytes
        guard bytes.count >= 8, Array(bytes[0..<8]) == Array(magic.utf8) else {
            let found = bytes.prefix(8).map { ($0 >= 32 && $0 < 127) ? String(UnicodeScalar($0)) : "." }.joined()
            throw ArchiveError.badMagic(expected: magic, found: "\"\(found)\"")
        }
        position = 8
        let found: UInt32 = try read("format version")
        guard (1...supportedVersion).contains(found) else {
            throw ArchiveError.unsupportedVersion(found: found, supported: supportedVersion)
        }
        self.version = found
    }

    public init(contentsOf path: String, magic: String, supportedVersion: UInt32) throws {
        try self.init(bytes: try Self.readFile(path), magic: magic, supportedVersion: supportedVersion)
    }

    public mutating func read<T: FixedWidthInteger>(_ what: String, as _: T.Type = T.self) throws -> T {
        let size = MemoryLayout<T>.size
        try require(size, what)
        var value = T.zero
        withUnsafeMutableBytes(of: &value) { $0.copyBytes(from: bytes[position..<(position + size)]) }
        position += size
        return T(littleEndian: value)
    }

    public mutating func read(_ what: String, as _: Bool.Type) throws -> Bool {
        let byte: UInt8 = try read(what)
        guard byte <= 1 else { throw ArchiveError.invalidValue(what: what, detail: "boolean byte \(byte)") }
        return byte == 1
    }

    public mutating func readString(_ what: String) throws -> String {
        let count = try readCount(what, elementSize: 1)
        defer { position += count }
        return String(decoding: bytes[position..<(position + count)], as: UTF8.self)
    }

    public mutating func readIntegers(_ what: String) throws -> [Int] {
        let count = try readCount(what, elementSize: 8)
        return try (0..<count).map { _ in Int(try read(what, as: Int64.self)) }
    }

    /// Reads a scalar vector, checking the element type and, when given, the expected length.
    public mutating func readScalars<Scalar: NetworkScalar>(
        _ what: String, as _: Scalar.Type = Scalar.self, expectedCount: Int? = nil
    ) throws -> [Scalar] {
        let width: UInt8 = try read("\(what) element width")
        guard Int(width) == MemoryLayout<Scalar>.size else {
            throw ArchiveError.shapeMismatch(
                what: "\(what) element", expected: "\(MemoryLayout<Scalar>.size) bytes", found: "\(width) bytes")
        }
        let count = try readCount(what, elementSize: Int(width))
        if let expectedCount, count != expectedCount {
            throw ArchiveError.shapeMismatch(what: what, expected: "[\(expectedCount)]", found: "[\(count)]")
        }
        // The stored bytes are the little-endian memory image (see `ArchiveWriter.append(scalars:)`).
        var values = [Scalar](repeating: 0, count: count)
        let byteCount = count * Int(width)
        values.withUnsafeMutableBytes { $0.copyBytes(from: bytes[position..<(position + byteCount)]) }
        position += byteCount
        return values
    }

    /// Fails unless every byte was consumed: extra bytes mean a different or corrupted layout.
    public func finish() throws {
        guard position == bytes.count else { throw ArchiveError.trailingBytes(count: bytes.count - position) }
    }

    private mutating func readCount(_ what: String, elementSize: Int) throws -> Int {
        let count: UInt64 = try read("\(what) length")
        let (total, overflow) = Int(clamping: count).multipliedReportingOverflow(by: elementSize)
        guard !overflow else { throw ArchiveError.invalidValue(what: "\(what) length", detail: "\(count)") }
        try require(total, what)
        return Int(count)
    }

    private func require(_ size: Int, _ what: String) throws {
        guard bytes.count - position >= size else {
            throw ArchiveError.truncated(reading: what, needed: size, available: bytes.count - position)
        }
    }

    private static func readFile(_ path: String) throws -> [UInt8] {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw ArchiveError.io(path: path, operation: "open", errno: errno) }
        defer { close(descriptor) }
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress!, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw ArchiveError.io(path: path, operation: "read", errno: errno)
            }
            if count == 0 { return result }
            result.append(contentsOf: chunk[0..<count])
        }
    }
}
