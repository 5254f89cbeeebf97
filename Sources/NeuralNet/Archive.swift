import Glibc

/// Why a binary archive could not be written or read.
public enum ArchiveError: Error, Equatable, CustomStringConvertible {
    case badMagic(expected: String, found: String)
    case unsupportedVersion(found: UInt32, supported: UInt32)
    case truncated(reading: String, needed: Int, available: Int)
    case shapeMismatch(what: String, expected: String, found: String)
    case invalidValue(what: String, detail: String)
    case trailingBytes(count: Int)
    case io(path: String, operation: String, errno: Int32)

    public var description: String {
        switch self {
        case let .badMagic(expected, found):
            return "not a \(expected) file (magic bytes \(found))"
        case let .unsupportedVersion(found, supported):
            return "format version \(found) is not supported (this build reads version \(supported))"
        case let .truncated(reading, needed, available):
            return "file is truncated: reading \(reading) needs \(needed) bytes, \(available) remain"
        case let .shapeMismatch(what, expected, found):
            return "\(what) has shape \(found), expected \(expected)"
        case let .invalidValue(what, detail):
            return "invalid \(what): \(detail)"
        case let .trailingBytes(count):
            return "\(count) unexpected bytes after the end of the archive"
        case let .io(path, operation, code):
            return "\(operation) \(path) failed: \(String(cString: strerror(code)))"
        }
    }
}

/// Builds a versioned little-endian binary file: an 8-byte magic, a UInt32 version, then fields.
public struct ArchiveWriter {
    public private(set) var bytes: [UInt8] = []

    /// `magic` names the file kind and must be exactly 8 ASCII bytes, e.g. "MURALNET".
    public init(magic: String, version: UInt32) {
        precondition(magic.utf8.count == 8, "archive magic must be 8 bytes")
        bytes.append(contentsOf: magic.utf8)
        append(version)
    }

    public mutating func append<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    public mutating func append(_ value: Bool) { append(UInt8(value ? 1 : 0)) }

    /// A length-prefixed UTF-8 string.
    public mutating func append(string: String) {
        append(UInt64(string.utf8.count))
        bytes.append(contentsOf: string.utf8)
    }

    /// A length-prefixed array of integers (stored as Int64).
    public mutating func append(integers values: [Int]) {
        append(UInt64(values.count))
        for value in values { append(Int64(value)) }
    }

    /// A length-prefixed scalar vector: element width in bytes, count, then the IEEE bit patterns.
    public mutating func append<Scalar: NetworkScalar>(scalars values: some Collection<Scalar>) {
        append(UInt8(MemoryLayout<Scalar>.size))
        append(UInt64(values.count))
        for value in values {
            switch value {
            case let v as Float: append(v.bitPattern)
            case let v as Double: append(v.bitPattern)
            default: preconditionFailure("archives store Float or Double scalars")
            }
        }
    }

    /// Writes the archive to `path` atomically: a temporary file in the same directory, flushed to
    /// disk, then renamed over `path`, so a crash never leaves a half-written checkpoint behind.
    public func write(to path: String) throws {
        let temporary = "\(path).tmp-\(getpid())"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else { throw ArchiveError.io(path: temporary, operation: "create", errno: errno) }
        var failure: ArchiveError?
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = Glibc.write(descriptor, raw.baseAddress! + offset, raw.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = .io(path: temporary, operation: "write", errno: errno)
                    return
                }
                offset += written
            }
        }
        if failure == nil, fsync(descriptor) != 0 { failure = .io(path: temporary, operation: "fsync", errno: errno) }
        if close(descriptor) != 0, failure == nil { failure = .io(path: temporary, operation: "close", errno: errno) }
        if failure == nil, rename(temporary, path) != 0 { failure = .io(path: path, operation: "rename to", errno: errno) }
        if let failure {
            unlink(temporary)
            throw failure
        }
    }
}

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
        return try (0..<count).map { _ -> Scalar in
            if Scalar.self == Float.self { return Float(bitPattern: try read(what)) as! Scalar }
            return Double(bitPattern: try read(what)) as! Scalar
        }
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

/// Types that know their own archive layout, so composite checkpoints nest them.
public protocol ArchiveCodable {
    func write(to writer: inout ArchiveWriter)
    init(from reader: inout ArchiveReader) throws
}

extension MLP: ArchiveCodable {
    public func write(to writer: inout ArchiveWriter) {
        writer.append(integers: layerSizes)
        writer.append(integers: activations.map { Int($0.rawValue) })
    }

    public init(from reader: inout ArchiveReader) throws {
        let sizes = try reader.readIntegers("layer sizes")
        let codes = try reader.readIntegers("activations")
        guard sizes.count >= 2, sizes.allSatisfy({ $0 > 0 && $0 < 1 << 24 }) else {
            throw ArchiveError.invalidValue(what: "layer sizes", detail: "\(sizes)")
        }
        guard codes.count == sizes.count - 1 else {
            throw ArchiveError.shapeMismatch(what: "activations", expected: "[\(sizes.count - 1)]", found: "[\(codes.count)]")
        }
        let activations = try codes.map { code in
            guard let activation = UInt8(exactly: code).flatMap(Activation.init(rawValue:)) else {
                throw ArchiveError.invalidValue(what: "activation", detail: "code \(code)")
            }
            return activation
        }
        self.init(layerSizes: sizes, activations: activations)
    }
}

extension Adam: ArchiveCodable {
    public func write(to writer: inout ArchiveWriter) {
        writer.append(scalars: [learningRate, beta1, beta2, epsilon])
        writer.append(Int64(step))
        writer.append(scalars: firstMoment)
        writer.append(scalars: secondMoment)
    }

    public init(from reader: inout ArchiveReader) throws {
        let h = try reader.readScalars("Adam hyperparameters", as: Scalar.self, expectedCount: 4)
        let step = Int(try reader.read("Adam step", as: Int64.self))
        guard step >= 0 else { throw ArchiveError.invalidValue(what: "Adam step", detail: "\(step)") }
        let m = try reader.readScalars("Adam first moment", as: Scalar.self)
        let v = try reader.readScalars("Adam second moment", as: Scalar.self, expectedCount: m.count)
        self.init(learningRate: h[0], beta1: h[1], beta2: h[2], epsilon: h[3], step: step, firstMoment: m, secondMoment: v)
    }
}

extension SeededGenerator: ArchiveCodable {
    public func write(to writer: inout ArchiveWriter) {
        writer.append(state.0); writer.append(state.1); writer.append(state.2); writer.append(state.3)
    }

    public init(from reader: inout ArchiveReader) throws {
        let words: (UInt64, UInt64, UInt64, UInt64) = (
            try reader.read("generator state"), try reader.read("generator state"),
            try reader.read("generator state"), try reader.read("generator state"))
        guard words != (0, 0, 0, 0) else {
            throw ArchiveError.invalidValue(what: "generator state", detail: "all zero")
        }
        self.init(state: words)
    }
}
