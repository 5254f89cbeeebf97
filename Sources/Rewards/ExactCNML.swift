import NeuralNet
import Randomness

/// Exact conditional normalised maximum likelihood (CNML; mural-reference.md §1.1), the quantity
/// meta-NML amortises. For a query x and each label y:
///
///     θ_y = argmin_θ L(θ; D ∪ {(x, y)})        (full-batch, to convergence, from θ_MLE on D)
///     p_CNML(y | x) = p_θy(y | x) / Σ_y′ p_θy′(y′ | x).
///
/// "Convergence" is ‖∇L‖∞ ≤ `gradientTolerance` or `maxIterations` L-BFGS iterations, whichever comes
/// first; every fit reports which. L is the weighted mean loss of `WeightedClassifier`: unweighted by
/// default (plain CNML; the tabular case gives the Laplace estimate (n⁺ + 1)/(n⁺ + n⁻ + 2)), or with
/// meta-NML's query-dependent weights (exp(−2.3‖x − x_j‖/τ) on D, qpw/2 on the query: the outer loss that
/// meta-NML is meta-trained to minimise after one step), which makes it meta-NML's accuracy reference.
public final class ExactCNML<Scalar: NetworkScalar> {
    public struct Settings: Codable, Sendable, Equatable {
        public var gradientTolerance: Double = 1e-6
        public var maxIterations: Int = 1000
        /// L-BFGS history length.
        public var memory: Int = 10
        public init(gradientTolerance: Double = 1e-6, maxIterations: Int = 1000, memory: Int = 10) {
            self.gradientTolerance = gradientTolerance
            self.maxIterations = maxIterations
            self.memory = memory
        }
    }

    /// Meta-NML's outer-loss weighting, applied per query.
    public struct QueryWeighting: Codable, Sendable, Equatable {
        public var distanceThreshold: Double
        public var queryWeight: Double
        public init(distanceThreshold: Double, queryWeight: Double) {
            self.distanceThreshold = distanceThreshold
            self.queryWeight = queryWeight
        }
    }

    /// How a fit ended.
    public struct FitReport: Sendable, Equatable {
        public var iterations: Int
        public var loss: Double
        public var gradientNorm: Double
        public var converged: Bool
    }

    public let network: MLP
    public let data: WeightedPoints<Scalar>
    public let settings: Settings
    public let weighting: QueryWeighting?
    /// θ_MLE on D and how its fit ended.
    public private(set) var maximumLikelihood: [Scalar]
    public private(set) var maximumLikelihoodReport: FitReport
    private let classifier: WeightedClassifier<Scalar>

    @_specialize(exported: true, where Scalar == Float)
    @_specialize(exported: true, where Scalar == Double)
    public init(network: MLP, data: WeightedPoints<Scalar>, initialParameters: [Scalar],
                settings: Settings = .init(), weighting: QueryWeighting? = nil) {
        precondition(network.outputSize == 2 && data.dimension == network.inputSize && data.count > 0)
        self.network = network
        self.data = data
        self.settings = settings
        self.weighting = weighting
        classifier = WeightedClassifier(network: network, capacity: data.count + 1)
        var theta = initialParameters
        maximumLikelihoodReport = Self.minimise(&theta, settings: settings) { [classifier] p, g in
            classifier.lossAndGradient(parameters: p, points: data, gradient: g)
        }
        maximumLikelihood = theta
    }

    /// p_CNML(y = 1 | x) and the two fits' reports (label 0, label 1).
    @_specialize(exported: true, where Scalar == Float)
    @_specialize(exported: true, where Scalar == Double)
    public func successProbability(query: [Scalar]) -> (probability: Scalar, fits: [FitReport]) {
        precondition(query.count == network.inputSize, "query has the wrong dimension")
        var points = data
        if let weighting {
            for j in 0..<data.count {
                points.weights[j] = data.input(j).withUnsafeBufferPointer { x in
                    query.withUnsafeBufferPointer { q in
                        distanceWeight(q.baseAddress!, x.baseAddress!, dimension: data.dimension, threshold: Scalar(weighting.distanceThreshold))
                    }
                }
            }
        }
        var p = [Scalar](repeating: 0, count: 2)
        var reports: [FitReport] = []
        for label in 0..<2 {
            var augmented = points
            augmented.append(query, label: Scalar(label), weight: weighting.map { Scalar($0.queryWeight) } ?? 1)
            var theta = maximumLikelihood
            reports.append(Self.minimise(&theta, settings: settings) { [classifier] parameters, g in
                classifier.lossAndGradient(parameters: parameters, points: augmented, gradient: g)
            })
            let p1 = theta.withUnsafeBufferPointer { t in
                query.withUnsafeBufferPointer { classifier.successProbabilities(parameters: t, inputs: $0, count: 1)[0] }
            }
            p[label] = label == 1 ? p1 : 1 - p1
        }
        return (p[1] / (p[0] + p[1]), reports)
    }

    /// L-BFGS (Nocedal & Wright, Algorithm 7.5: two-loop recursion) with a backtracking Armijo line search.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func minimise(
        _ theta: inout [Scalar], settings: Settings,
        objective: (UnsafeBufferPointer<Scalar>, UnsafeMutableBufferPointer<Scalar>) -> Scalar
    ) -> FitReport {
        let n = theta.count
        func evaluate(_ x: [Scalar], _ g: inout [Scalar]) -> Double {
            x.withUnsafeBufferPointer { xp in g.withUnsafeMutableBufferPointer { Double(objective(xp, $0)) } }
        }
        func infinityNorm(_ v: [Scalar]) -> Double { v.reduce(0) { max($0, Double(abs($1))) } }
        func dotProduct(_ a: [Scalar], _ b: [Scalar]) -> Double {
            var s = 0.0
            for k in 0..<n { s += Double(a[k]) * Double(b[k]) }
            return s
        }
        var gradient = [Scalar](repeating: 0, count: n)
        var loss = evaluate(theta, &gradient)
        var history: [(s: [Scalar], y: [Scalar], rho: Double)] = []
        var iteration = 0
        while infinityNorm(gradient) > settings.gradientTolerance && iteration < settings.maxIterations {
            // Two-loop recursion: direction = −H·g.
            var q = gradient.map { Double($0) }
            var alphas = [Double](repeating: 0, count: history.count)
            for (k, pair) in history.enumerated().reversed() {
                var a = 0.0
                for i in 0..<n { a += Double(pair.s[i]) * q[i] }
                a *= pair.rho
                alphas[k] = a
                for i in 0..<n { q[i] -= a * Double(pair.y[i]) }
            }
            if let last = history.last {
                let gamma = dotProduct(last.s, last.y) / dotProduct(last.y, last.y)
                for i in 0..<n { q[i] *= gamma }
            }
            for (k, pair) in history.enumerated() {
                var b = 0.0
                for i in 0..<n { b += Double(pair.y[i]) * q[i] }
                b *= pair.rho
                for i in 0..<n { q[i] += Double(pair.s[i]) * (alphas[k] - b) }
            }
            var direction = q.map { Scalar(-$0) }
            var slope = dotProduct(direction, gradient)
            if !(slope < 0) {
                // Not a descent direction: restart from steepest descent.
                history.removeAll()
                direction = gradient.map { -$0 }
                slope = -dotProduct(gradient, gradient)
            }
            var step = history.isEmpty ? min(1, 1 / max(infinityNorm(gradient), 1e-12)) : 1.0
            var candidate = theta, candidateGradient = gradient, candidateLoss = loss
            var accepted = false
            for _ in 0..<60 {
                for i in 0..<n { candidate[i] = theta[i] + Scalar(step) * direction[i] }
                candidateLoss = evaluate(candidate, &candidateGradient)
                if candidateLoss <= loss + 1e-4 * step * slope { accepted = true; break }
                step *= 0.5
            }
            iteration += 1
            guard accepted else { break }
            var s = [Scalar](repeating: 0, count: n), y = s
            for i in 0..<n {
                s[i] = candidate[i] - theta[i]
                y[i] = candidateGradient[i] - gradient[i]
            }
            let sy = dotProduct(s, y)
            if sy > 1e-12 * dotProduct(y, y).squareRoot() * dotProduct(s, s).squareRoot() && sy > 0 {
                history.append((s, y, 1 / sy))
                if history.count > settings.memory { history.removeFirst() }
            }
            theta = candidate
            gradient = candidateGradient
            loss = candidateLoss
        }
        let norm = infinityNorm(gradient)
        return FitReport(iterations: iteration, loss: loss, gradientNorm: norm, converged: norm <= settings.gradientTolerance)
    }
}

/// Exact CNML as a reward model: D is a balanced draw of replay negatives and positives made at each
/// update; every query then costs two fits to convergence. Far too slow for RL at paper scale (this is
/// what meta-NML speeds up); it exists as the accuracy and speed reference.
public final class ExactCNMLRewardModel: RewardModel {
    public static let kind = RewardModelKind.cnml

    public struct Configuration: Codable, Sendable, Equatable {
        public var hiddenSize: Int
        public var negatives = 1024
        public var positives = 1024
        public var fit = ExactCNML<Float>.Settings()
        public var weighting: ExactCNML<Float>.QueryWeighting?
        /// Unread: models update when the training loop's epochs end. Kept so that checkpoints keep their bytes.
        private var updateInterval = 1000
        public init(hiddenSize: Int, negatives: Int = 1024, positives: Int = 1024,
                    fit: ExactCNML<Float>.Settings = .init(), weighting: ExactCNML<Float>.QueryWeighting? = nil) {
            self.hiddenSize = hiddenSize
            self.negatives = negatives
            self.positives = positives
            self.fit = fit
            self.weighting = weighting
        }
    }

    public let featureDimension: Int
    public let configuration: Configuration
    public let network: MLP
    public private(set) var generator: RandomGenerator
    public private(set) var updatesCompleted = 0
    /// θ_MLE of the last update (the fits' starting point, and the next MLE fit's).
    public private(set) var parameters: [Float]
    public private(set) var dataset: WeightedPoints<Float>?
    /// The fit reports of the last `rewards` call, two per query.
    public private(set) var lastFits: [ExactCNML<Float>.FitReport] = []
    public var timing: RewardTiming { .storedAtCollection }
    private var engine: ExactCNML<Float>?

    public init(featureDimension: Int, configuration: Configuration, seed: UInt64) throws {
        guard featureDimension > 0, configuration.hiddenSize > 0, configuration.negatives >= 0, configuration.positives > 0 else {
            throw RewardError.invalidConfiguration(model: Self.kind.rawValue, detail: "dimension, width and positives must be positive")
        }
        self.featureDimension = featureDimension
        self.configuration = configuration
        network = MLP(inputSize: featureDimension, hiddenSizes: [configuration.hiddenSize, configuration.hiddenSize], outputSize: 2)
        generator = RandomGenerator(seed: seed)
        parameters = network.initialParameters(as: Float.self, using: &generator)
    }

    @discardableResult
    public func update(epoch: Int, data: RewardTrainingData) throws -> RewardUpdateSummary {
        try checkPositives(data)
        let negatives = try drawNegatives(configuration.negatives, from: data, generator: &generator).features
        let positives = data.positives.gathering((0..<configuration.positives).map { _ in generator.index(below: data.positives.rows) })
        let points = WeightedPoints(
            inputs: negatives.values + positives.values,
            labels: Array(repeating: 0, count: negatives.rows) + Array(repeating: 1, count: positives.rows),
            dimension: featureDimension)
        rebuild(points)
        updatesCompleted += 1
        return RewardUpdateSummary(optimizerSteps: engine!.maximumLikelihoodReport.iterations, meanLoss: engine!.maximumLikelihoodReport.loss)
    }

    private func rebuild(_ points: WeightedPoints<Float>) {
        let cnml = ExactCNML(network: network, data: points, initialParameters: parameters,
                             settings: configuration.fit, weighting: configuration.weighting)
        engine = cnml
        dataset = points
        parameters = cnml.maximumLikelihood
    }

    /// p_CNML(success | x) per row; 0.5 everywhere before the first update (no data: both labels fit).
    public func rewards(features: FeatureMatrix, successes: [Bool]? = nil) throws -> [Float] {
        try checkDimension(features, what: "queried features")
        guard let engine else { return Array(repeating: 0.5, count: features.rows) }
        lastFits = []
        return (0..<features.rows).map { i in
            let (p, fits) = engine.successProbability(query: Array(features.row(i)))
            lastFits += fits
            return p
        }
    }

    public func writeFields(to writer: inout ArchiveWriter) throws {
        try RewardCheckpoint.appendJSON(configuration, to: &writer)
        writer.append(integers: [featureDimension, updatesCompleted])
        writer.append(scalars: parameters)
        generator.write(to: &writer)
        writer.append(dataset != nil)
        if let dataset {
            writer.append(scalars: dataset.inputs)
            writer.append(scalars: dataset.labels)
        }
    }

    /// Restores the model; θ_MLE is refitted from the stored parameters, which are already converged.
    static func readFields(from reader: inout ArchiveReader) throws -> ExactCNMLRewardModel {
        let configuration = try RewardCheckpoint.readJSON(Configuration.self, "CNML configuration", from: &reader)
        let header = try reader.readIntegers("CNML header")
        guard header.count == 2, header[0] > 0, header[1] >= 0 else {
            throw ArchiveError.invalidValue(what: "CNML header", detail: "\(header)")
        }
        try reader.requireRoom(forNetworks: [[header[0], configuration.hiddenSize, configuration.hiddenSize, 2]], "CNML network")
        let model = try RewardCheckpoint.rebuild("CNML") {
            try ExactCNMLRewardModel(featureDimension: header[0], configuration: configuration, seed: 0)
        }
        model.parameters = try reader.readScalars("CNML parameters", expectedCount: model.network.parameterCount)
        model.generator = try RandomGenerator(from: &reader)
        var points: WeightedPoints<Float>?
        if try reader.read("CNML dataset flag", as: Bool.self) {
            let inputs: [Float] = try reader.readScalars("CNML inputs")
            let labels: [Float] = try reader.readScalars("CNML labels")
            guard !labels.isEmpty, inputs.count == labels.count * header[0] else {
                throw ArchiveError.shapeMismatch(what: "CNML dataset", expected: "\(labels.count)×\(header[0])", found: "\(inputs.count) values")
            }
            points = WeightedPoints(inputs: inputs, labels: labels, dimension: header[0])
        }
        model.updatesCompleted = header[1]
        if let points { model.rebuild(points) }
        return model
    }
}
