import Foundation
import Rewards
import TaskSuite

/// Settings for `mural train --config FILE`: a YAML (or JSON) mapping whose keys are those of
/// `training` in a run's config.json, `sac` included. Any subset may be given; the rest keep
/// their values. Keys are read strictly: an unknown key or a wrong type is an error naming the
/// file and the key's dotted path (`sac.batchSize`).
public struct TrainingConfigurationFile {
    public let path: String
    /// The top-level and `sac.`-qualified keys the file gives.
    public private(set) var keys: Set<String> = []
    private var assignments: [(inout TrainingConfiguration) -> Void] = []

    /// Reads and checks the file at `path`.
    public init(path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else { throw ExperimentError.missingFile(path: path) }
        try self.init(contents: String(decoding: data, as: UTF8.self), path: path)
    }

    /// Reads and checks the text of a file; `path` names it in errors.
    public init(contents: String, path: String) throws {
        self.path = path
        try read(try YAMLTable.parse(contents, file: path))
    }

    /// Sets every value the file gives.
    public func apply(to configuration: inout TrainingConfiguration) {
        for assign in assignments { assign(&configuration) }
    }

    private mutating func set<Value>(_ table: YAMLTable, _ key: String, _ keyPath: WritableKeyPath<TrainingConfiguration, Value>,
                                               _ read: (String) throws -> Value) throws {
        guard table.has(key) else { return }
        let value = try read(key)
        keys.insert(table.qualified(key))
        assignments.append { $0[keyPath: keyPath] = value }
    }

    private mutating func read(_ root: YAMLTable) throws {
        let counts = 1...Int.max, sizes = 0...Int.max
        try set(root, "task", \.task, root.string)
        try set(root, "reward", \.reward) { try root.named($0, "reward") }
        try set(root, "steps", \.steps) { try root.int($0, in: counts) }
        try set(root, "seed", \.seed) { key in
            let text = try root.string(key)
            guard let seed = UInt64(text) else { throw root.error(key, "expected an integer in 0...\(UInt64.max), got '\(text)'") }
            return seed
        }
        try set(root, "epochLength", \.epochLength) { try root.int($0, in: counts) }
        try set(root, "evaluationInterval", \.evaluationInterval) { try root.int($0, in: counts) }
        try set(root, "evaluationEpisodes", \.evaluationEpisodes) { try root.int($0, in: counts) }
        try set(root, "checkpointInterval", \.checkpointInterval) { try root.int($0, in: counts) }
        try set(root, "successExamples", \.successExamples) { try root.int($0, in: counts) }
        try set(root, "rewardPreset", \.rewardPreset) { try root.named($0, "preset") }
        try set(root, "blasThreads", \.blasThreads) { TrainingConfiguration.blasThreads(try root.int($0, in: counts)) }
        if root.has("rewardTuning") {
            let tuning = try root.table("rewardTuning")
            func positive(_ key: String) throws -> Float {
                let value = Float(try tuning.double(key))
                guard value > 0, value.isFinite else { throw tuning.error(key, "expected a positive number, got \(value)") }
                return value
            }
            try set(tuning, "metaNMLInnerStepScale", \.rewardTuning.orDefault.metaNMLInnerStepScale, positive)
            try set(tuning, "viceLearningRate", \.rewardTuning.orDefault.viceLearningRate, positive)
            try set(tuning, "viceVariant", \.rewardTuning.orDefault.viceVariant) { try tuning.named($0, "VICE variant") }
            try set(tuning, "viceLoss", \.rewardTuning.orDefault.viceLoss) { try tuning.named($0, "VICE loss") }
            try tuning.finish()
        }
        if root.has("sac") {
            let sac = try root.table("sac")
            func float(_ key: String) throws -> Float { Float(try sac.double(key)) }
            try set(sac, "hiddenSizes", \.sac.hiddenSizes) { try sac.ints($0, in: counts) }
            try set(sac, "discount", \.sac.discount) { Float(try sac.double($0, in: 0...1)) }
            try set(sac, "targetSmoothing", \.sac.targetSmoothing) { Float(try sac.double($0, in: 0...1)) }
            try set(sac, "policyLearningRate", \.sac.policyLearningRate, float)
            try set(sac, "qLearningRate", \.sac.qLearningRate, float)
            try set(sac, "temperatureLearningRate", \.sac.temperatureLearningRate, float)
            try set(sac, "initialLogTemperature", \.sac.initialLogTemperature, float)
            // null restores the default, −|A|.
            try set(sac, "targetEntropy", \.sac.targetEntropy) { try sac.isNull($0) ? nil : try float($0) }
            try set(sac, "batchSize", \.sac.batchSize) { try sac.int($0, in: counts) }
            try set(sac, "updatesPerStep", \.sac.updatesPerStep) { try sac.int($0, in: counts) }
            try set(sac, "warmUpSteps", \.sac.warmUpSteps) { try sac.int($0, in: sizes) }
            try set(sac, "minimumReplaySize", \.sac.minimumReplaySize) { try sac.int($0, in: sizes) }
            try set(sac, "replayCapacity", \.sac.replayCapacity) { try sac.int($0, in: counts) }
            try set(sac, "logStdRange", \.sac.logStdRange) { key in
                let range = try sac.interval(key)
                return Float(range.lowerBound)...Float(range.upperBound)
            }
            try sac.finish()
        }
        try root.finish()
    }
}

extension YAMLTable {
    /// The case of `Value` that the string at `key` names, or an error listing the valid names.
    func named<Value: RawRepresentable & CaseIterable>(_ key: String, _ what: String) throws -> Value where Value.RawValue == String {
        let name = try string(key)
        guard let value = Value(rawValue: name) else {
            throw error(key, "unknown \(what) '\(name)'; valid: \(Value.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return value
    }
}

extension Optional where Wrapped == RewardTuning {
    /// The tuning, created empty on first write, so a file's keys can be set one by one.
    var orDefault: RewardTuning {
        get { self ?? RewardTuning() }
        set { self = newValue }
    }
}
