import Glibc

#if !_endian(little)
#error("Mural archives store scalars as their little-endian memory image")
#endif

/// Builds a versioned little-endian binary file: an 8-byte magic, a UInt32 version, then fields,
/// and on disk a CRC-32 of everything before it (see `ArchiveChecksum`), which `ArchiveReader`
/// verifies before reading any field.
public struct ArchiveWriter {
    /// The fields so far, header included; `fileBytes` adds the checksum.
    public private(set) var bytes: [UInt8] = []

    /// What `write(to:)` stores: the fields, then their CRC-32.
    public var fileBytes: [UInt8] { bytes + ArchiveChecksum.trailer(sealing: bytes) }

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

    /// A length-prefixed scalar vector: element width in bytes, count, then the IEEE 754 values in
    /// little-endian byte order, which on the little-endian hosts Mural supports is their memory image.
    public mutating func append<Scalar: NetworkScalar>(scalars values: some Collection<Scalar>) {
        append(UInt8(MemoryLayout<Scalar>.size))
        append(UInt64(values.count))
        Array(values).withUnsafeBytes { bytes.append(contentsOf: $0) }
    }

    /// Writes the archive to `path` atomically: a temporary file in the same directory, flushed to
    /// disk, then renamed over `path`, so a crash never leaves a half-written checkpoint behind.
    public func write(to path: String) throws {
        let temporary = "\(path).tmp-\(getpid())"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else { throw ArchiveError.io(path: temporary, operation: "create", errno: errno) }
        var failure: ArchiveError?
        // The checksum goes in a second write: a checkpoint's fields can run to a hundred megabytes.
        for part in [bytes, ArchiveChecksum.trailer(sealing: bytes)] where failure == nil {
            part.withUnsafeBytes { raw in
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
