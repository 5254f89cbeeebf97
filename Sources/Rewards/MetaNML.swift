import NeuralNet
import Randomness

/// MURAL's reward model: meta-NML (Li et al. 2021, "MURAL: Meta-Learning Uncertainty-Aware Rewards for
/// Outcome-Driven Reinforcement Learning", Algorithm 2; mural-reference.md §1).
///
/// A classifier d → H → H → 2 (ReLU, PyTorch initialisation, raw features in) is meta-trained with MAML so
/// that ONE weighted SGD step on a query's neighbourhood approximates fitting D ∪ {(x, ỹ)}; the reward is
/// the normalised NML probability r(x) = p₁/(p₀ + p₁) after adapting to each label (see
/// `MetaNMLAdapter`). Rewards are stored at collection time and never relabelled.
public final class MetaNMLRewardModel: RewardModel {
    public static let kind = RewardModelKind.metanml

    public struct Configuration: Codable, Sendable, Equatable {
        /// H, the width of both hidden layers.
        public var hiddenSize: Int
        /// τ, `dist_weight_thresh`: the distance at which a point's weight falls to 0.1.
        public var distanceThreshold: Float
        /// qpw, `query_point_weight`.
        public var queryPointWeight: Float
        /// α of the inner SGD step.
        public var innerStepSize: Float = 0.01
        /// Outer Adam learning rate.
        public var learningRate: Float = 1e-3
        /// Query pool per RL epoch: replay negatives, plus positives (Ant uses 128 + 128).
        public var queryPoolNegatives = 128
        public var queryPoolPositives = 0
        /// Test pool: replay negatives and positives (drawn with replacement from the examples).
        public var testPoolNegatives = 1024
        public var testPoolPositives = 1024
        /// Support-set size including the query (`points_per_task`).
        public var pointsPerTask = 64
        /// Outer-set draws from the test pool, without replacement (`equal_pos_neg_test`).
        public var outerPositives = 1023
        public var outerNegatives = 1023
        /// Tasks averaged per Adam step (`accumulation_steps`).
        public var tasksPerMetaStep = 16
        /// Meta-epochs after the first RL epoch, then after every later one.
        public var initialMetaEpochs = 10
        public var metaEpochsPerUpdate = 1
        /// Differentiate through the inner step (MAML), or drop the Hessian term (first-order MAML).
        public var secondOrder = true
        /// How the second-order term's Hessian-vector product is computed.
        public var hessianVectorProduct: HessianVectorMethod = .exact
        /// Query-time finetuning set F.
        public var finetuningNegatives = 1024
        public var finetuningPositives = 1024
        /// Unread: models update when the training loop's epochs end. Kept so that checkpoints keep their bytes.
        private var updateInterval = 1000

        public enum HessianVectorMethod: String, Codable, Sendable, CaseIterable {
            /// Pearlmutter's R-operator: exact, about two gradient passes on the support set.
            case exact
            /// Central differences of ∇L_in (`HessianVectorProduct.centralDifference`): two gradient passes.
            case centralDifference
        }

        public init(hiddenSize: Int, distanceThreshold: Float, queryPointWeight: Float) {
            self.hiddenSize = hiddenSize
            self.distanceThreshold = distanceThreshold
            self.queryPointWeight = queryPointWeight
        }

        /// Task families with their own meta-NML settings (§1.7).
        public enum TaskFamily: String, Codable, Sendable, CaseIterable {
            case maze, push, door
        }

        /// The released per-task settings: mazes (2048, 0.5, 1), push (2048, 0.6, 1), door (512, 0.25, 2).
        public static func paper(_ family: TaskFamily) -> Configuration {
            switch family {
            case .maze: return Configuration(hiddenSize: 2048, distanceThreshold: 0.5, queryPointWeight: 1)
            case .push: return Configuration(hiddenSize: 2048, distanceThreshold: 0.6, queryPointWeight: 1)
            case .door: return Configuration(hiddenSize: 512, distanceThreshold: 0.25, queryPointWeight: 2)
            }
        }

        /// The paper's settings with H = 128 (about 250× less meta-training compute than H = 2048) and the
        /// inner step scaled by the width ratio: α = 0.01 · H_paper/128, i.e. 0.16 for the mazes and push,
        /// 0.04 for the door.
        ///
        /// Why α scales: under PyTorch's initialisation one SGD step moves the network's output at the
        /// query by about α‖∇f‖², and ‖∇f‖² grows linearly with the width. With the paper's α = 0.01 a
        /// 128-wide network adapts 16× less than the paper's 2048-wide one, the prior dominates, and unvisited
        /// states far from the examples score near 0 instead of 0.5: the exploration bonus is lost and
        /// meta-NML behaves like an overconfident classifier (see docs/rendering.md, reward maps).
        public static func fast(_ family: TaskFamily) -> Configuration {
            var configuration = paper(family)
            configuration.innerStepSize *= Float(configuration.hiddenSize) / 128
            configuration.hiddenSize = 128
            return configuration
        }

        func validate() throws {
            func require(_ condition: Bool, _ detail: String) throws {
                if !condition { throw RewardError.invalidConfiguration(model: MetaNMLRewardModel.kind.rawValue, detail: detail) }
            }
            try require(hiddenSize > 0, "hidden size must be positive")
            try require(distanceThreshold > 0, "distance threshold τ must be positive")
            try require(queryPointWeight > 0, "query point weight must be positive")
            try require(queryPoolNegatives + queryPoolPositives > 0, "the query pool is empty")
            try require(pointsPerTask >= 1, "points per task must be at least 1 (the query)")
            try require(testPoolNegatives + testPoolPositives >= pointsPerTask - 1, "the test pool is smaller than a support set")
            try require(outerPositives <= testPoolPositives && outerNegatives <= testPoolNegatives,
                        "the outer set draws more points than the test pool holds")
            try require(finetuningNegatives + finetuningPositives >= pointsPerTask - 1, "the finetuning set is smaller than a support set")
            try require(tasksPerMetaStep > 0 && initialMetaEpochs >= 0 && metaEpochsPerUpdate >= 0, "bad meta-epoch schedule")
        }
    }

    public let featureDimension: Int
    public let configuration: Configuration
    public let network: MLP
    public private(set) var parameters: [Float]
    public private(set) var optimizer: Adam<Float>
    public private(set) var generator: RandomGenerator
    public private(set) var updatesCompleted = 0
    public private(set) var metaStepsCompleted = 0
    /// The query-time finetuning set F (features, labels), drawn at the end of each update.
    public private(set) var finetuning: WeightedPoints<Float>?
    public var timing: RewardTiming { .storedAtCollection }

    private var adapterCache: MetaNMLAdapter<Float>?
    private lazy var learner = MetaLearner<Float>(
        network: network, supportCapacity: configuration.pointsPerTask,
        outerCapacity: configuration.outerPositives + configuration.outerNegatives + 1)

    public init(featureDimension: Int, configuration: Configuration, seed: UInt64) throws {
        guard featureDimension > 0 else {
            throw RewardError.invalidConfiguration(model: Self.kind.rawValue, detail: "feature dimension must be positive")
        }
        try configuration.validate()
        self.featureDimension = featureDimension
        self.configuration = configuration
        network = MLP(inputSize: featureDimension, hiddenSizes: [configuration.hiddenSize, configuration.hiddenSize], outputSize: 2)
        generator = RandomGenerator(seed: seed)
        parameters = network.initialParameters(as: Float.self, using: &generator)
        optimizer = Adam(parameterCount: network.parameterCount, learningRate: configuration.learningRate)
    }

    // MARK: Rewards

    /// Which implementation of query-time adaptation to run; both compute the same function.
    public enum AdaptationPath: String, Sendable, CaseIterable {
        case batched, naive
    }

    public func rewards(features: FeatureMatrix, successes: [Bool]? = nil) throws -> [Float] {
        try rewards(features: features, path: .batched)
    }

    /// Rewards through the chosen path, drawing the support sets from the model's generator.
    public func rewards(features: FeatureMatrix, path: AdaptationPath) throws -> [Float] {
        try checkDimension(features, what: "queried features")
        let plan = adapter.makePlan(queryCount: features.rows, using: &generator)
        return try rewards(features: features, plan: plan, path: path)
    }

    /// Support indices into the finetuning set for each query and label (row 2i + ỹ), from the model's
    /// generator. `queriesPerDraw` > 1 shares each label's draw across blocks of that many consecutive
    /// queries (each query's support is still a uniform subset of F), which the batched path turns into
    /// GEMMs; 1 (the default, and what `rewards(features:)` uses) draws independently per query as the reference.
    public func makeAdaptationPlan(queryCount: Int, queriesPerDraw: Int = 1) -> [[Int]] {
        adapter.makePlan(queryCount: queryCount, queriesPerDraw: max(1, queriesPerDraw), using: &generator)
    }

    /// Rewards for a given plan, so that the two paths can be compared on identical support sets.
    public func rewards(features: FeatureMatrix, plan: [[Int]], path: AdaptationPath) throws -> [Float] {
        try checkDimension(features, what: "queried features")
        guard plan.count == 2 * features.rows else {
            throw RewardError.countMismatch(what: "adaptation plan rows (two per query)", expected: 2 * features.rows, found: plan.count)
        }
        let m = finetuning?.count ?? 0
        for row in plan {
            guard row.count == (finetuning == nil ? 0 : configuration.pointsPerTask - 1), row.allSatisfy({ (0..<m).contains($0) }) else {
                throw RewardError.invalidConfiguration(model: Self.kind.rawValue, detail: "adaptation plan row does not index the finetuning set")
            }
        }
        switch path {
        case .batched: return adapter.batchedRewards(queries: features.values, plan: plan)
        case .naive: return adapter.naiveRewards(queries: features.values, plan: plan)
        }
    }

    /// Computes the finetuning set's activations and deltas at θ now (the batched path's once-per-(θ, F)
    /// precompute) instead of on the first query.
    public func prepareAdaptation() {
        adapter.prepareCache()
    }

    private var adapter: MetaNMLAdapter<Float> {
        if let adapterCache { return adapterCache }
        let poolSize = finetuning?.count ?? 0
        let divisor = max(1, (poolSize + configuration.pointsPerTask - 1) / configuration.pointsPerTask)
        let made = MetaNMLAdapter(
            network: network, parameters: parameters, finetuning: finetuning,
            settings: .init(innerStepSize: configuration.innerStepSize, distanceThreshold: configuration.distanceThreshold,
                            queryWeight: configuration.queryPointWeight / Float(divisor),
                            supportSize: configuration.pointsPerTask - 1))
        adapterCache = made
        return made
    }

    /// Replaces the query-time finetuning set (e.g. to refresh it more often than once per epoch).
    public func setFinetuningSet(negatives: FeatureMatrix, positives: FeatureMatrix) throws {
        try checkDimension(negatives, what: "finetuning negatives")
        try checkDimension(positives, what: "finetuning positives")
        guard positives.rows > 0 else { throw RewardError.emptyPositives(model: Self.kind.rawValue) }
        guard negatives.rows + positives.rows >= configuration.pointsPerTask - 1 else {
            throw RewardError.countMismatch(what: "finetuning set size (at least the support size)",
                                            expected: configuration.pointsPerTask - 1, found: negatives.rows + positives.rows)
        }
        finetuning = WeightedPoints(
            inputs: negatives.values + positives.values,
            labels: Array(repeating: 0, count: negatives.rows) + Array(repeating: 1, count: positives.rows),
            dimension: featureDimension)
        adapterCache = nil
    }

    // MARK: Meta-training

    /// One RL epoch's meta-training (§1.4–1.5): build the meta-dataset from fresh replay negatives and the
    /// positives, run 10 meta-epochs the first time and 1 afterwards, then draw the finetuning set F.
    @discardableResult
    public func update(epoch: Int, data: RewardTrainingData) throws -> RewardUpdateSummary {
        try checkPositives(data)
        let c = configuration
        let queryNegatives = try drawNegatives(c.queryPoolNegatives, from: data, generator: &generator).features
        let queryPool = try queryNegatives.appending(drawPositives(c.queryPoolPositives, from: data.positives))
        let testNegatives = try drawNegatives(c.testPoolNegatives, from: data, generator: &generator).features
        let testPositives = drawPositives(c.testPoolPositives, from: data.positives)
        let testPool = WeightedPoints(
            inputs: testNegatives.values + testPositives.values,
            labels: Array(repeating: 0, count: testNegatives.rows) + Array(repeating: 1, count: testPositives.rows),
            dimension: featureDimension)

        let epochs = updatesCompleted == 0 ? c.initialMetaEpochs : c.metaEpochsPerUpdate
        var (steps, lossSum, taskCount) = (0, 0.0, 0)
        for _ in 0..<epochs {
            let (s, loss, tasks) = metaEpoch(queryPool: queryPool, testPool: testPool)
            steps += s
            lossSum += loss
            taskCount += tasks
        }
        metaStepsCompleted += steps

        let fNegatives = try drawNegatives(c.finetuningNegatives, from: data, generator: &generator).features
        try setFinetuningSet(negatives: fNegatives, positives: drawPositives(c.finetuningPositives, from: data.positives))
        updatesCompleted += 1
        return RewardUpdateSummary(optimizerSteps: steps, meanLoss: taskCount > 0 ? lossSum / Double(taskCount) : nil)
    }

    /// `count` positives drawn uniformly with replacement.
    private func drawPositives(_ count: Int, from positives: FeatureMatrix) -> FeatureMatrix {
        positives.gathering((0..<count).map { _ in generator.index(below: positives.rows) })
    }

    /// One shuffled pass over every query-pool point with BOTH labels (fixing the reference's i mod 2
    /// indexing, §6.1); Adam steps on the mean meta-gradient of every `tasksPerMetaStep` tasks.
    /// Returns (Adam steps, summed outer loss, tasks).
    private func metaEpoch(queryPool: FeatureMatrix, testPool: WeightedPoints<Float>) -> (Int, Double, Int) {
        var tasks = (0..<(2 * queryPool.rows)).map { (point: $0 / 2, label: Float($0 % 2)) }
        generator.shuffle(&tasks)
        let c = configuration
        let positiveIndices = testPool.labels.indices.filter { testPool.labels[$0] == 1 }
        let negativeIndices = testPool.labels.indices.filter { testPool.labels[$0] == 0 }
        var poolScratch = Array(0..<testPool.count), positiveScratch = positiveIndices, negativeScratch = negativeIndices
        let divisor = (testPool.count + c.pointsPerTask - 1) / c.pointsPerTask
        var support = WeightedPoints<Float>(dimension: featureDimension), outer = WeightedPoints<Float>(dimension: featureDimension)
        var accumulated = [Float](repeating: 0, count: network.parameterCount)
        var taskGradient = accumulated
        var (steps, lossSum) = (0, 0.0)

        for start in stride(from: 0, to: tasks.count, by: c.tasksPerMetaStep) {
            for k in accumulated.indices { accumulated[k] = 0 }
            for (point, label) in tasks[start..<min(start + c.tasksPerMetaStep, tasks.count)] {
                let query = queryPool.row(point)
                // Support set ("train" task, nml.py:145-173): (q, ỹ) with weight qpw/⌈2048/64⌉, then 63 pool
                // points without replacement, true labels, weights exp(−2.3‖q − x‖/τ).
                support.removeAll()
                support.append(query, label: label, weight: c.queryPointWeight / Float(divisor))
                for j in sampleWithoutReplacement(c.pointsPerTask - 1, from: &poolScratch, using: &generator) {
                    support.append(testPool.input(j), label: testPool.labels[j], weight: kernel(query, testPool.input(j)))
                }
                // Outer set ("test" task, nml.py:176-246): 1023 positives + 1023 negatives without
                // replacement, kernel weights, plus (q, ỹ) with weight qpw/2.
                outer.removeAll()
                for j in sampleWithoutReplacement(c.outerPositives, from: &positiveScratch, using: &generator)
                    + sampleWithoutReplacement(c.outerNegatives, from: &negativeScratch, using: &generator) {
                    outer.append(testPool.input(j), label: testPool.labels[j], weight: kernel(query, testPool.input(j)))
                }
                outer.append(query, label: label, weight: c.queryPointWeight / 2)

                let loss = learner.metaGradient(
                    parameters: parameters, support: support, outer: outer, innerStepSize: c.innerStepSize,
                    secondOrder: c.secondOrder ? c.hessianVectorProduct : nil, into: &taskGradient)
                lossSum += Double(loss)
                let scale = 1 / Float(c.tasksPerMetaStep)
                for k in accumulated.indices { accumulated[k] += scale * taskGradient[k] }
            }
            optimizer.update(&parameters, gradient: accumulated)
            steps += 1
        }
        adapterCache = nil
        return (steps, lossSum, tasks.count)
    }

    private func kernel(_ q: ArraySlice<Float>, _ x: ArraySlice<Float>) -> Float {
        q.withUnsafeBufferPointer { qp in
            x.withUnsafeBufferPointer { xp in
                distanceWeight(qp.baseAddress!, xp.baseAddress!, dimension: featureDimension, threshold: configuration.distanceThreshold)
            }
        }
    }

    // MARK: Checkpoints

    public func writeFields(to writer: inout ArchiveWriter) throws {
        try RewardCheckpoint.appendJSON(configuration, to: &writer)
        writer.append(integers: [featureDimension, updatesCompleted, metaStepsCompleted])
        writer.append(scalars: parameters)
        optimizer.write(to: &writer)
        generator.write(to: &writer)
        writer.append(finetuning != nil)
        if let finetuning {
            writer.append(scalars: finetuning.inputs)
            writer.append(scalars: finetuning.labels)
        }
    }

    static func readFields(from reader: inout ArchiveReader) throws -> MetaNMLRewardModel {
        let configuration = try RewardCheckpoint.readJSON(Configuration.self, "meta-NML configuration", from: &reader)
        let header = try RewardCheckpoint.readHeader("meta-NML", from: &reader)
        try reader.requireRoom(forNetworks: [[header.featureDimension, configuration.hiddenSize, configuration.hiddenSize, 2]], "meta-NML network")
        let model = try RewardCheckpoint.rebuild("meta-NML") {
            try MetaNMLRewardModel(featureDimension: header.featureDimension, configuration: configuration, seed: 0)
        }
        model.parameters = try reader.readScalars("meta-NML parameters", expectedCount: model.network.parameterCount)
        model.optimizer = try Adam<Float>(from: &reader, what: "meta-NML Adam moments", parameterCount: model.network.parameterCount)
        model.generator = try RandomGenerator(from: &reader)
        if try reader.read("finetuning flag", as: Bool.self) {
            let inputs: [Float] = try reader.readScalars("finetuning inputs")
            let labels: [Float] = try reader.readScalars("finetuning labels")
            guard inputs.count == labels.count * header.featureDimension, labels.count >= configuration.pointsPerTask - 1 else {
                throw ArchiveError.shapeMismatch(what: "finetuning set", expected: "\(labels.count)×\(header.featureDimension)", found: "\(inputs.count) values")
            }
            model.finetuning = WeightedPoints(inputs: inputs, labels: labels, dimension: header.featureDimension)
        }
        model.updatesCompleted = header.first
        model.metaStepsCompleted = header.second
        return model
    }
}

/// The MAML meta-gradient of one task (Finn et al. 2017, eq. 1 with one inner step; §1.5):
///
///     θ′ = θ − α ∇L_in(θ)                                  (inner SGD step on the support set)
///     ∇_θ L_out(θ′(θ)) = (I − α ∇²L_in(θ)) ∇_θ′ L_out(θ′)    (second order)
///
/// with the Hessian-vector product ∇²L_in(θ)·v either exact (R-operator) or by central differences of ∇L_in
/// (exact for ReLU networks away from kinks, up to O(ε²)), or just ∇_θ′ L_out(θ′) for first-order MAML.
final class MetaLearner<Scalar: NetworkScalar> {
    let network: MLP
    private let supportClassifier: WeightedClassifier<Scalar>
    private let outerClassifier: WeightedClassifier<Scalar>
    private var adapted: [Scalar]
    private var innerGradient: [Scalar]
    private var hessianVector: [Scalar]

    init(network: MLP, supportCapacity: Int, outerCapacity: Int) {
        self.network = network
        supportClassifier = WeightedClassifier(network: network, capacity: supportCapacity)
        outerClassifier = WeightedClassifier(network: network, capacity: outerCapacity)
        adapted = Array(repeating: 0, count: network.parameterCount)
        innerGradient = adapted
        hessianVector = adapted
    }

    /// θ′ = θ − α∇L_in(θ), written into `adapted`.
    func adapt(parameters: [Scalar], support: WeightedPoints<Scalar>, innerStepSize alpha: Scalar) -> [Scalar] {
        parameters.withUnsafeBufferPointer { theta in
            innerGradient.withUnsafeMutableBufferPointer { g in
                _ = supportClassifier.lossAndGradient(parameters: theta, points: support, gradient: g)
            }
        }
        for k in adapted.indices { adapted[k] = parameters[k] - alpha * innerGradient[k] }
        return adapted
    }

    /// The outer loss L_out(θ′) for a task.
    func outerLoss(parameters: [Scalar], support: WeightedPoints<Scalar>, outer: WeightedPoints<Scalar>, innerStepSize alpha: Scalar) -> Scalar {
        let adapted = adapt(parameters: parameters, support: support, innerStepSize: alpha)
        return adapted.withUnsafeBufferPointer { outerClassifier.lossAndGradient(parameters: $0, points: outer, gradient: nil) }
    }

    /// Writes ∇_θ L_out(θ′(θ)) into `gradient` and returns L_out(θ′).
    func metaGradient(
        parameters: [Scalar], support: WeightedPoints<Scalar>, outer: WeightedPoints<Scalar>,
        innerStepSize alpha: Scalar, secondOrder: MetaNMLRewardModel.Configuration.HessianVectorMethod?,
        into gradient: inout [Scalar]
    ) -> Scalar {
        _ = adapt(parameters: parameters, support: support, innerStepSize: alpha)
        if gradient.count != network.parameterCount { gradient = Array(repeating: 0, count: network.parameterCount) }
        // v = ∇_θ′ L_out(θ′)
        let loss = adapted.withUnsafeBufferPointer { theta in
            gradient.withUnsafeMutableBufferPointer { v in
                outerClassifier.lossAndGradient(parameters: theta, points: outer, gradient: v)
            }
        }
        guard let method = secondOrder else { return loss }
        // (I − α∇²L_in(θ)) v
        parameters.withUnsafeBufferPointer { theta in
            gradient.withUnsafeBufferPointer { v in
                hessianVector.withUnsafeMutableBufferPointer { hv in
                    switch method {
                    case .exact:
                        supportClassifier.hessianVectorProduct(parameters: theta, direction: v, points: support, into: hv)
                    case .centralDifference:
                        centralDifference(at: theta, direction: v, support: support, into: hv)
                    }
                }
            }
        }
        for k in gradient.indices { gradient[k] -= alpha * hessianVector[k] }
        return loss
    }

    /// H·v ≈ [∇L_in(θ + εv) − ∇L_in(θ − εv)] / 2ε with ε = ∛ulp·(1 + ‖θ‖∞)/‖v‖∞, balancing O(ε²) truncation
    /// against rounding.
    private func centralDifference(
        at theta: UnsafeBufferPointer<Scalar>, direction v: UnsafeBufferPointer<Scalar>, support: WeightedPoints<Scalar>,
        into result: UnsafeMutableBufferPointer<Scalar>
    ) {
        let directionScale = v.reduce(0) { Swift.max($0, abs($1)) }
        guard directionScale > 0 else { return result.update(repeating: 0) }
        let parameterScale = theta.reduce(0) { Swift.max($0, abs($1)) }
        let epsilon = Scalar.exp(Scalar.log(Scalar.ulpOfOne) / 3) * (1 + parameterScale) / directionScale
        var shifted = [Scalar](repeating: 0, count: theta.count), backward = shifted
        for sign in [Scalar(1), Scalar(-1)] {
            for k in shifted.indices { shifted[k] = theta[k] + sign * epsilon * v[k] }
            shifted.withUnsafeBufferPointer { point in
                if sign > 0 {
                    _ = supportClassifier.lossAndGradient(parameters: point, points: support, gradient: result)
                } else {
                    backward.withUnsafeMutableBufferPointer { _ = supportClassifier.lossAndGradient(parameters: point, points: support, gradient: $0) }
                }
            }
        }
        for k in result.indices { result[k] = (result[k] - backward[k]) / (2 * epsilon) }
    }
}
