import Glibc

/// Reads what `ArchiveWriter` wrote: checks the magic, the version and the whole file's CRC-32
/// before any field, then bounds and shapes as it goes.
public struct ArchiveReader {
    public private(set) var version: UInt32 = 0
    private let bytes: [UInt8]
    private var position = 0
    /// Where the fields end and the checksum begins.
    private var end: Int

    /// Reads an archive of exactly `version`: every version a build writes carries a checksum, and
    /// older layouts are refused rather than read unverified.
    public init(bytes: [UInt8], magic: String, version: UInt32) throws {
        self.bytes = bytes
        end = bytes.count
        guard bytes.count >= 8, Array(bytes[0..<8]) == Array(magic.utf8) else {
            let found = bytes.prefix(8).map { ($0 >= 32 && $0 < 127) ? String(UnicodeScalar($0)) : "." }.joined()
            throw ArchiveError.badMagic(expected: magic, found: "\"\(found)\"")
        }
        position = 8
        let found: UInt32 = try read("format version")
        guard found == version else { throw ArchiveError.unsupportedVersion(found: found, supported: version) }
        self.version = found
        try require(ArchiveChecksum.size, "checksum")
        end = bytes.count - ArchiveChecksum.size
        let stored = UInt32(littleEndian: bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: end, as: UInt32.self) })
        let computed = bytes.withUnsafeBytes { ArchiveChecksum.crc32(UnsafeRawBufferPointer(rebasing: $0[..<end])) }
        guard stored == computed else { throw ArchiveError.checksumMismatch(stored: stored, computed: computed) }
    }

    /// Reads the file at `path`; errors found before the first field (magic, version, checksum,
    /// I/O) name the file.
    public init(contentsOf path: String, magic: String, version: UInt32) throws {
        do {
            try self.init(bytes: try Self.readFile(path), magic: magic, version: version)
        } catch let error as ArchiveError {
            throw error.naming(path)
        }
    }

    /// Reads the archive at `path` with `body` and checks that nothing is left over; every
    /// `ArchiveError` names the file.
    public static func read<T>(_ path: String, magic: String, version: UInt32,
                               _ body: (inout ArchiveReader) throws -> T) throws -> T {
        do {
            var reader = try ArchiveReader(contentsOf: path, magic: magic, version: version)
            let value = try body(&reader)
            try reader.finish()
            return value
        } catch let error as ArchiveError {
            throw error.naming(path)
        }
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

    /// Bytes left before the checksum.
    public var remainingByteCount: Int { end - position }

    /// Fails unless the rest of the archive could hold the parameters of networks with these layer
    /// widths, as `Float`s. Readers call it before building networks from stored sizes, so that a
    /// wrong size is an error rather than an enormous allocation or an overflow.
    public func requireRoom(forNetworks layerSizes: [[Int]], _ what: String) throws {
        var total = 0
        for sizes in layerSizes {
            guard let count = MLP.parameterCount(layerSizes: sizes) else {
                throw ArchiveError.invalidValue(what: what, detail: "layer widths \(sizes)")
            }
            let (sum, overflow) = total.addingReportingOverflow(count)
            guard !overflow else { throw ArchiveError.invalidValue(what: what, detail: "layer widths \(layerSizes)") }
            total = sum
        }
        guard total <= remainingByteCount / MemoryLayout<Float>.size else {
            throw ArchiveError.invalidValue(
                what: what, detail: "networks of widths \(layerSizes) have \(total) parameters, more than the \(remainingByteCount) bytes left")
        }
    }

    /// Fails unless every byte was consumed: extra bytes mean a different or corrupted layout.
    public func finish() throws {
        guard position == end else { throw ArchiveError.trailingBytes(count: end - position) }
    }

    private mutating func readCount(_ what: String, elementSize: Int) throws -> Int {
        let count: UInt64 = try read("\(what) length")
        let (total, overflow) = Int(clamping: count).multipliedReportingOverflow(by: elementSize)
        guard !overflow else { throw ArchiveError.invalidValue(what: "\(what) length", detail: "\(count)") }
        try require(total, what)
        return Int(count)
    }

    private func require(_ size: Int, _ what: String) throws {
        guard end - position >= size else {
            throw ArchiveError.truncated(reading: what, needed: size, available: end - position)
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
