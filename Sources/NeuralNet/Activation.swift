/// The elementwise nonlinearity after a dense layer.
///
/// Derivatives are written in terms of the activation's *output* a = σ(z), which is all the
/// workspace keeps: ReLU′ = [a > 0], tanh′ = 1 − a², tanh″ = −2a(1 − a²).
public enum Activation: UInt8, Codable, Sendable, CaseIterable {
    case identity = 0
    case relu = 1
    case tanh = 2

    /// a ← σ(a), in place.
    @inlinable
    public func apply<Scalar: NetworkScalar>(_ values: UnsafeMutableBufferPointer<Scalar>) {
        switch self {
        case .identity:
            break
        case .relu:
            for i in values.indices { values[i] = Swift.max(values[i], 0) }
        case .tanh:
            for i in values.indices { values[i] = Scalar.tanh(values[i]) }
        }
    }

    /// g ← g ⊙ σ′(z), given the outputs a = σ(z): turns ∂L/∂a into ∂L/∂z in place.
    @inlinable
    public func backpropagate<Scalar: NetworkScalar>(
        _ gradient: UnsafeMutableBufferPointer<Scalar>, outputs: UnsafeBufferPointer<Scalar>
    ) {
        precondition(gradient.count == outputs.count, "gradient and activation sizes differ")
        switch self {
        case .identity:
            break
        case .relu:
            // Multiplying by a 0/1 step keeps the store unconditional. The obvious `a > 0 ? g : 0` is
            // compiled to a branch and conditional store per element, and ReLU signs are random enough to
            // mispredict about half of them (this loop then took a fifth of a SAC update).
            for i in gradient.indices { gradient[i] *= outputs[i] > 0 ? 1 : 0 }
        case .tanh:
            for i in gradient.indices { gradient[i] *= 1 - outputs[i] * outputs[i] }
        }
    }

    /// ġ ← ġ ⊙ σ′(z) + g ⊙ σ″(z) ⊙ ż: Pearlmutter's R-operator applied to `backpropagate`, where g is
    /// ∂L/∂a, ġ its directional derivative and ż the directional derivative of the pre-activation.
    @inlinable
    public func backpropagateTangent<Scalar: NetworkScalar>(
        _ gradientTangent: UnsafeMutableBufferPointer<Scalar>, gradient: UnsafeBufferPointer<Scalar>,
        preActivationTangent: UnsafeBufferPointer<Scalar>, outputs: UnsafeBufferPointer<Scalar>
    ) {
        precondition(gradientTangent.count == outputs.count && gradient.count == outputs.count
                     && preActivationTangent.count == outputs.count, "tangent and activation sizes differ")
        switch self {
        case .identity, .relu:
            // σ″ = 0 (almost everywhere, for ReLU).
            backpropagate(gradientTangent, outputs: outputs)
        case .tanh:
            for i in gradientTangent.indices {
                let a = outputs[i], derivative = 1 - a * a
                gradientTangent[i] = gradientTangent[i] * derivative - 2 * a * derivative * gradient[i] * preActivationTangent[i]
            }
        }
    }
}
