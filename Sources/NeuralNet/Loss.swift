/// Losses over a batch of rows, each returning L and (optionally) writing ∂L/∂prediction.
///
/// With per-example weights w_i every loss is the weighted mean L = Σ w_i ℓ_i / Σ w_i, the form MURAL's
/// meta-NML uses in both its inner and outer loops (mural-reference.md §1.2). Without weights, w_i = 1.
///
/// Given a direction ẏ (`tangent`), each loss also writes its curvature (∂²L/∂y²)·ẏ into
/// `gradientTangent`, which is what `MLP.hessianVectorProduct` needs at the output.
public enum Loss {
    /// ℓ_i = (1/K) Σ_k (p_ik − t_ik)²; unweighted, this is PyTorch's `MSELoss(reduction: "mean")`.
    @inlinable
    public static func meanSquaredError<Scalar: NetworkScalar>(
        predictions: UnsafeBufferPointer<Scalar>, targets: UnsafeBufferPointer<Scalar>, width: Int,
        weights: UnsafeBufferPointer<Scalar>? = nil, gradient: UnsafeMutableBufferPointer<Scalar>? = nil,
        tangent: UnsafeBufferPointer<Scalar>? = nil, gradientTangent: UnsafeMutableBufferPointer<Scalar>? = nil
    ) -> Scalar {
        precondition(predictions.count == targets.count, "predictions and targets differ in size")
        let rows = checkedRowCount(predictions.count, width: width, weights: weights, gradient: gradient,
                                   tangent: tangent, gradientTangent: gradientTangent)
        let normaliser = 1 / (weightSum(weights, rows: rows) * Scalar(width))
        var total: Scalar = 0
        for i in 0..<rows {
            let w = weights?[i] ?? 1
            for k in (i * width)..<((i + 1) * width) {
                let error = predictions[k] - targets[k]
                total += w * error * error
                gradient?[k] = 2 * w * normaliser * error
                if let tangent { gradientTangent![k] = 2 * w * normaliser * tangent[k] }
            }
        }
        return total * normaliser
    }

    /// Softmax cross-entropy against soft target rows: ℓ_i = −Σ_k t_ik log softmax(z_i)_k.
    /// Targets need not sum to one; ∂ℓ_i/∂z_ik = p_ik Σ_j t_ij − t_ik, and the curvature along ż_i is
    /// (Σ_j t_ij)·p_i ⊙ (ż_i − p_iᵀż_i).
    @inlinable
    public static func softmaxCrossEntropy<Scalar: NetworkScalar>(
        logits: UnsafeBufferPointer<Scalar>, targets: UnsafeBufferPointer<Scalar>, classCount: Int,
        weights: UnsafeBufferPointer<Scalar>? = nil, gradient: UnsafeMutableBufferPointer<Scalar>? = nil,
        tangent: UnsafeBufferPointer<Scalar>? = nil, gradientTangent: UnsafeMutableBufferPointer<Scalar>? = nil
    ) -> Scalar {
        precondition(logits.count == targets.count, "logits and targets differ in size")
        return softmaxCrossEntropy(
            logits: logits, classCount: classCount, weights: weights, gradient: gradient,
            tangent: tangent, gradientTangent: gradientTangent
        ) { row, k in targets[row * classCount + k] }
    }

    /// The two-logit form MURAL's classifier uses: ℓ_i = −[(1 − t_i) log p_i0 + t_i log p_i1] with
    /// p_i = softmax(z_i0, z_i1) and a soft label t_i ∈ [0, 1] (`maml/meta_nml.py` `BinaryCrossEntropy`).
    @inlinable
    public static func binarySoftmaxCrossEntropy<Scalar: NetworkScalar>(
        logits: UnsafeBufferPointer<Scalar>, labels: UnsafeBufferPointer<Scalar>,
        weights: UnsafeBufferPointer<Scalar>? = nil, gradient: UnsafeMutableBufferPointer<Scalar>? = nil,
        tangent: UnsafeBufferPointer<Scalar>? = nil, gradientTangent: UnsafeMutableBufferPointer<Scalar>? = nil
    ) -> Scalar {
        precondition(logits.count == 2 * labels.count, "need two logits per label")
        return softmaxCrossEntropy(
            logits: logits, classCount: 2, weights: weights, gradient: gradient,
            tangent: tangent, gradientTangent: gradientTangent
        ) { row, k in k == 1 ? labels[row] : 1 - labels[row] }
    }

    @inlinable
    static func softmaxCrossEntropy<Scalar: NetworkScalar>(
        logits: UnsafeBufferPointer<Scalar>, classCount: Int,
        weights: UnsafeBufferPointer<Scalar>?, gradient: UnsafeMutableBufferPointer<Scalar>?,
        tangent: UnsafeBufferPointer<Scalar>?, gradientTangent: UnsafeMutableBufferPointer<Scalar>?,
        target: (_ row: Int, _ class: Int) -> Scalar
    ) -> Scalar {
        let rows = checkedRowCount(logits.count, width: classCount, weights: weights, gradient: gradient,
                                   tangent: tangent, gradientTangent: gradientTangent)
        let normaliser = 1 / weightSum(weights, rows: rows)
        var total: Scalar = 0
        for i in 0..<rows {
            let z = UnsafeBufferPointer(rebasing: logits[(i * classCount)..<((i + 1) * classCount)])
            // log softmax(z)_k = z_k − (m + log Σ_j exp(z_j − m)), stable for any logit range.
            let m = z.max()!
            var sumExp: Scalar = 0
            for k in 0..<classCount { sumExp += Scalar.exp(z[k] - m) }
            let logPartition = m + Scalar.log(sumExp)
            var rowLoss: Scalar = 0, targetMass: Scalar = 0
            for k in 0..<classCount {
                let t = target(i, k)
                rowLoss -= t * (z[k] - logPartition)
                targetMass += t
            }
            let w = weights?[i] ?? 1
            total += w * rowLoss
            if let gradient {
                for k in 0..<classCount {
                    let p = Scalar.exp(z[k] - logPartition)
                    gradient[i * classCount + k] = w * normaliser * (p * targetMass - target(i, k))
                }
            }
            if let tangent, let gradientTangent {
                let offset = i * classCount
                var projection: Scalar = 0
                for k in 0..<classCount { projection += Scalar.exp(z[k] - logPartition) * tangent[offset + k] }
                for k in 0..<classCount {
                    let p = Scalar.exp(z[k] - logPartition)
                    gradientTangent[offset + k] = w * normaliser * targetMass * p * (tangent[offset + k] - projection)
                }
            }
        }
        return total * normaliser
    }

    @inlinable
    static func checkedRowCount<Scalar>(
        _ count: Int, width: Int, weights: UnsafeBufferPointer<Scalar>?,
        gradient: UnsafeMutableBufferPointer<Scalar>?,
        tangent: UnsafeBufferPointer<Scalar>?, gradientTangent: UnsafeMutableBufferPointer<Scalar>?
    ) -> Int {
        precondition(width > 0 && count % width == 0, "\(count) values do not form rows of width \(width)")
        let rows = count / width
        precondition(rows > 0, "a loss needs at least one row")
        precondition(weights.map { $0.count == rows } ?? true, "need one weight per row (\(rows))")
        precondition(gradient.map { $0.count == count } ?? true, "gradient buffer must match predictions")
        precondition((tangent == nil) == (gradientTangent == nil), "pass both a tangent and a buffer for its curvature")
        precondition(tangent.map { $0.count == count } ?? true, "tangent must match predictions")
        precondition(gradientTangent.map { $0.count == count } ?? true, "curvature buffer must match predictions")
        return rows
    }

    @inlinable
    static func weightSum<Scalar: NetworkScalar>(_ weights: UnsafeBufferPointer<Scalar>?, rows: Int) -> Scalar {
        guard let weights else { return Scalar(rows) }
        let sum = weights.reduce(0, +)
        precondition(sum > 0, "per-example weights must have a positive sum")
        return sum
    }
}
