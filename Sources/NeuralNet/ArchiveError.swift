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
