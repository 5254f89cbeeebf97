/// Scratch memory for `MLP.hessianVectorProduct`: a forward-pass workspace plus the directional
/// derivatives (R-operator images) of every layer's pre-activations, activations and gradients.
public final class MLPCurvatureWorkspace<Scalar: NetworkScalar> {
    public let pass: MLPWorkspace<Scalar>
    public private(set) var capacity: Int
    /// Per layer l: ż_l, ȧ_l, ∂L/∂a_l (then δ_l), and its tangent (then δ̇_l); each `capacity × width_l`.
    @usableFromInline var preActivationTangents: [UnsafeMutableBufferPointer<Scalar>] = []
    @usableFromInline var activationTangents: [UnsafeMutableBufferPointer<Scalar>] = []
    @usableFromInline var gradients: [UnsafeMutableBufferPointer<Scalar>] = []
    @usableFromInline var gradientTangents: [UnsafeMutableBufferPointer<Scalar>] = []

    public init(for architecture: MLP, capacity: Int) {
        pass = MLPWorkspace(for: architecture, capacity: capacity)
        self.capacity = capacity
        allocate()
    }

    deinit { release() }

    private func allocate() {
        let widths = pass.architecture.layerSizes.dropFirst()
        preActivationTangents = widths.map { .allocate(capacity: capacity * $0) }
        activationTangents = widths.map { .allocate(capacity: capacity * $0) }
        gradients = widths.map { .allocate(capacity: capacity * $0) }
        gradientTangents = widths.map { .allocate(capacity: capacity * $0) }
    }

    private func release() {
        for buffer in preActivationTangents + activationTangents + gradients + gradientTangents { buffer.deallocate() }
    }

    @usableFromInline
    func reserve(batchSize: Int) {
        guard batchSize > capacity else { return }
        release()
        capacity = batchSize
        allocate()
    }

    @usableFromInline
    func rows(_ buffers: [UnsafeMutableBufferPointer<Scalar>], layer l: Int, batchSize: Int) -> UnsafeMutableBufferPointer<Scalar> {
        UnsafeMutableBufferPointer(rebasing: buffers[l][0..<(batchSize * pass.architecture.layerSizes[l + 1])])
    }
}

extension MLP {
    /// The exact Hessian-vector product H·v of L(θ) = loss(f_θ(X)), by Pearlmutter's R-operator
    /// ("Fast exact multiplication by the Hessian", Neural Computation 1994): one forward pass carrying
    /// the directional derivatives along v, then one backward pass carrying theirs.
    ///
    /// MURAL's meta-training differentiates through one inner SGD step θ′ = θ − α∇L_in(θ), so its outer
    /// gradient is (I − α∇²L_in(θ))·∇L_out(θ′): this product with v = ∇L_out(θ′) (mural-reference.md §1.5).
    /// Costs about two gradient evaluations, all on BLAS, and is exact up to rounding (ReLU's σ″ is taken
    /// as 0, as every autodiff framework does).
    ///
    /// - Parameters:
    ///   - direction: v, in the flat parameter layout.
    ///   - result: receives H·v.
    ///   - gradient: if given, also receives ∇L(θ), which the pass computes anyway.
    /// - Returns: L(θ).
    @inlinable
    @discardableResult
    public func hessianVectorProduct<Scalar: NetworkScalar>(
        parameters: UnsafeBufferPointer<Scalar>, direction: UnsafeBufferPointer<Scalar>,
        input: UnsafeBufferPointer<Scalar>, batchSize: Int, workspace: MLPCurvatureWorkspace<Scalar>,
        result: UnsafeMutableBufferPointer<Scalar>, gradient: UnsafeMutableBufferPointer<Scalar>? = nil,
        loss: OutputLossWithCurvature<Scalar>
    ) -> Scalar {
        precondition(direction.count == parameterCount && result.count == parameterCount,
                     "direction and result must hold \(parameterCount) values")
        precondition(gradient.map { $0.count == parameterCount } ?? true, "gradient must hold \(parameterCount) values")
        let w = workspace, n = batchSize
        forward(parameters: parameters, input: input, batchSize: n, workspace: w.pass)
        w.reserve(batchSize: n)
        let x = UnsafeBufferPointer(rebasing: w.pass.input[0..<(n * inputSize)])
        func layerInput(_ l: Int) -> UnsafeBufferPointer<Scalar> { l == 0 ? x : w.pass.output(layer: l - 1) }

        // R-forward: ż_l = ȧ_{l−1} W_lᵀ + a_{l−1} V_lᵀ + v_b,  ȧ_l = σ′(z_l) ⊙ ż_l,  with ȧ_{−1} = 0.
        for l in 0..<layerCount {
            let fanIn = layerSizes[l], fanOut = layerSizes[l + 1]
            let zDot = w.rows(w.preActivationTangents, layer: l, batchSize: n)
            let weightDirection = direction.baseAddress! + layerOffsets[l]
            for row in 0..<n {
                (zDot.baseAddress! + row * fanOut).update(from: weightDirection + fanIn * fanOut, count: fanOut)
            }
            Scalar.gemm(transposeA: false, transposeB: true, m: n, n: fanOut, k: fanIn, alpha: 1,
                        a: layerInput(l).baseAddress!, lda: fanIn, b: weightDirection, ldb: fanIn,
                        beta: 1, c: zDot.baseAddress!, ldc: fanOut)
            if l > 0 {
                Scalar.gemm(transposeA: false, transposeB: true, m: n, n: fanOut, k: fanIn, alpha: 1,
                            a: w.rows(w.activationTangents, layer: l - 1, batchSize: n).baseAddress!, lda: fanIn,
                            b: parameters.baseAddress! + layerOffsets[l], ldb: fanIn,
                            beta: 1, c: zDot.baseAddress!, ldc: fanOut)
            }
            let aDot = w.rows(w.activationTangents, layer: l, batchSize: n)
            _ = aDot.initialize(from: zDot)
            activations[l].backpropagate(aDot, outputs: w.pass.output(layer: l))
        }

        let last = layerCount - 1
        let value = loss(w.pass.output(layer: last), UnsafeBufferPointer(w.rows(w.activationTangents, layer: last, batchSize: n)),
                         w.rows(w.gradients, layer: last, batchSize: n), w.rows(w.gradientTangents, layer: last, batchSize: n))

        // R-backward. Entering layer l, gradients[l] = ∂L/∂a_l and gradientTangents[l] = its R-image.
        for l in stride(from: last, through: 0, by: -1) {
            let fanIn = layerSizes[l], fanOut = layerSizes[l + 1]
            let outputs = w.pass.output(layer: l)
            let delta = w.rows(w.gradients, layer: l, batchSize: n)
            let deltaDot = w.rows(w.gradientTangents, layer: l, batchSize: n)
            // δ̇_l = ġ ⊙ σ′ + g ⊙ σ″ ⊙ ż_l (needs g, so before δ_l = g ⊙ σ′ overwrites it).
            activations[l].backpropagateTangent(
                deltaDot, gradient: UnsafeBufferPointer(delta),
                preActivationTangent: UnsafeBufferPointer(w.rows(w.preActivationTangents, layer: l, batchSize: n)),
                outputs: outputs)
            activations[l].backpropagate(delta, outputs: outputs)

            // R{∂L/∂W_l} = δ̇_lᵀ a_{l−1} + δ_lᵀ ȧ_{l−1};  R{∂L/∂b_l} = δ̇_lᵀ 1.
            let resultWeights = result.baseAddress! + layerOffsets[l]
            Scalar.gemm(transposeA: true, transposeB: false, m: fanOut, n: fanIn, k: n, alpha: 1,
                        a: deltaDot.baseAddress!, lda: fanOut, b: layerInput(l).baseAddress!, ldb: fanIn,
                        beta: 0, c: resultWeights, ldc: fanIn)
            if l > 0 {
                Scalar.gemm(transposeA: true, transposeB: false, m: fanOut, n: fanIn, k: n, alpha: 1,
                            a: delta.baseAddress!, lda: fanOut,
                            b: w.rows(w.activationTangents, layer: l - 1, batchSize: n).baseAddress!, ldb: fanIn,
                            beta: 1, c: resultWeights, ldc: fanIn)
            }
            Scalar.gemv(transpose: true, m: n, n: fanOut, alpha: 1, a: deltaDot.baseAddress!, lda: fanOut,
                        x: w.pass.ones.baseAddress!, beta: 0, y: resultWeights + fanIn * fanOut)
            if let gradient {
                let gradientWeights = gradient.baseAddress! + layerOffsets[l]
                Scalar.gemm(transposeA: true, transposeB: false, m: fanOut, n: fanIn, k: n, alpha: 1,
                            a: delta.baseAddress!, lda: fanOut, b: layerInput(l).baseAddress!, ldb: fanIn,
                            beta: 0, c: gradientWeights, ldc: fanIn)
                Scalar.gemv(transpose: true, m: n, n: fanOut, alpha: 1, a: delta.baseAddress!, lda: fanOut,
                            x: w.pass.ones.baseAddress!, beta: 0, y: gradientWeights + fanIn * fanOut)
            }
            guard l > 0 else { break }
            // ∂L/∂a_{l−1} = δ_l W_l;  its R-image = δ̇_l W_l + δ_l V_l.
            let weights = parameters.baseAddress! + layerOffsets[l], weightDirection = direction.baseAddress! + layerOffsets[l]
            let previousGradient = w.rows(w.gradients, layer: l - 1, batchSize: n)
            let previousTangent = w.rows(w.gradientTangents, layer: l - 1, batchSize: n)
            Scalar.gemm(transposeA: false, transposeB: false, m: n, n: fanIn, k: fanOut, alpha: 1,
                        a: delta.baseAddress!, lda: fanOut, b: weights, ldb: fanIn,
                        beta: 0, c: previousGradient.baseAddress!, ldc: fanIn)
            Scalar.gemm(transposeA: false, transposeB: false, m: n, n: fanIn, k: fanOut, alpha: 1,
                        a: deltaDot.baseAddress!, lda: fanOut, b: weights, ldb: fanIn,
                        beta: 0, c: previousTangent.baseAddress!, ldc: fanIn)
            Scalar.gemm(transposeA: false, transposeB: false, m: n, n: fanIn, k: fanOut, alpha: 1,
                        a: delta.baseAddress!, lda: fanOut, b: weightDirection, ldb: fanIn,
                        beta: 1, c: previousTangent.baseAddress!, ldc: fanIn)
        }
        return value
    }
}
