import Foundation
import NeuralNet

/// Reward-model checkpoints: the archive header `MURALRWD`, a format version, the model's kind, then the
/// model's own fields (configuration, parameters, Adam state, generator, counts), then a CRC-32 checked
/// on opening. `ArchiveWriter` writes them atomically (temporary file, fsync, rename).
public enum RewardCheckpoint {
    public static let magic = "MURALRWD"
    /// 2: sealed with a CRC-32 (version 1 had none and is refused).
    public static let formatVersion: UInt32 = 2

    static func writer(kind: String) -> ArchiveWriter {
        var writer = ArchiveWriter(magic: magic, version: formatVersion)
        writer.append(string: kind)
        return writer
    }

    /// Opens a checkpoint and returns the reader positioned after the kind, with the kind.
    static func open(_ path: String) throws -> (kind: String, reader: ArchiveReader) {
        var reader = try ArchiveReader(contentsOf: path, magic: magic, version: formatVersion)
        let kind = try reader.readString("reward model kind")
        return (kind, reader)
    }

    static func open(_ path: String, expecting kind: String) throws -> ArchiveReader {
        let (found, reader) = try open(path)
        guard found == kind else { throw RewardError.checkpointKindMismatch(expected: kind, found: found) }
        return reader
    }

    /// Loads any reward model from its checkpoint; an `ArchiveError` names the file.
    public static func load(from path: String) throws -> any RewardModel {
        do {
            let (kind, _) = try open(path)
            switch kind {
            case SparseRewardModel.kind: return try SparseRewardModel.load(from: path)
            case CountBonusRewardModel.kind: return try CountBonusRewardModel.load(from: path)
            case VICERewardModel.kind: return try VICERewardModel.load(from: path)
            case MetaNMLRewardModel.kind: return try MetaNMLRewardModel.load(from: path)
            case ExactCNMLRewardModel.kind: return try ExactCNMLRewardModel.load(from: path)
            default: throw ArchiveError.invalidValue(what: "reward model kind", detail: "'\(kind)' is not a known model")
            }
        } catch let error as ArchiveError {
            throw error.naming(path)
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

    /// Reads the header learned models write after their configuration: the feature dimension
    /// and two progress counters, checked for sense.
    static func readHeader(_ what: String, from reader: inout ArchiveReader) throws -> (featureDimension: Int, first: Int, second: Int) {
        let header = try reader.readIntegers("\(what) header")
        guard header.count == 3, header[0] > 0, header[1] >= 0, header[2] >= 0 else {
            throw ArchiveError.invalidValue(what: "\(what) header", detail: "\(header)")
        }
        return (header[0], header[1], header[2])
    }

    /// Builds the model a checkpoint describes, reporting a configuration the model refuses as a
    /// damaged checkpoint.
    static func rebuild<Model>(_ what: String, _ make: () throws -> Model) throws -> Model {
        do { return try make() } catch {
            throw ArchiveError.invalidValue(what: "\(what) configuration", detail: "\(error)")
        }
    }

    static func appendJSON<T: Encodable>(_ value: T, to writer: inout ArchiveWriter) throws {
        // Sorted keys: JSONEncoder's default key order changes from process to process, and equal
        // models must give equal bytes (as SACAgent's configuration does).
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        writer.append(string: String(decoding: try encoder.encode(value), as: UTF8.self))
    }
}
