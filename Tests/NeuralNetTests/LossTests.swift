import Foundation
import NeuralNet
import Randomness
import Testing

@Suite("Losses")
struct LossTests {
    typealias DoubleLoss = (_ predictions: [Double], _ gradient: inout [Double]) -> Double

    /// Checks a loss's gradient against central differences of its value.
    static func checkGradient(_ name: String, at predictions: [Double], _ loss: DoubleLoss) {
        var gradient = [Double](repeating: .nan, count: predictions.count)
        _ = loss(predictions, &gradient)
        var scratch = gradient
        let numeric = numericalGradient(of: { loss($0, &scratch) }, at: predictions)
        #expect(maxRelativeError(gradient, numeric) < 1e-7, "\(name): gradient disagrees with finite differences")
    }

    static func mse(targets: [Double], width: Int, weights: [Double]?) -> DoubleLoss {
        { predictions, gradient in
            predictions.withUnsafeBufferPointer { p in
                targets.withUnsafeBufferPointer { t in
                    gradient.withUnsafeMutableBufferPointer { g in
                        if let weights {
                            return weights.withUnsafeBufferPointer {
                                Loss.meanSquaredError(predictions: p, targets: t, width: width, weights: $0, gradient: g)
                            }
                        }
                        return Loss.meanSquaredError(predictions: p, targets: t, width: width, gradient: g)
                    }
                }
            }
        }
    }

    static func crossEntropy(targets: [Double], classes: Int, weights: [Double]?) -> DoubleLoss {
        { logits, gradient in
            logits.withUnsafeBufferPointer { z in
                targets.withUnsafeBufferPointer { t in
                    gradient.withUnsafeMutableBufferPointer { g in
                        weights.withUnsafeBufferPointerIfPresent {
                            Loss.softmaxCrossEntropy(logits: z, targets: t, classCount: classes, weights: $0, gradient: g)
                        }
                    }
                }
            }
        }
    }

    static func binary(labels: [Double], weights: [Double]?) -> DoubleLoss {
        { logits, gradient in
            logits.withUnsafeBufferPointer { z in
                labels.withUnsafeBufferPointer { t in
                    gradient.withUnsafeMutableBufferPointer { g in
                        weights.withUnsafeBufferPointerIfPresent {
                            Loss.binarySoftmaxCrossEntropy(logits: z, labels: t, weights: $0, gradient: g)
                        }
                    }
                }
            }
        }
    }

    @Test("MSE: value is the weighted mean Σwℓ/Σw, gradient matches finite differences")
    func meanSquaredError() {
        let predictions: [Double] = [1, 2, 0.5, -1]
        let targets: [Double] = [0, 2, 1.5, 1]
        var gradient = [Double](repeating: 0, count: 4)
        // Rows of width 2: ℓ₀ = (1 + 0)/2 = 0.5, ℓ₁ = (1 + 4)/2 = 2.5.
        #expect(Self.mse(targets: targets, width: 2, weights: nil)(predictions, &gradient) == 1.5)
        #expect(Self.mse(targets: targets, width: 2, weights: [3, 1])(predictions, &gradient) == (3 * 0.5 + 2.5) / 4)
        Self.checkGradient("MSE", at: predictions, Self.mse(targets: targets, width: 2, weights: nil))
        Self.checkGradient("weighted MSE", at: predictions, Self.mse(targets: targets, width: 1, weights: [0.1, 2, 0, 1]))
    }

    @Test("soft-target cross-entropy: value, weighting and gradient")
    func softmaxCrossEntropy() {
        var generator = RandomGenerator(seed: 4)
        let logits = randomVector(12, in: -3...3, using: &generator)
        let targets = randomVector(12, in: 0...1, using: &generator)
        let weights = randomVector(4, in: 0.1...2, using: &generator)
        var gradient = [Double](repeating: 0, count: 12)
        let value = Self.crossEntropy(targets: targets, classes: 3, weights: weights)(logits, &gradient)
        var expected = 0.0
        for row in 0..<4 {
            let z = logits[(3 * row)..<(3 * row + 3)]
            let logPartition = log(z.map { exp($0) }.reduce(0, +))
            expected += weights[row] * (0..<3).reduce(0) { $0 - targets[3 * row + $1] * (z[3 * row + $1] - logPartition) }
        }
        expected /= weights.reduce(0, +)
        #expect(abs(value - expected) < 1e-12, "weighted cross-entropy \(value), expected \(expected)")
        Self.checkGradient("cross-entropy", at: logits, Self.crossEntropy(targets: targets, classes: 3, weights: weights))
        Self.checkGradient("unweighted cross-entropy", at: logits, Self.crossEntropy(targets: targets, classes: 3, weights: nil))
    }

    @Test("two-logit form equals the general form with targets (1 − t, t), and stays finite at extreme logits")
    func binaryForm() {
        let logits: [Double] = [0.3, -1.2, 2, 2, -40, 60]
        let labels: [Double] = [0.25, 1, 0]
        let weights: [Double] = [1, 0.5, 2]
        var g1 = [Double](repeating: 0, count: 6), g2 = g1
        let binary = Self.binary(labels: labels, weights: weights)(logits, &g1)
        let general = Self.crossEntropy(targets: labels.flatMap { [1 - $0, $0] }, classes: 2, weights: weights)(logits, &g2)
        #expect(abs(binary - general) < 1e-14 && maxRelativeError(g1, g2) < 1e-14, "binary and general forms differ")
        #expect(binary.isFinite && g1.allSatisfy { $0.isFinite }, "saturated logits produced a non-finite loss")
        // Row 3 is confidently wrong by 100 nats: ℓ ≈ 100, weighted by 2 of Σw = 3.5.
        #expect(abs(binary - (2 * 100 + (1 * Self.rowLoss(0.3, -1.2, 0.25) + 0.5 * Self.rowLoss(2, 2, 1))) / 3.5) < 1e-9)
        Self.checkGradient("binary cross-entropy", at: [0.3, -1.2, 2, 2, -4, 6], Self.binary(labels: labels, weights: weights))
    }

    static func rowLoss(_ z0: Double, _ z1: Double, _ t: Double) -> Double {
        let logPartition = log(exp(z0) + exp(z1))
        return -((1 - t) * (z0 - logPartition) + t * (z1 - logPartition))
    }
}

extension Optional where Wrapped == [Double] {
    func withUnsafeBufferPointerIfPresent<R>(_ body: (UnsafeBufferPointer<Double>?) -> R) -> R {
        switch self {
        case .some(let array): return array.withUnsafeBufferPointer { body($0) }
        case .none: return body(nil)
        }
    }
}

