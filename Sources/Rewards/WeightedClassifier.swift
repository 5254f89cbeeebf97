import NeuralNet
import Randomness

/// Labelled, weighted points for MURAL's two-logit classifier: the support and outer sets of meta-NML
/// and the datasets of exact CNML. Inputs are row-major `count × dimension`; labels are soft targets
/// t ∈ [0, 1] (the probability of "success"); weights enter the loss as the weighted mean Σwℓ/Σw.
public struct WeightedPoints<Scalar: NetworkScalar>: Sendable, Equatable {
    public var inputs: [Scalar]
    public var labels: [Scalar]
    public var weights: [Scalar]
    public let dimension: Int

    public init(dimension: Int) {
        self.dimension = dimension
        inputs = []
        labels = []
        weights = []
    }

    public init(inputs: [Scalar], labels: [Scalar], weights: [Scalar]? = nil, dimension: Int) {
        precondition(dimension > 0 && inputs.count == labels.count * dimension, "inputs must be labels.count × dimension")
        precondition(weights.map { $0.count == labels.count } ?? true, "need one weight per point")
        self.inputs = inputs
        self.labels = labels
        self.weights = weights ?? Array(repeating: 1, count: labels.count)
        self.dimension = dimension
    }

    public var count: Int { labels.count }

    public mutating func removeAll() {
        inputs.removeAll(keepingCapacity: true)
        labels.removeAll(keepingCapacity: true)
        weights.removeAll(keepingCapacity: true)
    }

    public mutating func append<C: Collection>(_ input: C, label: Scalar, weight: Scalar) where C.Element == Scalar {
        precondition(input.count == dimension, "point has the wrong dimension")
        inputs.append(contentsOf: input)
        labels.append(label)
        weights.append(weight)
    }

    public func input(_ i: Int) -> ArraySlice<Scalar> { inputs[(i * dimension)..<((i + 1) * dimension)] }
}

/// The distance kernel of MURAL's meta-dataset (`maml/metadatasets/nml.py:162,231`):
/// w(q, x) = exp(−2.3·‖q − x‖₂ / τ), which falls to 0.1 at distance τ (`dist_weight_thresh`).
@inlinable
func distanceWeight<Scalar: NetworkScalar>(
    _ q: UnsafePointer<Scalar>, _ x: UnsafePointer<Scalar>, dimension: Int, threshold: Scalar
) -> Scalar {
    var squared: Scalar = 0
    for k in 0..<dimension {
        let d = q[k] - x[k]
        squared += d * d
    }
    return Scalar.exp(-2.3 * squared.squareRoot() / threshold)
}

/// The two-logit classifier d → H → … → 2 with ReLU hidden layers, and reusable scratch for its
/// weighted loss. Not thread-safe: one pass at a time.
final class WeightedClassifier<Scalar: NetworkScalar> {
    let network: MLP
    private var workspace: MLPWorkspace<Scalar>
    private var outputGradient: [Scalar] = []
    private var curvature: MLPCurvatureWorkspace<Scalar>?

    init(network: MLP, capacity: Int) {
        precondition(network.outputSize == 2, "the classifier has two logits")
        self.network = network
        workspace = MLPWorkspace(for: network, capacity: max(capacity, 1))
    }

    /// The weighted-mean loss L(θ) = Σ_j w_j ℓ_j / Σ_j w_j over `points`, with
    /// ℓ_j = −[(1 − t_j) log softmax₀ + t_j log softmax₁] (`BinaryCrossEntropy`, §1.2), and ∂L/∂θ into
    /// `gradient` (added when `accumulate`, scaled by `scale`).
    @discardableResult
    func lossAndGradient(
        parameters: UnsafeBufferPointer<Scalar>, points: WeightedPoints<Scalar>,
        gradient: UnsafeMutableBufferPointer<Scalar>?, scale: Scalar = 1, accumulate: Bool = false
    ) -> Scalar {
        let n = points.count
        if outputGradient.count < 2 * n { outputGradient = Array(repeating: 0, count: 2 * n) }
        let loss = points.inputs.withUnsafeBufferPointer { inputs in
            points.labels.withUnsafeBufferPointer { labels in
                points.weights.withUnsafeBufferPointer { weights in
                    outputGradient.withUnsafeMutableBufferPointer { og -> Scalar in
                        let logits = network.forward(parameters: parameters, input: inputs, batchSize: n, workspace: workspace)
                        let g = UnsafeMutableBufferPointer(rebasing: og[0..<(2 * n)])
                        let value = Loss.binarySoftmaxCrossEntropy(logits: logits, labels: labels, weights: weights, gradient: g)
                        if let gradient {
                            if scale != 1 { for i in g.indices { g[i] *= scale } }
                            network.backward(parameters: parameters, outputGradient: UnsafeBufferPointer(g), workspace: workspace,
                                             parameterGradient: gradient, accumulate: accumulate, inputGradient: nil)
                        }
                        return value
                    }
                }
            }
        }
        return loss
    }

    /// The exact ∇²L(θ)·v of the weighted loss by Pearlmutter's R-operator (`MLP.hessianVectorProduct`).
    func hessianVectorProduct(
        parameters: UnsafeBufferPointer<Scalar>, direction: UnsafeBufferPointer<Scalar>, points: WeightedPoints<Scalar>,
        into result: UnsafeMutableBufferPointer<Scalar>
    ) {
        if curvature == nil { curvature = MLPCurvatureWorkspace(for: network, capacity: workspace.capacity) }
        points.inputs.withUnsafeBufferPointer { inputs in
            points.labels.withUnsafeBufferPointer { labels in
                points.weights.withUnsafeBufferPointer { weights in
                    _ = network.hessianVectorProduct(
                        parameters: parameters, direction: direction, input: inputs, batchSize: points.count,
                        workspace: curvature!, result: result
                    ) { logits, tangent, gradient, gradientTangent in
                        Loss.binarySoftmaxCrossEntropy(logits: logits, labels: labels, weights: weights, gradient: gradient,
                                                       tangent: tangent, gradientTangent: gradientTangent)
                    }
                }
            }
        }
    }

    /// Softmax probabilities p(y = 1 | x) at the given parameters, one per row.
    func successProbabilities(parameters: UnsafeBufferPointer<Scalar>, inputs: UnsafeBufferPointer<Scalar>, count: Int) -> [Scalar] {
        let logits = network.forward(parameters: parameters, input: inputs, batchSize: count, workspace: workspace)
        return (0..<count).map { logistic(logits[2 * $0 + 1] - logits[2 * $0]) }
    }
}

/// σ(z) = 1/(1 + e^{−z}), stable for either sign.
@inlinable
func logistic<Scalar: NetworkScalar>(_ z: Scalar) -> Scalar {
    if z >= 0 { return 1 / (1 + Scalar.exp(-z)) }
    let e = Scalar.exp(z)
    return e / (1 + e)
}

/// k distinct indices from 0..<n (a partial Fisher–Yates shuffle over `scratch`, which must hold 0..<n
/// in some order and is left permuted).
func sampleWithoutReplacement(_ k: Int, from scratch: inout [Int], using generator: inout RandomGenerator) -> [Int] {
    let n = scratch.count
    precondition(k <= n, "cannot draw \(k) distinct items from \(n)")
    for i in 0..<k {
        scratch.swapAt(i, generator.index(in: i..<n))
    }
    return Array(scratch[0..<k])
}

