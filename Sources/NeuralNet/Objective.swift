/// A scalar loss of the network's outputs: returns L and writes ∂L/∂outputs into the second buffer.
public typealias OutputLoss<Scalar: NetworkScalar> =
    (_ outputs: UnsafeBufferPointer<Scalar>, _ outputGradient: UnsafeMutableBufferPointer<Scalar>) -> Scalar

/// A loss that also reports its curvature along a direction ẏ of the outputs: returns L, writes ∂L/∂y
/// into `outputGradient` and (∂²L/∂y²)·ẏ into `outputGradientTangent`. The `Loss` functions provide both.
public typealias OutputLossWithCurvature<Scalar: NetworkScalar> = (
    _ outputs: UnsafeBufferPointer<Scalar>, _ outputTangent: UnsafeBufferPointer<Scalar>,
    _ outputGradient: UnsafeMutableBufferPointer<Scalar>, _ outputGradientTangent: UnsafeMutableBufferPointer<Scalar>
) -> Scalar

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

