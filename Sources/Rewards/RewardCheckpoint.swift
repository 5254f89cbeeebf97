import Foundation
import NeuralNet

/// Reward-model checkpoints: the archive header `MURALRWD`, a format version, the model's kind, then the
/// model's own fields (configuration, parameters, Adam state, generator, counts). `ArchiveWriter` writes
/// them atomically (temporary file, fsync, rename).
public enum RewardCheckpoint {
    public static let magic = "MURALRWD"
    public static let formatVersion: UInt32 = 1

    static func writer(kind: String) -> ArchiveWriter {
        var writer = ArchiveWriter(magic: magic, version: formatVersion)
        writer.append(string: kind)
        return writer
    }

    /// Opens a checkpoint and returns the reader positioned after the kind, with the kind.
    static func open(_ path: String) throws -> (kind: String, reader: ArchiveReader) {
        var reader = try ArchiveReader(contentsOf: path, magic: magic, supportedVersion: formatVersion)
        let kind = try reader.readString("reward model kind")
        return (kind, reader)
    }

    static func open(_ path: String, expecting kind: String) throws -> ArchiveReader {
        let (found, reader) = try open(path)
        guard found == kind else { throw RewardError.checkpointKindMismatch(expected: kind, found: found) }
        return reader
    }

    /// Loads any reward model from its checkpoint.
    public static func load(from path: String) throws -> any RewardModel {
        let (kind, _) = try open(path)
        switch kind {
        case SparseRewardModel.kind: return try SparseRewardModel.load(from: path)
        case CountBonusRewardModel.kind: return try CountBonusRewardModel.load(from: path)
        case VICERewardModel.kind: return try VICERewardModel.load(from: path)
        case MetaNMLRewardModel.kind: return try MetaNMLRewardModel.load(from: path)
        case ExactCNMLRewardModel.kind: return try ExactCNMLRewardModel.load(from: path)
        default: throw ArchiveError.invalidValue(what: "reward model kind", detail: "'\(kind)' is not a known model")
        }
    }

    /// Reads a JSON-encoded configuration field.
    static func readJSON<T: Decodable>(_ type: T.Type, _ what: String, from reader: inout ArchiveReader) throws -> T {
        let text = try reader.readString(what)
        do {
            return try JSONDecoder().decode(T.self, from: Data(text.utf8))
        } catch {
            throw ArchiveError.invalidValue(what: what, detail: "\(error)")
        }
    }

    static func appendJSON<T: Encodable>(_ value: T, to writer: inout ArchiveWriter) throws {
        writer.append(string: String(decoding: try JSONEncoder().encode(value), as: UTF8.self))
    }
}
