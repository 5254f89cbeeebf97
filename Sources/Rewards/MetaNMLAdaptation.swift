import NeuralNet
import Randomness

/// Query-time meta-NML (mural-reference.md §1.6): for a query x and each proposed label ỹ, one
/// first-order SGD step from the meta-learned θ on the support set {(x, ỹ)} ∪ S (63 points of the
/// finetuning set F with their true labels), then p_ỹ = softmax(f_θ′(x))[ỹ] and
///
///     r(x) = p₁ / (p₀ + p₁).                                                  (normalised NML)
///
/// Weights: w_j = exp(−2.3‖x − x_j‖/τ) for support points, qpw/⌈|F|/64⌉ for the query; the inner loss is
/// the weighted mean, so with c_j = w_j/Σw the adapted parameters are θ′ = θ − α Σ_j c_j ∇ℓ_j(θ).
/// Without a finetuning set (before any training) the support set is the query alone, unweighted.
///
/// Two implementations of the same function:
/// - `naiveRewards` materialises θ′ for every (query, label) and runs the network, as the reference does;
/// - `batchedRewards` never forms θ′. A dense layer's per-point gradient is the outer product δ_l,j a_l,jᵀ,
///   so the adapted pre-activation of layer l at the query's adapted input a′_l is
///
///       z′_l = W_l a′_l + b_l − α Σ_j c_j (a_l,j · a′_l + 1) δ_l,j,             (batched adaptation)
///
///   with a_l,j and δ_l,j = ∂ℓ_j/∂z_l taken at θ. For the finetuning set they are computed once (they do
///   not depend on the query); for the query itself δ_l,q(ỹ) = s(ỹ)·u_l, where u_l backpropagates
///   (−1, +1) and s(0) = p₁, s(1) = −p₀ (two-class softmax: p − e_ỹ = s(ỹ)·(−1, 1)). All queries × both
///   labels share one GEMM per layer; the corrections cost O(64·width) gathered dot products per row.
final class MetaNMLAdapter<Scalar: NetworkScalar> {
    struct Settings: Equatable {
        var innerStepSize: Scalar
        var distanceThreshold: Scalar
        /// qpw / ⌈|F| / pointsPerTask⌉.
        var queryWeight: Scalar
        /// Support points besides the query (63).
        var supportSize: Int
    }

    let network: MLP
    let parameters: [Scalar]
    let finetuning: WeightedPoints<Scalar>?
    let settings: Settings
    private let classifier: WeightedClassifier<Scalar>
    /// Per layer l: the finetuning set's inputs a_l (count × n_l) and deltas δ_l (count × n_{l+1}) at θ.
    private var cachedActivations: [[Scalar]] = []
    private var cachedDeltas: [[Scalar]] = []

    init(network: MLP, parameters: [Scalar], finetuning: WeightedPoints<Scalar>?, settings: Settings) {
        precondition(network.outputSize == 2 && parameters.count == network.parameterCount)
        precondition(network.activations.dropLast().allSatisfy { $0 == .relu } && network.activations.last == .identity,
                     "meta-NML adaptation assumes ReLU hidden layers and linear logits")
        precondition(finetuning.map { $0.count >= settings.supportSize && $0.dimension == network.inputSize } ?? true)
        self.network = network
        self.parameters = parameters
        self.finetuning = finetuning
        self.settings = settings
        classifier = WeightedClassifier(network: network, capacity: settings.supportSize + 1)
    }

    /// Support indices into F for every (query, label) row `2i + ỹ`: `supportSize` distinct indices each,
    /// drawn separately for each label as the reference does; empty without a finetuning set.
    ///
    /// With `queriesPerDraw` = 1 every query gets its own draws (the reference). With B > 1, consecutive
    /// blocks of B queries share one draw per label: each query's support set is still a uniform subset of
    /// F, only the draws of queries in the same block are identical, which lets `batchedRewards` turn the
    /// support corrections into GEMMs.
    func makePlan(queryCount: Int, queriesPerDraw: Int = 1, using generator: inout RandomGenerator) -> [[Int]] {
        precondition(queriesPerDraw >= 1, "queries per support draw must be at least 1")
        guard let finetuning else { return Array(repeating: [], count: 2 * queryCount) }
        var scratch = Array(0..<finetuning.count)
        var plan: [[Int]] = []
        plan.reserveCapacity(2 * queryCount)
        var shared: [[Int]] = []
        for i in 0..<queryCount {
            if i % queriesPerDraw == 0 {
                shared = (0..<2).map { _ in sampleWithoutReplacement(settings.supportSize, from: &scratch, using: &generator) }
            }
            plan.append(contentsOf: shared)
        }
        return plan
    }

    /// Normalised weights (c_query, c_j for the plan's indices) of one (query, label) row.
    private func normalisedWeights(query: UnsafePointer<Scalar>, support: [Int], into c: inout [Scalar]) -> Scalar {
        guard let finetuning else {
            c.removeAll(keepingCapacity: true)
            return 1
        }
        let d = network.inputSize
        c.removeAll(keepingCapacity: true)
        var total = settings.queryWeight
        finetuning.inputs.withUnsafeBufferPointer { x in
            for j in support {
                let w = distanceWeight(query, x.baseAddress! + j * d, dimension: d, threshold: settings.distanceThreshold)
                c.append(w)
                total += w
            }
        }
        for k in c.indices { c[k] /= total }
        return settings.queryWeight / total
    }

    // MARK: Naive path

    /// The reference's algorithm: materialise θ′ = θ − α∇L_in(θ) per (query, label) and evaluate f_θ′(x).
    func naiveRewards(queries: [Scalar], plan: [[Int]]) -> [Scalar] {
        let d = network.inputSize, count = queries.count / d
        precondition(plan.count == 2 * count, "the plan must have two rows per query")
        var adapted = [Scalar](repeating: 0, count: network.parameterCount)
        var gradient = [Scalar](repeating: 0, count: network.parameterCount)
        var support = WeightedPoints<Scalar>(dimension: d)
        var c: [Scalar] = []
        var rewards = [Scalar](repeating: 0, count: count)
        for i in 0..<count {
            let query = queries[(i * d)..<((i + 1) * d)]
            var p = [Scalar](repeating: 0, count: 2)
            for label in 0..<2 {
                let indices = plan[2 * i + label]
                let cq = query.withUnsafeBufferPointer { normalisedWeights(query: $0.baseAddress!, support: indices, into: &c) }
                support.removeAll()
                support.append(query, label: Scalar(label), weight: cq)
                if let finetuning {
                    for (k, j) in indices.enumerated() {
                        support.append(finetuning.input(j), label: finetuning.labels[j], weight: c[k])
                    }
                }
                parameters.withUnsafeBufferPointer { theta in
                    gradient.withUnsafeMutableBufferPointer { g in
                        _ = classifier.lossAndGradient(parameters: theta, points: support, gradient: g)
                    }
                }
                let alpha = settings.innerStepSize
                for k in adapted.indices { adapted[k] = parameters[k] - alpha * gradient[k] }
                let pSuccess = adapted.withUnsafeBufferPointer { theta in
                    Array(query).withUnsafeBufferPointer { x in
                        classifier.successProbabilities(parameters: theta, inputs: x, count: 1)[0]
                    }
                }
                p[label] = label == 1 ? pSuccess : 1 - pSuccess
            }
            rewards[i] = p[1] / (p[0] + p[1])
        }
        return rewards
    }

    // MARK: Batched path

    /// Forward and per-point backward passes of the finetuning set at θ, once per (θ, F).
    func prepareCache() {
        guard let finetuning, cachedActivations.isEmpty else { return }
        let m = finetuning.count
        let workspace = MLPWorkspace<Scalar>(for: network, capacity: m)
        let layers = network.layerCount
        parameters.withUnsafeBufferPointer { theta in
            finetuning.inputs.withUnsafeBufferPointer { x in
                let logits = network.forward(parameters: theta, input: x, batchSize: m, workspace: workspace)
                cachedActivations = [finetuning.inputs] + (0..<(layers - 1)).map { Array(workspace.output(layer: $0)) }
                var delta = [Scalar](repeating: 0, count: 2 * m)
                for j in 0..<m {
                    // ∂ℓ_j/∂z for ℓ = −[(1 − t) log p₀ + t log p₁]: (p₀ − (1 − t), p₁ − t).
                    let p1 = logistic(logits[2 * j + 1] - logits[2 * j]), t = finetuning.labels[j]
                    delta[2 * j] = (1 - p1) - (1 - t)
                    delta[2 * j + 1] = p1 - t
                }
                cachedDeltas = Array(repeating: [], count: layers)
                cachedDeltas[layers - 1] = delta
                for l in stride(from: layers - 1, to: 0, by: -1) {
                    cachedDeltas[l - 1] = backpropagate(cachedDeltas[l], layer: l, rows: m, mask: cachedActivations[l], theta: theta)
                }
            }
        }
    }

    /// δ_{l−1} = (δ_l W_l) ⊙ [a_l > 0] for `rows` rows.
    private func backpropagate(_ delta: [Scalar], layer l: Int, rows: Int, mask: [Scalar], theta: UnsafeBufferPointer<Scalar>) -> [Scalar] {
        let fanIn = network.layerSizes[l], fanOut = network.layerSizes[l + 1]
        var result = [Scalar](repeating: 0, count: rows * fanIn)
        delta.withUnsafeBufferPointer { dl in
            result.withUnsafeMutableBufferPointer { out in
                Scalar.gemm(transposeA: false, transposeB: false, m: rows, n: fanIn, k: fanOut, alpha: 1,
                            a: dl.baseAddress!, lda: fanOut, b: theta.baseAddress! + network.weightRange(layer: l).lowerBound,
                            ldb: fanIn, beta: 0, c: out.baseAddress!, ldc: fanIn)
            }
        }
        for k in result.indices where mask[k] <= 0 { result[k] = 0 }
        return result
    }

    /// The same rewards as `naiveRewards` for the same plan, without materialising θ′.
    func batchedRewards(queries: [Scalar], plan: [[Int]]) -> [Scalar] {
        let d = network.inputSize, count = queries.count / d, layers = network.layerCount
        precondition(plan.count == 2 * count, "the plan must have two rows per query")
        guard count > 0 else { return [] }
        prepareCache()
        let rows = 2 * count
        let alpha = settings.innerStepSize

        // The queries at θ: activations a_l,q, probabilities, and u_l (backpropagated (−1, +1)).
        let workspace = MLPWorkspace<Scalar>(for: network, capacity: count)
        var queryActivations: [[Scalar]] = []
        var queryDirections = [[Scalar]](repeating: [], count: layers)
        var s = [Scalar](repeating: 0, count: rows)
        parameters.withUnsafeBufferPointer { theta in
            queries.withUnsafeBufferPointer { x in
                let logits = network.forward(parameters: theta, input: x, batchSize: count, workspace: workspace)
                for i in 0..<count {
                    let p1 = logistic(logits[2 * i + 1] - logits[2 * i])
                    s[2 * i] = p1          // ỹ = 0: p − e₀ = p₁·(−1, 1)
                    s[2 * i + 1] = p1 - 1  // ỹ = 1: p − e₁ = −p₀·(−1, 1)
                }
                queryActivations = [queries] + (0..<(layers - 1)).map { Array(workspace.output(layer: $0)) }
                queryDirections[layers - 1] = (0..<count).flatMap { _ in [Scalar(-1), Scalar(1)] }
                for l in stride(from: layers - 1, to: 0, by: -1) {
                    queryDirections[l - 1] = backpropagate(queryDirections[l], layer: l, rows: count, mask: queryActivations[l], theta: theta)
                }
            }
        }

        // Normalised weights per row.
        var weights = [[Scalar]](repeating: [], count: rows)
        var queryWeights = [Scalar](repeating: 0, count: rows)
        queries.withUnsafeBufferPointer { x in
            for r in 0..<rows {
                queryWeights[r] = normalisedWeights(query: x.baseAddress! + (r / 2) * d, support: plan[r], into: &weights[r])
            }
        }

        // Rows that share a support list (blocks of a shared plan) are corrected with GEMMs; the others one
        // row at a time with gathered dot products.
        var groupIndex: [[Int]: Int] = [:]
        var groups: [(support: [Int], rows: [Int])] = []
        if finetuning != nil {
            for r in 0..<rows {
                if let g = groupIndex[plan[r]] {
                    groups[g].rows.append(r)
                } else {
                    groupIndex[plan[r]] = groups.count
                    groups.append((plan[r], [r]))
                }
            }
        }

        // Adapted forward pass, one layer at a time, all rows at once.
        var adaptedInput = [Scalar](repeating: 0, count: rows * d)
        for r in 0..<rows {
            for k in 0..<d { adaptedInput[r * d + k] = queries[(r / 2) * d + k] }
        }
        for l in 0..<layers {
            let fanIn = network.layerSizes[l], fanOut = network.layerSizes[l + 1]
            var z = [Scalar](repeating: 0, count: rows * fanOut)
            parameters.withUnsafeBufferPointer { theta in
                let weightsPointer = theta.baseAddress! + network.weightRange(layer: l).lowerBound
                let bias = theta.baseAddress! + network.biasRange(layer: l).lowerBound
                z.withUnsafeMutableBufferPointer { zp in
                    for r in 0..<rows { (zp.baseAddress! + r * fanOut).update(from: bias, count: fanOut) }
                    adaptedInput.withUnsafeBufferPointer { a in
                        // W_l a′_l + b_l for every row.
                        Scalar.gemm(transposeA: false, transposeB: true, m: rows, n: fanOut, k: fanIn, alpha: 1,
                                    a: a.baseAddress!, lda: fanIn, b: weightsPointer, ldb: fanIn, beta: 1,
                                    c: zp.baseAddress!, ldc: fanOut)
                        queryActivations[l].withUnsafeBufferPointer { aq in
                            queryDirections[l].withUnsafeBufferPointer { uq in
                                for r in 0..<rows {
                                    let i = r / 2
                                    let aPrime = a.baseAddress! + r * fanIn, zRow = zp.baseAddress! + r * fanOut
                                    // The query's own term: c_q (a_l,q · a′_l + 1) s(ỹ) u_l.
                                    let k = queryWeights[r] * s[r] * (dot(aq.baseAddress! + i * fanIn, aPrime, fanIn) + 1)
                                    axpy(-alpha * k, uq.baseAddress! + i * fanOut, zRow, fanOut)
                                }
                            }
                        }
                        if !groups.isEmpty {
                            cachedActivations[l].withUnsafeBufferPointer { af in
                                cachedDeltas[l].withUnsafeBufferPointer { df in
                                    for group in groups {
                                        if group.rows.count == 1 {
                                            let r = group.rows[0]
                                            let aPrime = a.baseAddress! + r * fanIn, zRow = zp.baseAddress! + r * fanOut
                                            for (n, j) in group.support.enumerated() {
                                                // Σ_j c_j (a_l,j · a′_l + 1) δ_l,j over the support points.
                                                let k = weights[r][n] * (dot(af.baseAddress! + j * fanIn, aPrime, fanIn) + 1)
                                                axpy(-alpha * k, df.baseAddress! + j * fanOut, zRow, fanOut)
                                            }
                                        } else {
                                            correctGroup(group, layer: l, adapted: a, z: zp, weights: weights,
                                                         activations: af, deltas: df)
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            if l < layers - 1 {
                for k in z.indices where z[k] < 0 { z[k] = 0 }
            }
            adaptedInput = z
        }

        // p_ỹ = softmax(z′)[ỹ] per row, then r = p₁ / (p₀ + p₁).
        return (0..<count).map { i in
            let p0 = logistic(adaptedInput[4 * i] - adaptedInput[4 * i + 1])
            let p1 = logistic(adaptedInput[4 * i + 3] - adaptedInput[4 * i + 2])
            return p1 / (p0 + p1)
        }
    }
}

extension MetaNMLAdapter {
    /// The support correction for rows that share one support list S, as two GEMMs:
    /// K = C ⊙ (A′_R A_Sᵀ + 1), then Z′_R −= α K Δ_S.
    func correctGroup(
        _ group: (support: [Int], rows: [Int]), layer l: Int, adapted: UnsafeBufferPointer<Scalar>,
        z: UnsafeMutableBufferPointer<Scalar>, weights: [[Scalar]],
        activations: UnsafeBufferPointer<Scalar>, deltas: UnsafeBufferPointer<Scalar>
    ) {
        let fanIn = network.layerSizes[l], fanOut = network.layerSizes[l + 1]
        let (support, rows) = group
        let (ns, nr) = (support.count, rows.count)
        var supportActivations = [Scalar](repeating: 0, count: ns * fanIn)
        var supportDeltas = [Scalar](repeating: 0, count: ns * fanOut)
        var rowInputs = [Scalar](repeating: 0, count: nr * fanIn)
        var coefficients = [Scalar](repeating: 0, count: nr * ns)
        var correction = [Scalar](repeating: 0, count: nr * fanOut)
        supportActivations.withUnsafeMutableBufferPointer { sa in
            supportDeltas.withUnsafeMutableBufferPointer { sd in
                rowInputs.withUnsafeMutableBufferPointer { ri in
                    coefficients.withUnsafeMutableBufferPointer { k in
                        correction.withUnsafeMutableBufferPointer { corr in
                            for (n, j) in support.enumerated() {
                                (sa.baseAddress! + n * fanIn).update(from: activations.baseAddress! + j * fanIn, count: fanIn)
                                (sd.baseAddress! + n * fanOut).update(from: deltas.baseAddress! + j * fanOut, count: fanOut)
                            }
                            for (x, r) in rows.enumerated() {
                                (ri.baseAddress! + x * fanIn).update(from: adapted.baseAddress! + r * fanIn, count: fanIn)
                            }
                            Scalar.gemm(transposeA: false, transposeB: true, m: nr, n: ns, k: fanIn, alpha: 1,
                                        a: ri.baseAddress!, lda: fanIn, b: sa.baseAddress!, ldb: fanIn, beta: 0,
                                        c: k.baseAddress!, ldc: ns)
                            for (x, r) in rows.enumerated() {
                                for n in 0..<ns { k[x * ns + n] = weights[r][n] * (k[x * ns + n] + 1) }
                            }
                            Scalar.gemm(transposeA: false, transposeB: false, m: nr, n: fanOut, k: ns, alpha: 1,
                                        a: k.baseAddress!, lda: ns, b: sd.baseAddress!, ldb: fanOut, beta: 0,
                                        c: corr.baseAddress!, ldc: fanOut)
                            for (x, r) in rows.enumerated() {
                                axpy(-settings.innerStepSize, corr.baseAddress! + x * fanOut, z.baseAddress! + r * fanOut, fanOut)
                            }
                        }
                    }
                }
            }
        }
    }
}

/// a · b over n values (BLAS: a 1×n GEMV).
@inlinable
func dot<Scalar: NetworkScalar>(_ a: UnsafePointer<Scalar>, _ b: UnsafePointer<Scalar>, _ n: Int) -> Scalar {
    var result: Scalar = 0
    Scalar.gemv(transpose: false, m: 1, n: n, alpha: 1, a: a, lda: n, x: b, beta: 0, y: &result)
    return result
}

/// y ← y + α x over n values (BLAS: the transposed 1×n GEMV).
@inlinable
func axpy<Scalar: NetworkScalar>(_ alpha: Scalar, _ x: UnsafePointer<Scalar>, _ y: UnsafeMutablePointer<Scalar>, _ n: Int) {
    var one: Scalar = 1
    Scalar.gemv(transpose: true, m: 1, n: n, alpha: alpha, a: x, lda: n, x: &one, beta: 1, y: y)
}
