import Glibc
import NeuralNet

/// The tanh-squashed Gaussian head of SAC's actor (Haarnoja et al. 2018a, arXiv:1801.01290).
///
/// The network maps s to 2|A| numbers per row: the mean μ, then the raw log σ, which is clipped to
/// `logStdRange`. Actions are reparameterised (eq. 11): u = μ + σ·ε with ε ~ N(0, I), a = tanh(u),
/// and the density carries the change-of-variables correction (Appendix C, eq. 21):
/// log π(a|s) = Σᵢ [log N(εᵢ; 0, 1) − log σᵢ − log(1 − tanh²(uᵢ))].
public struct SquashedGaussianPolicy: Sendable {
    public let actionSize: Int
    public let logStdRange: ClosedRange<Float>

    public init(actionSize: Int, logStdRange: ClosedRange<Float>) {
        precondition(actionSize > 0, "action size must be positive")
        self.actionSize = actionSize
        self.logStdRange = logStdRange
    }

    private static let halfLogTwoPi = 0.5 * logf(2 * Float.pi)
    private static let logTwo = logf(2)

    /// Writes a = tanh(μ + σε) and log π(a|s) for every row of `outputs` (`rows × 2|A|`).
    public func sample(
        outputs: UnsafeBufferPointer<Float>, noise: UnsafeBufferPointer<Float>,
        actions: UnsafeMutableBufferPointer<Float>, logProbabilities: UnsafeMutableBufferPointer<Float>
    ) {
        let rows = logProbabilities.count
        precondition(outputs.count == rows * 2 * actionSize && noise.count == rows * actionSize
                     && actions.count == rows * actionSize, "policy buffers disagree on the batch size")
        for row in 0..<rows {
            var logProbability: Float = 0
            for i in 0..<actionSize {
                let (mean, logStd, _) = head(outputs, row: row, dimension: i)
                let epsilon = noise[row * actionSize + i]
                let u = mean + expf(logStd) * epsilon
                actions[row * actionSize + i] = tanhf(u)
                // log(1 − tanh²u) = 2(log 2 − u − softplus(−2u)): finite even where tanh u rounds to ±1.
                let logJacobian = 2 * (Self.logTwo - u - Float.softplus(-2 * u))
                logProbability += -0.5 * epsilon * epsilon - Self.halfLogTwoPi - logStd - logJacobian
            }
            logProbabilities[row] = logProbability
        }
    }

    /// The evaluation action tanh(μ).
    public func meanAction(outputs: UnsafeBufferPointer<Float>, actions: UnsafeMutableBufferPointer<Float>) {
        let rows = actions.count / actionSize
        for row in 0..<rows {
            for i in 0..<actionSize { actions[row * actionSize + i] = tanhf(head(outputs, row: row, dimension: i).mean) }
        }
    }

    /// Chain rule from (∂L/∂a, ∂L/∂log π) of a reparameterised sample back to ∂L/∂(μ, raw log σ).
    ///
    /// With ε held fixed, ∂a/∂u = 1 − a², ∂log π/∂u = 2 tanh u = 2a (from the correction term),
    /// ∂u/∂μ = 1, ∂u/∂log σ = σε, and log π has a direct ∂/∂log σ of −1. A clipped log σ passes no gradient.
    public func backpropagate(
        outputs: UnsafeBufferPointer<Float>, noise: UnsafeBufferPointer<Float>, actions: UnsafeBufferPointer<Float>,
        actionGradient: UnsafeBufferPointer<Float>, logProbabilityGradient: UnsafeBufferPointer<Float>,
        outputGradient: UnsafeMutableBufferPointer<Float>
    ) {
        let rows = logProbabilityGradient.count
        precondition(outputGradient.count == outputs.count && actionGradient.count == rows * actionSize,
                     "policy gradient buffers disagree on the batch size")
        for row in 0..<rows {
            let gLogProbability = logProbabilityGradient[row]
            for i in 0..<actionSize {
                let k = row * actionSize + i
                let (_, logStd, clipped) = head(outputs, row: row, dimension: i)
                let a = actions[k]
                let gU = actionGradient[k] * (1 - a * a) + gLogProbability * 2 * a
                outputGradient[row * 2 * actionSize + i] = gU
                outputGradient[row * 2 * actionSize + actionSize + i] =
                    clipped ? 0 : gU * expf(logStd) * noise[k] - gLogProbability
            }
        }
    }

    private func head(_ outputs: UnsafeBufferPointer<Float>, row: Int, dimension i: Int)
        -> (mean: Float, logStd: Float, clipped: Bool)
    {
        let raw = outputs[row * 2 * actionSize + actionSize + i]
        let logStd = Swift.min(Swift.max(raw, logStdRange.lowerBound), logStdRange.upperBound)
        return (outputs[row * 2 * actionSize + i], logStd, logStd != raw)
    }
}
