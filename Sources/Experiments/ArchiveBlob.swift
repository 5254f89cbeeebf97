import NeuralNet

/// Opaque byte strings inside archives, such as a reward source's own checkpoint.
///
/// `ArchiveWriter` has bulk copies only for scalar vectors, and a learned model's state can run to
/// megabytes, so the bytes travel as the memory image of a zero-padded `Double` vector after their
/// exact length. Both sides only copy memory, never load the words as numbers, so every bit pattern
/// (signalling NaNs included) comes back unchanged.
extension ArchiveWriter {
    mutating func append(blob: [UInt8]) {
        append(UInt64(blob.count))
        var words = [Double](repeating: 0, count: (blob.count + 7) / 8)
        words.withUnsafeMutableBytes { $0.copyBytes(from: blob) }
        append(scalars: words)
    }
}

extension ArchiveReader {
    mutating func readBlob(_ what: String) throws -> [UInt8] {
        let length = try read("\(what) length", as: UInt64.self)
        // Words are 8 bytes, so a valid length is below Int.max / 8; larger ones are corruption.
        guard length <= UInt64(Int.max / 8) else {
            throw ArchiveError.invalidValue(what: "\(what) length", detail: "\(length)")
        }
        let count = Int(length)
        let words = try readScalars(what, as: Double.self, expectedCount: (count + 7) / 8)
        return words.withUnsafeBytes { Array($0.prefix(count)) }
    }
}
