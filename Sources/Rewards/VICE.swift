import NeuralNet
import Randomness

/// VICE (Fu et al. 2018, "Variational Inverse Control with Events"; mural-reference.md §3): a classifier
/// f(s) (MLP (256, 256) ReLU, one logit) trained as the discriminator
///
///     D(s, a′) = e^{f(s)} / (e^{f(s)} + π(a′|s)),
///
/// i.e. softmax cross-entropy over the two logits [log π(a′|s), f(s)], with replay negatives labelled [1, 0]
/// and success examples labelled [0, 1], and a′ freshly sampled from the current policy for both. The
/// reward is the logit f(s), recomputed for every SAC batch.
///
/// Options: mixup (λ ~ Beta(α, α) per sample on inputs, observations AND soft labels — the reference
/// truncates mixed labels to integers and, in `SACClassifier`, mixes labels but not inputs, §6.13–14;
/// both are fixed here), L2 weight decay λΣ‖W‖² on the weight matrices (the reference's is likely inert,
/// §6.15, so the default is 0), and a plain sigmoid-BCE loss on f(s) without the policy term.
public final class VICERewardModel: RewardModel {
    public static let kind = RewardModelKind.vice

    public enum LossKind: String, Codable, Sendable, CaseIterable {
        /// Softmax CE over [log π(a′|s), f(s)].
        case discriminator
        /// Sigmoid BCE on f(s) alone.
        case binaryCrossEntropy
    }

    public struct Configuration: Codable, Sendable, Equatable {
        public var hiddenSizes: [Int] = [256, 256]
        public var learningRate: Float = 1e-4
        public var negativesPerBatch = 128
        public var positivesPerBatch = 128
        /// Adam steps after every RL epoch, and after the first one.
        public var updatesPerEpoch = 2
        public var initialUpdates = 1
        /// Beta(α, α) mixup; 0 disables it.
        public var mixupAlpha: Float = 0
        /// λ in λ·Σ‖W_l‖² (Keras `l2` form, weights only).
        public var weightDecay: Float = 0
        public var loss: LossKind = .discriminator
        /// Unread: models update when the training loop's epochs end. Kept so that checkpoints keep their bytes.
        private var updateInterval = 1000

        public init() {}

        /// The reference VICE settings (§3).
        public static let vice = Configuration()

        /// VICE-RAQ's classifier settings: 256 + 256 per batch, 10 updates per epoch, mixup 1.0. (Its
        /// active queries are broken as released, §6.11, and are not part of this model.)
        public static var viceRAQ: Configuration {
            var c = Configuration()
            c.negativesPerBatch = 256
            c.positivesPerBatch = 256
            c.updatesPerEpoch = 10
            c.initialUpdates = 10
            c.mixupAlpha = 1
            return c
        }

        func validate() throws {
            func require(_ condition: Bool, _ detail: String) throws {
                if !condition { throw RewardError.invalidConfiguration(model: VICERewardModel.kind.rawValue, detail: detail) }
            }
            try require(hiddenSizes.allSatisfy { $0 > 0 }, "hidden sizes must be positive")
            try require(negativesPerBatch > 0 && positivesPerBatch > 0, "batches need positives and negatives")
            try require(updatesPerEpoch >= 0 && initialUpdates >= 0, "update counts must be ≥ 0")
            try require(mixupAlpha >= 0 && weightDecay >= 0, "mixup α and weight decay must be ≥ 0")
        }
    }

    public let featureDimension: Int
    public let configuration: Configuration
    public let network: MLP
    public private(set) var parameters: [Float]
    public private(set) var optimizer: Adam<Float>
    public private(set) var generator: RandomGenerator
    public private(set) var updatesCompleted = 0
    public private(set) var gradientSteps = 0
    public var timing: RewardTiming { .recomputedPerBatch }
    private let workspace: MLPWorkspace<Float>

    public init(featureDimension: Int, configuration: Configuration = .vice, seed: UInt64) throws {
        guard featureDimension > 0 else {
            throw RewardError.invalidConfiguration(model: Self.kind.rawValue, detail: "feature dimension must be positive")
        }
        try configuration.validate()
        self.featureDimension = featureDimension
        self.configuration = configuration
        network = MLP(inputSize: featureDimension, hiddenSizes: configuration.hiddenSizes, outputSize: 1)
        generator = RandomGenerator(seed: seed)
        parameters = network.initialParameters(as: Float.self, using: &generator)
        optimizer = Adam(parameterCount: network.parameterCount, learningRate: configuration.learningRate)
        workspace = MLPWorkspace(for: network, capacity: configuration.negativesPerBatch + configuration.positivesPerBatch)
    }

    /// The logits f(s).
    public func rewards(features: FeatureMatrix, successes: [Bool]? = nil) throws -> [Float] {
        try checkDimension(features, what: "queried features")
        guard features.rows > 0 else { return [] }
        return parameters.withUnsafeBufferPointer { theta in
            features.values.withUnsafeBufferPointer { x in
                Array(network.forward(parameters: theta, input: x, batchSize: features.rows, workspace: workspace))
            }
        }
    }

    @discardableResult
    public func update(epoch: Int, data: RewardTrainingData) throws -> RewardUpdateSummary {
        try checkPositives(data)
        let needsPolicy = configuration.loss == .discriminator
        if needsPolicy {
            guard data.logPolicy != nil else { throw RewardError.missingInput(model: Self.kind.rawValue, what: "the policy's log π(a′|s) closure") }
            guard let observations = data.positiveObservations else {
                throw RewardError.missingInput(model: Self.kind.rawValue, what: "the positives' full observations")
            }
            guard observations.rows == data.positives.rows else {
                throw RewardError.countMismatch(what: "positive observations", expected: data.positives.rows, found: observations.rows)
            }
        }
        let steps = updatesCompleted == 0 ? configuration.initialUpdates : configuration.updatesPerEpoch
        var lossSum = 0.0
        for _ in 0..<steps { lossSum += Double(try trainStep(data: data, needsPolicy: needsPolicy)) }
        updatesCompleted += 1
        gradientSteps += steps
        return RewardUpdateSummary(optimizerSteps: steps, meanLoss: steps > 0 ? lossSum / Double(steps) : nil)
    }

    private func trainStep(data: RewardTrainingData, needsPolicy: Bool) throws -> Float {
        let (nNeg, nPos) = (configuration.negativesPerBatch, configuration.positivesPerBatch)
        let negatives = try drawNegatives(nNeg, from: data, generator: &generator, needObservations: needsPolicy)
        let positiveRows = (0..<nPos).map { _ in generator.index(below: data.positives.rows) }
        var features = try negatives.features.appending(data.positives.gathering(positiveRows))
        var observations = try needsPolicy ? negatives.observations!.appending(data.positiveObservations!.gathering(positiveRows)) : nil
        var labels = [Float](repeating: 0, count: nNeg) + [Float](repeating: 1, count: nPos)
        if configuration.mixupAlpha > 0 {
            (features, observations, labels) = mixup(features: features, observations: observations, labels: labels)
        }
        let n = features.rows
        let logPolicy = try needsPolicy ? data.logPolicy!(observations!) : []
        if needsPolicy, logPolicy.count != n {
            throw RewardError.countMismatch(what: "log π values returned by the policy", expected: n, found: logPolicy.count)
        }

        var gradient = [Float](repeating: 0, count: network.parameterCount)
        var logitGradient = [Float](repeating: 0, count: n)
        var loss: Float = 0
        parameters.withUnsafeBufferPointer { theta in
            features.values.withUnsafeBufferPointer { x in
                let f = network.forward(parameters: theta, input: x, batchSize: n, workspace: workspace)
                for i in 0..<n {
                    let t = labels[i]
                    // Both losses are −[(1 − t) log(1 − D) + t log D] with D = σ(f − log π) (VICE) or σ(f) (BCE);
                    // ∂/∂f = D − t. log D = −softplus(−u), log(1 − D) = −softplus(u).
                    let u = needsPolicy ? f[i] - logPolicy[i] : f[i]
                    loss += (1 - t) * Float.softplus(u) + t * Float.softplus(-u)
                    logitGradient[i] = (logistic(u) - t) / Float(n)
                }
                loss /= Float(n)
                logitGradient.withUnsafeBufferPointer { og in
                    gradient.withUnsafeMutableBufferPointer { g in
                        network.backward(parameters: theta, outputGradient: og, workspace: workspace,
                                         parameterGradient: g, inputGradient: nil)
                    }
                }
            }
        }
        if configuration.weightDecay > 0 {
            for l in 0..<network.layerCount {
                for k in network.weightRange(layer: l) {
                    loss += configuration.weightDecay * parameters[k] * parameters[k]
                    gradient[k] += 2 * configuration.weightDecay * parameters[k]
                }
            }
        }
        optimizer.update(&parameters, gradient: gradient)
        return loss
    }

    /// Mixup (Zhang et al. 2018) as `misc/utils.py:158-189` intends it: each row i is mixed with row π(i)
    /// of a random permutation, λ_i ~ Beta(α, α), on features, observations and labels alike.
    private func mixup(features: FeatureMatrix, observations: FeatureMatrix?, labels: [Float])
        -> (FeatureMatrix, FeatureMatrix?, [Float]) {
        let n = labels.count
        var partner = Array(0..<n)
        generator.shuffle(&partner)
        let lambdas = (0..<n).map { _ in Float(sampleBeta(Double(configuration.mixupAlpha), using: &generator)) }
        func mix(_ m: FeatureMatrix) -> FeatureMatrix {
            var values = m.values
            for i in 0..<n {
                for k in 0..<m.columns {
                    values[i * m.columns + k] = lambdas[i] * m.values[i * m.columns + k] + (1 - lambdas[i]) * m.values[partner[i] * m.columns + k]
                }
            }
            return try! FeatureMatrix(rows: m.rows, columns: m.columns, values: values)
        }
        let mixedLabels = (0..<n).map { lambdas[$0] * labels[$0] + (1 - lambdas[$0]) * labels[partner[$0]] }
        return (mix(features), observations.map(mix), mixedLabels)
    }

    public func writeFields(to writer: inout ArchiveWriter) throws {
        try RewardCheckpoint.appendJSON(configuration, to: &writer)
        writer.append(integers: [featureDimension, updatesCompleted, gradientSteps])
        writer.append(scalars: parameters)
        optimizer.write(to: &writer)
        generator.write(to: &writer)
    }

    static func readFields(from reader: inout ArchiveReader) throws -> VICERewardModel {
        let configuration = try RewardCheckpoint.readJSON(Configuration.self, "VICE configuration", from: &reader)
        let header = try RewardCheckpoint.readHeader("VICE", from: &reader)
        try reader.requireRoom(forNetworks: [[header.featureDimension] + configuration.hiddenSizes + [1]], "VICE network")
        let model = try RewardCheckpoint.rebuild("VICE") {
            try VICERewardModel(featureDimension: header.featureDimension, configuration: configuration, seed: 0)
        }
        model.parameters = try reader.readScalars("VICE parameters", expectedCount: model.network.parameterCount)
        model.optimizer = try Adam<Float>(from: &reader, what: "VICE Adam moments", parameterCount: model.network.parameterCount)
        model.generator = try RandomGenerator(from: &reader)
        model.updatesCompleted = header.first
        model.gradientSteps = header.second
        return model
    }
}

/// Beta(α, α) as X/(X + Y) with X, Y ~ Gamma(α).
func sampleBeta(_ alpha: Double, using generator: inout RandomGenerator) -> Double {
    let x = sampleGamma(alpha, using: &generator), y = sampleGamma(alpha, using: &generator)
    return x + y > 0 ? x / (x + y) : 0.5
}

/// Gamma(shape, 1) by Marsaglia & Tsang (2000); shapes below 1 use Gamma(a + 1)·U^{1/a}.
func sampleGamma(_ shape: Double, using generator: inout RandomGenerator) -> Double {
    if shape < 1 {
        let u = 1 - generator.unit()  // (0, 1]
        return sampleGamma(shape + 1, using: &generator) * Double.exp(Double.log(u) / shape)
    }
    let d = shape - 1.0 / 3, c = 1 / (9 * d).squareRoot()
    while true {
        let z = generator.normal()
        let v = 1 + c * z
        guard v > 0 else { continue }
        let v3 = v * v * v
        let u = 1 - generator.unit()
        if Double.log(u) < 0.5 * z * z + d - d * v3 + d * Double.log(v3) { return d * v3 }
    }
}
