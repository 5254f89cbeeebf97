import CZlib

/// The CRC-32 (zlib's, the polynomial of gzip and PNG) that ends every archive.
///
/// A CRC-32 detects every error confined to 32 consecutive bits, so any flipped byte, and misses a
/// random corruption with probability 2⁻³². It guards against damage (disks, copies, truncation),
/// not against tampering.
public enum ArchiveChecksum {
    /// Bytes the checksum adds at the end of an archive.
    public static let size = 4

    public static func crc32(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        guard let base = bytes.baseAddress else { return UInt32(CZlib.crc32_z(0, nil, 0)) }
        return UInt32(CZlib.crc32_z(0, base.assumingMemoryBound(to: Bytef.self), bytes.count))
    }

    public static func crc32(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBytes { crc32($0) }
    }

    /// The trailer that seals `bytes`: their CRC-32, little-endian.
    static func trailer(sealing bytes: [UInt8]) -> [UInt8] {
        withUnsafeBytes(of: crc32(bytes).littleEndian) { Array($0) }
    }
}
