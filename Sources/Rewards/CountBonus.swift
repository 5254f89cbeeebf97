import NeuralNet

/// Sparse reward plus a count-based exploration bonus, MURAL's count baseline (mural-reference.md §3):
///
///     r(s) = r_sparse(s) + c / √N(s),
///
/// where N(s) counts the visited states that fall in s's cell of a grid over the classifier features
/// (`binsPerDimension` equal bins per dimension over `[lowerBounds, upperBounds]`, values outside clamped
/// to the edge bins, as `np.digitize` does for the maze's 51×51 grid). A cell never visited counts as 1.
public final class CountBonusRewardModel: RewardModel {
    public static let kind = RewardModelKind.count

    public struct Configuration: Codable, Sendable, Equatable {
        public var lowerBounds: [Float]
        public var upperBounds: [Float]
        public var binsPerDimension: Int
        /// c in c/√N.
        public var bonusScale: Float
        public var sparse: SparseRewardModel.Configuration

        public init(lowerBounds: [Float], upperBounds: [Float], binsPerDimension: Int = 50, bonusScale: Float = 1,
                    sparse: SparseRewardModel.Configuration = .init()) {
            self.lowerBounds = lowerBounds
            self.upperBounds = upperBounds
            self.binsPerDimension = binsPerDimension
            self.bonusScale = bonusScale
            self.sparse = sparse
        }
    }

    public let configuration: Configuration
    public var featureDimension: Int { configuration.lowerBounds.count }
    public private(set) var updatesCompleted = 0
    /// N per visited cell (cells are bin-index vectors).
    public private(set) var counts: [[Int]: Int] = [:]
    public private(set) var statesObserved = 0
    public var timing: RewardTiming { .storedAtCollection }
    private let sparse: SparseRewardModel

    public init(configuration: Configuration) throws {
        let d = configuration.lowerBounds.count
        guard d > 0, configuration.upperBounds.count == d else {
            throw RewardError.invalidConfiguration(
                model: Self.kind.rawValue, detail: "need one lower and one upper bound per feature, got \(d) and \(configuration.upperBounds.count)")
        }
        guard zip(configuration.lowerBounds, configuration.upperBounds).allSatisfy({ $0 < $1 }) else {
            throw RewardError.invalidConfiguration(model: Self.kind.rawValue, detail: "every lower bound must be below its upper bound")
        }
        guard configuration.binsPerDimension > 0 else {
            throw RewardError.invalidConfiguration(model: Self.kind.rawValue, detail: "bins per dimension must be positive")
        }
        self.configuration = configuration
        sparse = try SparseRewardModel(featureDimension: d, configuration: configuration.sparse)
    }

    /// The grid cell of one feature row.
    public func cell(of features: ArraySlice<Float>) -> [Int] {
        let bins = configuration.binsPerDimension
        return zip(features, zip(configuration.lowerBounds, configuration.upperBounds)).map { x, bounds in
            let t = (x - bounds.0) / (bounds.1 - bounds.0)
            guard t.isFinite else { return x.isNaN ? 0 : (t > 0 ? bins - 1 : 0) }
            return min(max(Int((t * Float(bins)).rounded(.down)), 0), bins - 1)
        }
    }

    public func count(of features: ArraySlice<Float>) -> Int { counts[cell(of: features), default: 0] }

    public func observe(features: FeatureMatrix) throws {
        try checkDimension(features, what: "observed features")
        for i in 0..<features.rows { counts[cell(of: features.row(i)), default: 0] += 1 }
        statesObserved += features.rows
    }

    public func rewards(features: FeatureMatrix, successes: [Bool]?) throws -> [Float] {
        let base = try sparse.rewards(features: features, successes: successes)
        return (0..<features.rows).map { i in
            let n = max(count(of: features.row(i)), 1)
            return base[i] + configuration.bonusScale / Float(n).squareRoot()
        }
    }

    @discardableResult
    public func update(epoch: Int, data: RewardTrainingData) throws -> RewardUpdateSummary {
        try checkPositives(data)
        updatesCompleted += 1
        return RewardUpdateSummary(optimizerSteps: 0, meanLoss: nil)
    }

    public func writeFields(to writer: inout ArchiveWriter) throws {
        try RewardCheckpoint.appendJSON(configuration, to: &writer)
        writer.append(integers: [updatesCompleted, statesObserved, counts.count])
        for (cell, n) in counts.sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) {
            writer.append(integers: cell + [n])
        }
    }

    static func readFields(from reader: inout ArchiveReader) throws -> CountBonusRewardModel {
        let configuration = try RewardCheckpoint.readJSON(Configuration.self, "count configuration", from: &reader)
        let model: CountBonusRewardModel
        do { model = try CountBonusRewardModel(configuration: configuration) } catch {
            throw ArchiveError.invalidValue(what: "count configuration", detail: "\(error)")
        }
        let header = try reader.readIntegers("count header")
        guard header.count == 3, header.allSatisfy({ $0 >= 0 }) else {
            throw ArchiveError.invalidValue(what: "count header", detail: "\(header)")
        }
        for _ in 0..<header[2] {
            let entry = try reader.readIntegers("count entry")
            guard entry.count == model.featureDimension + 1, entry.last! > 0,
                  entry.dropLast().allSatisfy({ (0..<configuration.binsPerDimension).contains($0) }) else {
                throw ArchiveError.invalidValue(what: "count entry", detail: "\(entry)")
            }
            model.counts[Array(entry.dropLast())] = entry.last!
        }
        model.updatesCompleted = header[0]
        model.statesObserved = header[1]
        return model
    }
}
