import NeuralNet

/// "SAC with sparse reward": the task's own success indicator, r = success ? `successReward` : `failureReward`.
///
/// MURAL's mazes use −1 away from the goal and 0 at it (`reward_type='sparse'`, mural-reference.md §3);
/// with time-truncated, bootstrapped episodes a constant shift does not change the optimal policy.
public final class SparseRewardModel: RewardModel {
    public static let kind = RewardModelKind.sparse

    public struct Configuration: Codable, Sendable, Equatable {
        public var successReward: Float = 0
        public var failureReward: Float = -1
        /// Unread: models update when the training loop's epochs end. Kept so that checkpoints keep their bytes.
        private var updateInterval = 1000
        public init(successReward: Float = 0, failureReward: Float = -1) {
            self.successReward = successReward
            self.failureReward = failureReward
        }
    }

    public let featureDimension: Int
    public let configuration: Configuration
    public private(set) var updatesCompleted = 0
    public var timing: RewardTiming { .storedAtCollection }

    public init(featureDimension: Int, configuration: Configuration = .init()) throws {
        guard featureDimension > 0 else {
            throw RewardError.invalidConfiguration(model: Self.kind.rawValue, detail: "feature dimension must be positive")
        }
        self.featureDimension = featureDimension
        self.configuration = configuration
    }

    public func rewards(features: FeatureMatrix, successes: [Bool]?) throws -> [Float] {
        try checkDimension(features, what: "queried features")
        let flags = try Self.requireSuccesses(successes, rows: features.rows, model: Self.kind.rawValue)
        return flags.map { $0 ? configuration.successReward : configuration.failureReward }
    }

    /// Nothing to learn; the positives are still checked so that a misconfigured task fails early.
    @discardableResult
    public func update(epoch: Int, data: RewardTrainingData) throws -> RewardUpdateSummary {
        try checkPositives(data)
        updatesCompleted += 1
        return RewardUpdateSummary(optimizerSteps: 0, meanLoss: nil)
    }

    static func requireSuccesses(_ successes: [Bool]?, rows: Int, model: String) throws -> [Bool] {
        guard let successes else { throw RewardError.missingInput(model: model, what: "per-state success flags") }
        guard successes.count == rows else {
            throw RewardError.countMismatch(what: "\(model): success flags", expected: rows, found: successes.count)
        }
        return successes
    }

    public func writeFields(to writer: inout ArchiveWriter) throws {
        try RewardCheckpoint.appendJSON(configuration, to: &writer)
        writer.append(integers: [featureDimension, updatesCompleted])
    }

    static func readFields(from reader: inout ArchiveReader) throws -> SparseRewardModel {
        let configuration = try RewardCheckpoint.readJSON(Configuration.self, "sparse configuration", from: &reader)
        let sizes = try reader.readIntegers("sparse sizes")
        guard sizes.count == 2, sizes[0] > 0, sizes[1] >= 0 else {
            throw ArchiveError.invalidValue(what: "sparse sizes", detail: "\(sizes)")
        }
        let model = try SparseRewardModel(featureDimension: sizes[0], configuration: configuration)
        model.updatesCompleted = sizes[1]
        return model
    }
}
