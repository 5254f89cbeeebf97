import Foundation

/// Reads and writes NumPy `.npy` files holding a little-endian float32 matrix: the writer
/// produces format 1.0, readable by `numpy.load`; the reader accepts what `numpy.save` writes
/// for such a matrix (format 1.0, 2.0 or 3.0, C or Fortran order).
public enum NPY {
    /// The bytes of an `.npy` file holding `rows` (all of equal length) as float32.
    public static func float32Matrix(_ rows: [[Double]], columns: Int) -> Data {
        precondition(rows.allSatisfy { $0.count == columns }, "rows must all have \(columns) columns")
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': (\(rows.count), \(columns)), }"
        // Magic (6) + version (2) + header length (2) + header, padded with spaces and a final
        // newline to a multiple of 64 bytes, as the format asks.
        let unpadded = 10 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var data = Data(magic)
        data.append(contentsOf: [1, 0])
        let length = UInt16(header.utf8.count)
        data.append(contentsOf: [UInt8(length & 0xFF), UInt8(length >> 8)])
        data.append(contentsOf: Array(header.utf8))
        data.reserveCapacity(data.count + rows.count * columns * 4)
        for row in rows {
            for value in row {
                let bits = Float(value).bitPattern.littleEndian
                withUnsafeBytes(of: bits) { data.append(contentsOf: $0) }
            }
        }
        return data
    }

    /// `\x93NUMPY`, the first six bytes of every `.npy` file.
    static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)

    /// A float32 matrix read from a `.npy` file, row-major.
    public struct Matrix: Equatable, Sendable {
        public var rows: Int
        public var columns: Int
        /// `rows × columns` values, row after row.
        public var values: [Float]

        public func row(_ i: Int) -> ArraySlice<Float> { values[(i * columns)..<((i + 1) * columns)] }
    }

    /// Why a `.npy` file could not be read; names the file.
    public struct ReadError: Error, Equatable, CustomStringConvertible {
        public var file: String
        public var problem: String
        public var description: String { "\(file): \(problem)" }
    }

    /// Reads the float32 N×D matrix stored in the `.npy` file at `path`.
    public static func readFloat32Matrix(from path: String) throws -> Matrix {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ReadError(file: path, problem: FileManager.default.fileExists(atPath: path) ? "cannot be read" : "does not exist")
        }
        return try parseFloat32Matrix([UInt8](data), file: path)
    }

    /// Parses the bytes of a `.npy` file; `file` names it in errors.
    public static func parseFloat32Matrix(_ bytes: [UInt8], file: String) throws -> Matrix {
        func fail(_ problem: String) -> ReadError { ReadError(file: file, problem: problem) }
        guard bytes.starts(with: magic) || magic.starts(with: bytes) else {
            throw fail("not a NumPy .npy file (it does not start with \\x93NUMPY)")
        }
        guard bytes.count >= 10 else { throw fail("truncated: only \(bytes.count) bytes, shorter than a .npy preamble") }
        // Version 1.0 has a 2-byte header length; 2.0 and 3.0 (UTF-8 header) have 4 bytes.
        let major = bytes[6]
        let lengthBytes: Int
        switch major {
        case 1: lengthBytes = 2
        case 2, 3: lengthBytes = 4
        default: throw fail("unsupported .npy format version \(major).\(bytes[7])")
        }
        guard bytes.count >= 8 + lengthBytes else { throw fail("truncated: the header length is cut off") }
        let headerLength = (0..<lengthBytes).reduce(0) { $0 | Int(bytes[8 + $1]) << (8 * $1) }
        let dataStart = 8 + lengthBytes + headerLength
        guard bytes.count >= dataStart else {
            throw fail("truncated: the header needs \(headerLength) bytes, the file has \(bytes.count - 8 - lengthBytes) after the preamble")
        }
        let header = String(decoding: bytes[(8 + lengthBytes)..<dataStart], as: UTF8.self)

        let descr = try headerValue("descr", in: header, file: file).trimmingCharacters(in: CharacterSet(charactersIn: "'\""))
        guard descr == "<f4" else {
            throw fail("holds dtype '\(descr)', expected little-endian float32 '<f4' (save it with numpy.asarray(x, dtype=numpy.float32))")
        }
        let order = try headerValue("fortran_order", in: header, file: file)
        guard order == "False" || order == "True" else { throw fail("has fortran_order '\(order)', expected True or False") }
        let shapeText = try headerValue("shape", in: header, file: file)
        let dimensions = shapeText.trimmingCharacters(in: CharacterSet(charactersIn: "()"))
            .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.map { Int($0) }
        guard dimensions.count == 2, let rows = dimensions[0], let columns = dimensions[1], rows >= 0, columns > 0 else {
            throw fail("has shape \(shapeText), expected a 2-D matrix (N, D) with D ≥ 1")
        }

        let (count, overflow) = rows.multipliedReportingOverflow(by: columns)
        let payload = bytes.count - dataStart
        guard !overflow, count <= payload / 4 else {
            throw fail("truncated: shape (\(rows), \(columns)) needs \(overflow ? "more than Int.max" : String(count * 4)) bytes of data, the file has \(payload)")
        }
        guard payload == count * 4 else {
            throw fail("has \(payload - count * 4) bytes after the (\(rows), \(columns)) float32 data")
        }
        var stored = [Float](repeating: 0, count: count)
        for k in 0..<count {
            let i = dataStart + 4 * k
            let bits = UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2]) << 16 | UInt32(bytes[i + 3]) << 24
            stored[k] = Float(bitPattern: bits)
        }
        guard order == "True" else { return Matrix(rows: rows, columns: columns, values: stored) }
        // Fortran order stores column after column.
        var values = stored
        for r in 0..<rows {
            for c in 0..<columns { values[r * columns + c] = stored[c * rows + r] }
        }
        return Matrix(rows: rows, columns: columns, values: values)
    }

    /// The text of `key`'s value in a header dictionary such as
    /// `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), }`.
    private static func headerValue(_ key: String, in header: String, file: String) throws -> String {
        guard let keyRange = header.range(of: "'\(key)'") ?? header.range(of: "\"\(key)\""),
              let colon = header[keyRange.upperBound...].firstIndex(of: ":") else {
            throw ReadError(file: file, problem: "header has no '\(key)' entry: \(header.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        let rest = header[header.index(after: colon)...].drop { $0 == " " }
        // A tuple runs to its closing parenthesis; anything else to the next comma or brace.
        let end = rest.first == "(" ? rest.firstIndex(of: ")").map { rest.index(after: $0) } : rest.firstIndex { $0 == "," || $0 == "}" }
        return String(rest[..<(end ?? rest.endIndex)]).trimmingCharacters(in: .whitespaces)
    }
}
