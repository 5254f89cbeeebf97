import NeuralNet
import Randomness

/// A batch of classifier features: `rows` states, each a vector of `columns` Float32 values, row-major.
public struct FeatureMatrix: Sendable, Equatable {
    public let rows: Int
    public let columns: Int
    public private(set) var values: [Float]

    /// Fails unless `values` holds exactly `rows × columns` numbers.
    public init(rows: Int, columns: Int, values: [Float]) throws {
        guard rows >= 0, columns > 0, values.count == rows * columns else {
            throw RewardError.malformedMatrix(rows: rows, columns: columns, valueCount: values.count)
        }
        self.rows = rows
        self.columns = columns
        self.values = values
    }

    /// Builds a matrix from row vectors, which must all have the same length.
    public init(_ rowVectors: [[Float]]) throws {
        guard let width = rowVectors.first?.count else {
            throw RewardError.malformedMatrix(rows: 0, columns: 0, valueCount: 0)
        }
        for (i, row) in rowVectors.enumerated() where row.count != width {
            throw RewardError.countMismatch(what: "features in row \(i)", expected: width, found: row.count)
        }
        try self.init(rows: rowVectors.count, columns: width, values: rowVectors.flatMap { $0 })
    }

    public func row(_ i: Int) -> ArraySlice<Float> { values[(i * columns)..<((i + 1) * columns)] }

    /// The rows at `indices`, in that order (indices may repeat).
    public func gathering(_ indices: [Int]) -> FeatureMatrix {
        var out = [Float]()
        out.reserveCapacity(indices.count * columns)
        for i in indices { out.append(contentsOf: row(i)) }
        // Shapes are consistent by construction.
        return try! FeatureMatrix(rows: indices.count, columns: columns, values: out)
    }

    /// The rows of `self` followed by the rows of `other`.
    public func appending(_ other: FeatureMatrix) throws -> FeatureMatrix {
        guard other.columns == columns else {
            throw RewardError.featureDimensionMismatch(model: "feature matrix", expected: columns, found: other.columns)
        }
        return try FeatureMatrix(rows: rows + other.rows, columns: columns, values: values + other.values)
    }
}

/// When a model's rewards are computed.
public enum RewardTiming: String, Sendable, Codable {
    /// Once per collected transition, stored in the replay buffer and never relabelled (MURAL, §1.6).
    case storedAtCollection
    /// For every SAC training batch, from the model's current parameters (VICE, §3).
    case recomputedPerBatch
}

/// Replay states drawn for a model update: classifier features, and the full observations when the
/// model needs the policy (VICE).
public struct NegativeSample {
    public var features: FeatureMatrix
    public var observations: FeatureMatrix?

    public init(features: FeatureMatrix, observations: FeatureMatrix? = nil) {
        self.features = features
        self.observations = observations
    }
}

/// What a model learns from at the end of an RL epoch.
///
/// Every random choice a model makes — including which replay states it asks for — draws from the
/// model's own `RandomGenerator`, which it passes to `sampleNegatives`, so a seed fixes the whole update.
public struct RewardTrainingData {
    /// The task's success examples (positives), one feature row each.
    public var positives: FeatureMatrix
    /// The positives' full observations, row-aligned with `positives` (needed by VICE's policy term).
    public var positiveObservations: FeatureMatrix?
    /// Draws `count` states uniformly from the replay buffer using the given generator.
    public var sampleNegatives: (_ count: Int, _ generator: inout RandomGenerator) throws -> NegativeSample
    /// log π(a′|s) for a freshly sampled a′ ~ π(·|s), one value per observation row (VICE only).
    public var logPolicy: ((_ observations: FeatureMatrix) throws -> [Float])?

    public init(
        positives: FeatureMatrix, positiveObservations: FeatureMatrix? = nil,
        sampleNegatives: @escaping (_ count: Int, _ generator: inout RandomGenerator) throws -> NegativeSample,
        logPolicy: ((_ observations: FeatureMatrix) throws -> [Float])? = nil
    ) {
        self.positives = positives
        self.positiveObservations = positiveObservations
        self.sampleNegatives = sampleNegatives
        self.logPolicy = logPolicy
    }
}

/// What an update did.
public struct RewardUpdateSummary: Sendable, Equatable {
    /// Optimiser steps taken (Adam steps; meta-steps for meta-NML).
    public var optimizerSteps: Int
    /// Mean training loss over those steps, when the model has one.
    public var meanLoss: Double?

    public init(optimizerSteps: Int, meanLoss: Double?) {
        self.optimizerSteps = optimizerSteps
        self.meanLoss = meanLoss
    }
}

/// A reward model learned from success examples: it maps a batch of classifier features to rewards.
///
/// The training loop calls `observe` for every collected state, `rewards` either at collection time or
/// for every SAC batch (see `timing`), and `update` at the end of every epoch.
public protocol RewardModel: AnyObject {
    /// The model's name in configurations and checkpoints.
    static var kind: RewardModelKind { get }
    /// Width of the classifier features it accepts.
    var featureDimension: Int { get }
    var timing: RewardTiming { get }
    /// Updates completed so far.
    var updatesCompleted: Int { get }

    /// Rewards for a batch of states. `successes` is the task's success flag per row; models that learn
    /// from examples ignore it, `sparse` and `count` require it.
    func rewards(features: FeatureMatrix, successes: [Bool]?) throws -> [Float]
    /// Records visited states (count bonus); a no-op for the other models.
    func observe(features: FeatureMatrix) throws
    /// Learns from positives and replay negatives at the end of RL epoch `epoch` (0-based).
    @discardableResult
    func update(epoch: Int, data: RewardTrainingData) throws -> RewardUpdateSummary
    /// Appends everything the model's state holds (configuration, parameters, optimiser, generator,
    /// counts) after its kind; `write(to:)` adds the kind, and `RewardCheckpoint.read(from:)` reads both.
    func writeFields(to writer: inout ArchiveWriter) throws
}

extension RewardModel {
    /// Appends the model, its kind first, to an archive: a reward-model checkpoint, or a run's.
    public func write(to writer: inout ArchiveWriter) throws {
        writer.append(string: Self.kind.rawValue)
        try writeFields(to: &writer)
    }

    /// Writes a reward-model checkpoint (see `RewardCheckpoint`) atomically.
    public func save(to path: String) throws {
        var writer = ArchiveWriter(magic: RewardCheckpoint.magic, version: RewardCheckpoint.formatVersion)
        try write(to: &writer)
        try writer.write(to: path)
    }

    /// Loads a checkpoint of this kind of model; another kind fails with `RewardError.checkpointKindMismatch`.
    public static func load(from path: String) throws -> Self {
        let model = try RewardCheckpoint.load(from: path)
        guard let loaded = model as? Self else {
            throw RewardError.checkpointKindMismatch(expected: kind.rawValue, found: type(of: model).kind.rawValue)
        }
        return loaded
    }

    public func observe(features: FeatureMatrix) throws {
        try checkDimension(features, what: "observed features")
    }

    /// Fails with a typed error unless `features` has this model's feature width.
    func checkDimension(_ features: FeatureMatrix, what: String) throws {
        guard features.columns == featureDimension else {
            throw RewardError.featureDimensionMismatch(model: "\(Self.kind) (\(what))", expected: featureDimension, found: features.columns)
        }
    }

    /// Checks the positives of an update: present, non-empty, and of the right width.
    func checkPositives(_ data: RewardTrainingData) throws {
        guard data.positives.rows > 0 else { throw RewardError.emptyPositives(model: Self.kind.rawValue) }
        try checkDimension(data.positives, what: "positives")
    }

    /// Draws `count` replay negatives and checks their width (and observations when `needObservations`).
    func drawNegatives(
        _ count: Int, from data: RewardTrainingData, generator: inout RandomGenerator, needObservations: Bool = false
    ) throws -> NegativeSample {
        let sample = try data.sampleNegatives(count, &generator)
        guard sample.features.rows == count else {
            throw RewardError.countMismatch(what: "replay negatives returned by the sampler", expected: count, found: sample.features.rows)
        }
        try checkDimension(sample.features, what: "replay negatives")
        if needObservations {
            guard let observations = sample.observations else {
                throw RewardError.missingInput(model: Self.kind.rawValue, what: "observations of the replay negatives")
            }
            guard observations.rows == count else {
                throw RewardError.countMismatch(what: "negative observations", expected: count, found: observations.rows)
            }
        }
        return sample
    }
}

/// Why a reward model refused its input.
public enum RewardError: Error, Equatable, CustomStringConvertible {
    case featureDimensionMismatch(model: String, expected: Int, found: Int)
    case emptyPositives(model: String)
    case malformedMatrix(rows: Int, columns: Int, valueCount: Int)
    case countMismatch(what: String, expected: Int, found: Int)
    case missingInput(model: String, what: String)
    case invalidConfiguration(model: String, detail: String)
    case checkpointKindMismatch(expected: String, found: String)

    public var description: String {
        switch self {
        case let .featureDimensionMismatch(model, expected, found):
            return "\(model): features have dimension \(found), but the model was built for dimension \(expected)"
        case let .emptyPositives(model):
            return "\(model): the set of positives (success examples) is empty; a reward model needs at least one"
        case let .malformedMatrix(rows, columns, count):
            return "feature matrix of \(rows)×\(columns) cannot hold \(count) values"
        case let .countMismatch(what, expected, found):
            return "\(what): expected \(expected), got \(found)"
        case let .missingInput(model, what):
            return "\(model): missing \(what)"
        case let .invalidConfiguration(model, detail):
            return "\(model): invalid configuration: \(detail)"
        case let .checkpointKindMismatch(expected, found):
            return "checkpoint holds a '\(found)' reward model, expected '\(expected)'"
        }
    }
}
