/// Adam (Kingma & Ba 2015, Algorithm 1) in PyTorch's formulation:
/// m ← β₁m + (1−β₁)g,  v ← β₂v + (1−β₂)g²,  θ ← θ − lr · (m / (1−β₁ᵗ)) / (√(v / (1−β₂ᵗ)) + ε).
public struct Adam<Scalar: NetworkScalar>: Codable, Sendable, Equatable {
    public var learningRate: Scalar
    public var beta1: Scalar
    public var beta2: Scalar
    public var epsilon: Scalar
    /// Steps taken so far (t in the bias corrections).
    public var step: Int = 0
    /// First- and second-moment estimates, one per parameter.
    public var firstMoment: [Scalar]
    public var secondMoment: [Scalar]

    public init(parameterCount: Int, learningRate: Scalar, beta1: Scalar = 0.9, beta2: Scalar = 0.999,
                epsilon: Scalar = 1e-8) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        firstMoment = Array(repeating: 0, count: parameterCount)
        secondMoment = Array(repeating: 0, count: parameterCount)
    }

    /// Restores a saved optimiser (see `Archive`).
    public init(learningRate: Scalar, beta1: Scalar, beta2: Scalar, epsilon: Scalar,
                step: Int, firstMoment: [Scalar], secondMoment: [Scalar]) {
        precondition(firstMoment.count == secondMoment.count, "moment vectors differ in size")
        self.init(parameterCount: 0, learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon)
        self.step = step
        self.firstMoment = firstMoment
        self.secondMoment = secondMoment
    }

    public var parameterCount: Int { firstMoment.count }

    /// Takes one step on `parameters` along `gradient`.
    @inlinable
    public mutating func update(
        _ parameters: UnsafeMutableBufferPointer<Scalar>, gradient: UnsafeBufferPointer<Scalar>
    ) {
        precondition(parameters.count == parameterCount && gradient.count == parameterCount,
                     "Adam was built for \(parameterCount) parameters")
        step += 1
        let correction1 = 1 - Scalar.exp(Scalar(step) * Scalar.log(beta1))
        let correction2 = 1 - Scalar.exp(Scalar(step) * Scalar.log(beta2))
        let count = parameters.count
        guard count > 0 else { return }
        firstMoment.withUnsafeMutableBufferPointer { m in
            secondMoment.withUnsafeMutableBufferPointer { v in
                Scalar.adamStep(parameters: parameters.baseAddress!, firstMoment: m.baseAddress!,
                                secondMoment: v.baseAddress!, gradient: gradient.baseAddress!, count: count,
                                beta1: beta1, beta2: beta2, epsilon: epsilon, stepSize: learningRate / correction1,
                                inverseCorrection2: 1 / correction2)
            }
        }
    }

    /// `update` on arrays.
    @inlinable
    public mutating func update(_ parameters: inout [Scalar], gradient: [Scalar]) {
        gradient.withUnsafeBufferPointer { g in
            parameters.withUnsafeMutableBufferPointer { update($0, gradient: g) }
        }
    }
}
