import Foundation
import NeuralNet

/// The reward models, as their checkpoints name them.
public enum RewardModelKind: String, Sendable, Codable, CaseIterable {
    case sparse
    case count
    case vice
    case metanml
    case cnml
}

/// Reward-model checkpoints: the archive header `MURALRWD`, a format version, then what
/// `RewardModel.write(to:)` appends: the model's kind and its own fields (configuration,
/// parameters, Adam state, generator, counts). A CRC-32 seals the file and is checked on opening.
/// `ArchiveWriter` writes them atomically (temporary file, fsync, rename). Run checkpoints embed
/// the same fields in their own archive (`RewardCheckpoint.read(from:)` reads them there).
public enum RewardCheckpoint {
    public static let magic = "MURALRWD"
    /// 2: sealed with a CRC-32 (version 1 had none and is refused).
    public static let formatVersion: UInt32 = 2

    /// Loads any reward model from its checkpoint file; an `ArchiveError` names the file.
    public static func load(from path: String) throws -> any RewardModel {
        try ArchiveReader.read(path, magic: magic, version: formatVersion) { try read(from: &$0) }
    }

    /// Reads a model that `RewardModel.write(to:)` appended to an archive.
    public static func read(from reader: inout ArchiveReader) throws -> any RewardModel {
        let name = try reader.readString("reward model kind")
        guard let kind = RewardModelKind(rawValue: name) else {
            throw ArchiveError.invalidValue(what: "reward model kind", detail: "'\(name)' is not a known model")
        }
        switch kind {
        case .sparse: return try SparseRewardModel.readFields(from: &reader)
        case .count: return try CountBonusRewardModel.readFields(from: &reader)
        case .vice: return try VICERewardModel.readFields(from: &reader)
        case .metanml: return try MetaNMLRewardModel.readFields(from: &reader)
        case .cnml: return try ExactCNMLRewardModel.readFields(from: &reader)
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
