import Glibc

/// Why a binary archive could not be written or read.
public enum ArchiveError: Error, Equatable, CustomStringConvertible {
    case badMagic(expected: String, found: String)
    case unsupportedVersion(found: UInt32, supported: UInt32)
    case truncated(reading: String, needed: Int, available: Int)
    case shapeMismatch(what: String, expected: String, found: String)
    case invalidValue(what: String, detail: String)
    case trailingBytes(count: Int)
    /// The CRC-32 stored at the end differs from the content's: the file was damaged.
    case checksumMismatch(stored: UInt32, computed: UInt32)
    case io(path: String, operation: String, errno: Int32)
    /// Another error, found in the archive at `path`.
    indirect case inFile(path: String, ArchiveError)

    /// This error with the file it was found in (once: `io` errors already name theirs).
    public func naming(_ path: String) -> ArchiveError {
        switch self {
        case .inFile, .io: return self
        default: return .inFile(path: path, self)
        }
    }

    /// The error without the file it names.
    public var withoutFile: ArchiveError {
        if case let .inFile(_, error) = self { return error.withoutFile }
        return self
    }

    public var description: String {
        switch self {
        case let .badMagic(expected, found):
            return "not a \(expected) file (magic bytes \(found))"
        case let .unsupportedVersion(found, supported) where found < supported:
            return "format version \(found) was written by an older Mural and is not read (this build reads version "
                + "\(supported)); make the file again (a run: delete its checkpoint.bin, and it restarts from its first step)"
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
        case let .checksumMismatch(stored, computed):
            return "the file is corrupted: its checksum is " + hex(stored) + " but its content's is " + hex(computed)
        case let .inFile(path, error):
            return "\(path): \(error)"
        case let .io(path, operation, code):
            return "\(operation) \(path) failed: \(String(cString: strerror(code)))"
        }
    }
}

private func hex(_ value: UInt32) -> String {
    let digits = String(value, radix: 16)
    return "0x" + String(repeating: "0", count: 8 - digits.count) + digits
}
