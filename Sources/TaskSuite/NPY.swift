import Foundation

/// Writes NumPy `.npy` files (format 1.0): a little-endian float32 matrix, readable by
/// `numpy.load`.
public enum NPY {
    /// The bytes of an `.npy` file holding `rows` (all of equal length) as float32.
    public static func float32Matrix(_ rows: [[Double]], columns: Int) -> Data {
        precondition(rows.allSatisfy { $0.count == columns }, "rows must all have \(columns) columns")
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': (\(rows.count), \(columns)), }"
        // Magic (6) + version (2) + header length (2) + header, padded with spaces and a final
        // newline to a multiple of 64 bytes, as the format asks.
        let unpadded = 10 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var data = Data([0x93])
        data.append(contentsOf: Array("NUMPY".utf8))
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
}
