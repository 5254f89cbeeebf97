import Randomness

/// A multilayer perceptron as a pure function of (parameters, input).
///
/// The value holds only the architecture. Parameters live in one flat vector that the caller owns,
/// so a meta-learner can form θ′ = θ − α∇L(θ) and evaluate the network at θ′ without copying layers.
/// Layer l contributes its weight matrix W_l (outputs × inputs, row-major, PyTorch's `nn.Linear` layout)
/// followed by its bias b_l, and computes a_l = σ_l(a_{l−1} W_lᵀ + b_l) on a batch of row vectors.
public struct MLP: Codable, Sendable, Equatable {
    /// Widths from input to output: `[in, h₁, …, out]`.
    public let layerSizes: [Int]
    /// One activation per layer (`layerSizes.count − 1` of them).
    public let activations: [Activation]
    /// Where each layer's weights start in the flat vector; the last entry is the parameter count.
    @usableFromInline let layerOffsets: [Int]

    public init(layerSizes: [Int], activations: [Activation]) {
        precondition(layerSizes.count >= 2, "an MLP needs at least an input and an output width")
        precondition(layerSizes.allSatisfy { $0 > 0 }, "layer widths must be positive, got \(layerSizes)")
        precondition(activations.count == layerSizes.count - 1, "need one activation per layer")
        self.layerSizes = layerSizes
        self.activations = activations
        var offsets = [0]
        for l in 0..<(layerSizes.count - 1) {
            offsets.append(offsets[l] + (layerSizes[l] + 1) * layerSizes[l + 1])
        }
        self.layerOffsets = offsets
    }

    /// The parameter count of an MLP with these layer widths, or nil when a width is not positive or
    /// the count overflows `Int` (for sizes read from files).
    public static func parameterCount(layerSizes: [Int]) -> Int? {
        guard layerSizes.count >= 2, layerSizes.allSatisfy({ $0 > 0 }) else { return nil }
        var total = 0
        for (inputs, outputs) in zip(layerSizes, layerSizes.dropFirst()) {
            let (rows, o1) = inputs.addingReportingOverflow(1)
            let (count, o2) = rows.multipliedReportingOverflow(by: outputs)
            let (sum, o3) = total.addingReportingOverflow(count)
            guard !o1, !o2, !o3 else { return nil }
            total = sum
        }
        return total
    }

    /// `inputSize → hidden… → outputSize`, with `hiddenActivation` after every hidden layer.
    public init(
        inputSize: Int, hiddenSizes: [Int], outputSize: Int,
        hiddenActivation: Activation = .relu, outputActivation: Activation = .identity
    ) {
        self.init(
            layerSizes: [inputSize] + hiddenSizes + [outputSize],
            activations: Array(repeating: hiddenActivation, count: hiddenSizes.count) + [outputActivation])
    }

    public var inputSize: Int { layerSizes[0] }
    public var outputSize: Int { layerSizes[layerSizes.count - 1] }
    public var layerCount: Int { layerSizes.count - 1 }
    public var parameterCount: Int { layerOffsets[layerCount] }

    /// The range of W_l (outputs × inputs, row-major) in the flat parameter vector.
    @inlinable
    public func weightRange(layer l: Int) -> Range<Int> {
        layerOffsets[l]..<(layerOffsets[l] + layerSizes[l] * layerSizes[l + 1])
    }

    /// The range of b_l in the flat parameter vector.
    @inlinable
    public func biasRange(layer l: Int) -> Range<Int> {
        (layerOffsets[l] + layerSizes[l] * layerSizes[l + 1])..<layerOffsets[l + 1]
    }

    /// Floating-point operations of the GEMMs in one forward pass (2·m·n·k each).
    public func forwardFLOPs(batchSize: Int) -> Int {
        (0..<layerCount).reduce(0) { $0 + 2 * batchSize * layerSizes[$1] * layerSizes[$1 + 1] }
    }

    // MARK: Initialisation

    /// PyTorch's `nn.Linear` defaults: W and b both ~ U(−1/√fan_in, 1/√fan_in).
    /// (`kaiming_uniform_(a: √5)` on the weights reduces to exactly this bound.)
    public func initialParameters<Scalar: NetworkScalar>(
        as _: Scalar.Type = Scalar.self, using generator: inout RandomGenerator
    ) -> [Scalar] {
        var parameters = [Scalar](repeating: 0, count: parameterCount)
        for l in 0..<layerCount {
            let bound = 1 / Scalar(layerSizes[l]).squareRoot()
            for i in layerOffsets[l]..<layerOffsets[l + 1] {
                parameters[i] = Scalar(generator.uniform(-Double(bound)...Double(bound)))
            }
        }
        return parameters
    }
}

// MARK: - Forward and backward passes

extension MLP {
    /// Runs the network on `batchSize` input rows and returns a view of the output rows.
    ///
    /// The workspace keeps a copy of the input and every layer's activations for `backward`.
    /// The returned buffer belongs to the workspace and is overwritten by the next pass.
    @inlinable
    @discardableResult
    public func forward<Scalar: NetworkScalar>(
        parameters: UnsafeBufferPointer<Scalar>, input: UnsafeBufferPointer<Scalar>,
        batchSize: Int, workspace: MLPWorkspace<Scalar>
    ) -> UnsafeBufferPointer<Scalar> {
        precondition(parameters.count == parameterCount,
                     "expected \(parameterCount) parameters, got \(parameters.count)")
        precondition(input.count == batchSize * inputSize,
                     "expected \(batchSize)×\(inputSize) inputs, got \(input.count) values")
        workspace.prepare(for: self, batchSize: batchSize)
        _ = UnsafeMutableBufferPointer(rebasing: workspace.input[0..<input.count]).initialize(from: input)

        var previous = UnsafeBufferPointer(rebasing: workspace.input[0..<input.count])
        for l in 0..<layerCount {
            let fanIn = layerSizes[l], fanOut = layerSizes[l + 1]
            let output = UnsafeMutableBufferPointer(rebasing: workspace.activations[l][0..<(batchSize * fanOut)])
            let weights = parameters.baseAddress! + layerOffsets[l]
            let bias = weights + fanIn * fanOut
            for row in 0..<batchSize {
                (output.baseAddress! + row * fanOut).update(from: bias, count: fanOut)
            }
            if batchSize == 1 {
                Scalar.gemv(transpose: false, m: fanOut, n: fanIn, alpha: 1, a: weights, lda: fanIn,
                            x: previous.baseAddress!, beta: 1, y: output.baseAddress!)
            } else {
                Scalar.gemm(transposeA: false, transposeB: true, m: batchSize, n: fanOut, k: fanIn,
                            alpha: 1, a: previous.baseAddress!, lda: fanIn, b: weights, ldb: fanIn,
                            beta: 1, c: output.baseAddress!, ldc: fanOut)
            }
            workspace.gemmFLOPs += 2 * batchSize * fanIn * fanOut
            activations[l].apply(output)
            previous = UnsafeBufferPointer(output)
        }
        return previous
    }

    /// Backpropagates ∂L/∂output through the pass last run on `workspace`.
    ///
    /// - Parameters:
    ///   - outputGradient: ∂L/∂a_L, `batchSize × outputSize` values.
    ///   - parameterGradient: receives ∂L/∂θ in the flat layout, or `nil` when only the input gradient is
    ///     wanted (SAC's policy loss differentiates Q with respect to the action only).
    ///   - accumulate: add into `parameterGradient` instead of overwriting it (meta-batches, twin losses).
    ///   - inputGradient: receives ∂L/∂x, or `nil`.
    @inlinable
    public func backward<Scalar: NetworkScalar>(
        parameters: UnsafeBufferPointer<Scalar>, outputGradient: UnsafeBufferPointer<Scalar>,
        workspace: MLPWorkspace<Scalar>,
        parameterGradient: UnsafeMutableBufferPointer<Scalar>?, accumulate: Bool = false,
        inputGradient: UnsafeMutableBufferPointer<Scalar>?
    ) {
        let batchSize = workspace.batchSize
        precondition(workspace.architecture == self, "workspace last ran a different network")
        precondition(parameters.count == parameterCount, "expected \(parameterCount) parameters")
        precondition(outputGradient.count == batchSize * outputSize,
                     "expected \(batchSize)×\(outputSize) output gradients, got \(outputGradient.count)")
        precondition(parameterGradient.map { $0.count == parameterCount } ?? true,
                     "parameter gradient buffer must hold \(parameterCount) values")
        precondition(inputGradient.map { $0.count == batchSize * inputSize } ?? true,
                     "input gradient buffer must hold \(batchSize)×\(inputSize) values")

        let last = layerCount - 1
        var delta = UnsafeMutableBufferPointer(rebasing: workspace.deltas[last][0..<outputGradient.count])
        _ = delta.initialize(from: outputGradient)
        activations[last].backpropagate(delta, outputs: workspace.output(layer: last))

        for l in stride(from: last, through: 0, by: -1) {
            let fanIn = layerSizes[l], fanOut = layerSizes[l + 1]
            let layerInput = l == 0 ? UnsafeBufferPointer(rebasing: workspace.input[0..<(batchSize * fanIn)])
                                    : workspace.output(layer: l - 1)
            if let gradient = parameterGradient {
                // ∂L/∂W_l = δ_lᵀ a_{l−1};  ∂L/∂b_l = δ_lᵀ 1 (column sums, as a GEMV).
                let weightGradient = gradient.baseAddress! + layerOffsets[l]
                Scalar.gemm(transposeA: true, transposeB: false, m: fanOut, n: fanIn, k: batchSize,
                            alpha: 1, a: delta.baseAddress!, lda: fanOut, b: layerInput.baseAddress!, ldb: fanIn,
                            beta: accumulate ? 1 : 0, c: weightGradient, ldc: fanIn)
                workspace.gemmFLOPs += 2 * batchSize * fanIn * fanOut
                Scalar.gemv(transpose: true, m: batchSize, n: fanOut, alpha: 1, a: delta.baseAddress!, lda: fanOut,
                            x: workspace.ones.baseAddress!, beta: accumulate ? 1 : 0,
                            y: weightGradient + fanIn * fanOut)
            }
            // ∂L/∂a_{l−1} = δ_l W_l, then through σ_{l−1}.
            let target: UnsafeMutableBufferPointer<Scalar>
            if l > 0 {
                target = UnsafeMutableBufferPointer(rebasing: workspace.deltas[l - 1][0..<(batchSize * fanIn)])
            } else if let inputGradient {
                target = inputGradient
            } else {
                break
            }
            Scalar.gemm(transposeA: false, transposeB: false, m: batchSize, n: fanIn, k: fanOut,
                        alpha: 1, a: delta.baseAddress!, lda: fanOut,
                        b: parameters.baseAddress! + layerOffsets[l], ldb: fanIn,
                        beta: 0, c: target.baseAddress!, ldc: fanIn)
            workspace.gemmFLOPs += 2 * batchSize * fanIn * fanOut
            if l > 0 {
                activations[l - 1].backpropagate(target, outputs: workspace.output(layer: l - 1))
                delta = target
            }
        }
    }
}
