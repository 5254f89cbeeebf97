/// A scalar loss of the network's outputs: returns L and writes ∂L/∂outputs into the second buffer.
public typealias OutputLoss<Scalar: NetworkScalar> =
    (_ outputs: UnsafeBufferPointer<Scalar>, _ outputGradient: UnsafeMutableBufferPointer<Scalar>) -> Scalar

extension MLP {
    /// L(θ) = loss(f_θ(X)) and ∂L/∂θ, for a parameter vector the caller chooses: the building block
    /// of an inner SGD step θ′ = θ − α∇L(θ) and of an outer loss evaluated at θ′.
    ///
    /// `outputGradientScratch` must hold `batchSize × outputSize` values; it is the buffer handed to `loss`.
    @inlinable
    public func lossAndGradient<Scalar: NetworkScalar>(
        parameters: UnsafeBufferPointer<Scalar>, input: UnsafeBufferPointer<Scalar>, batchSize: Int,
        workspace: MLPWorkspace<Scalar>, outputGradientScratch: UnsafeMutableBufferPointer<Scalar>,
        parameterGradient: UnsafeMutableBufferPointer<Scalar>, accumulate: Bool = false,
        loss: OutputLoss<Scalar>
    ) -> Scalar {
        let outputs = forward(parameters: parameters, input: input, batchSize: batchSize, workspace: workspace)
        let value = loss(outputs, outputGradientScratch)
        backward(parameters: parameters, outputGradient: UnsafeBufferPointer(outputGradientScratch),
                 workspace: workspace, parameterGradient: parameterGradient, accumulate: accumulate,
                 inputGradient: nil)
        return value
    }
}

/// Hessian-vector products H(θ)·v of a scalar objective whose exact gradient is available.
///
/// MURAL's meta-training differentiates through one inner SGD step, θ′ = θ − α∇L_in(θ), so the outer
/// gradient is (I − α∇²L_in(θ)) ∇L_out(θ′) and needs H·v with v = ∇L_out(θ′) (mural-reference.md §1.5).
public enum HessianVectorProduct {
    /// Hv ≈ [∇L(θ + εv) − ∇L(θ − εv)] / 2ε, with truncation error O(ε²‖∇³L‖).
    ///
    /// Run it in `Double`: ε defaults to ∛(ulp(1))·(1 + ‖θ‖∞)/‖v‖∞ ≈ 6·10⁻⁶ relative, which balances
    /// truncation against rounding to about 10⁻¹⁰ relative error; in `Float` the same balance leaves only
    /// about 10⁻⁴. On ReLU networks the product is exact wherever no pre-activation lies within ε of a kink.
    ///
    /// - Parameter gradient: writes ∇L at the given parameters into the given buffer.
    public static func centralDifference<Scalar: NetworkScalar>(
        at parameters: UnsafeBufferPointer<Scalar>, direction: UnsafeBufferPointer<Scalar>,
        into result: UnsafeMutableBufferPointer<Scalar>, step: Scalar? = nil,
        gradient: (_ parameters: UnsafeBufferPointer<Scalar>, _ gradient: UnsafeMutableBufferPointer<Scalar>) -> Void
    ) {
        let n = parameters.count
        precondition(direction.count == n && result.count == n, "θ, v and Hv must have the same length")
        let directionScale = direction.reduce(0) { Swift.max($0, abs($1)) }
        guard directionScale > 0 else {
            result.update(repeating: 0)
            return
        }
        let parameterScale = parameters.reduce(0) { Swift.max($0, abs($1)) }
        let epsilon = step ?? Scalar.exp(Scalar.log(Scalar.ulpOfOne) / 3) * (1 + parameterScale) / directionScale

        let shifted = UnsafeMutableBufferPointer<Scalar>.allocate(capacity: n)
        let backwardGradient = UnsafeMutableBufferPointer<Scalar>.allocate(capacity: n)
        defer { shifted.deallocate(); backwardGradient.deallocate() }

        for i in 0..<n { shifted[i] = parameters[i] + epsilon * direction[i] }
        gradient(UnsafeBufferPointer(shifted), result)
        for i in 0..<n { shifted[i] = parameters[i] - epsilon * direction[i] }
        gradient(UnsafeBufferPointer(shifted), backwardGradient)
        let scale = 1 / (2 * epsilon)
        for i in 0..<n { result[i] = (result[i] - backwardGradient[i]) * scale }
    }
}
