import Testing
import NeuralNet

@Suite("Second-order support")
struct HessianTests {
    /// A smooth network and a weighted MSE objective on a small support set, all in Double.
    struct Problem {
        let network = MLP(layerSizes: [2, 6, 6, 1], activations: [.tanh, .tanh, .identity])
        let batch = 5
        let input: [Double]
        let targets: [Double]
        let weights: [Double]
        let parameters: [Double]

        init(seed: UInt64) {
            var generator = SeededGenerator(seed: seed)
            parameters = network.initialParameters(using: &generator)
            input = randomVector(batch * 2, using: &generator)
            targets = randomVector(batch, using: &generator)
            weights = randomVector(batch, in: 0.1...1, using: &generator)
        }

        var loss: OutputLoss<Double> {
            { [targets, weights] outputs, gradient in
                targets.withUnsafeBufferPointer { t in
                    weights.withUnsafeBufferPointer { w in
                        Loss.meanSquaredError(predictions: outputs, targets: t, width: 1, weights: w, gradient: gradient)
                    }
                }
            }
        }

        func value(_ theta: [Double]) -> Double { network.evaluate(theta, input, batchSize: batch, loss: loss).value }
        func gradient(_ theta: [Double]) -> [Double] { network.evaluate(theta, input, batchSize: batch, loss: loss).parameterGradient }

        func hessianVectorProduct(_ theta: [Double], _ v: [Double]) -> [Double] {
            var result = [Double](repeating: .nan, count: theta.count)
            theta.withUnsafeBufferPointer { p in
                v.withUnsafeBufferPointer { d in
                    result.withUnsafeMutableBufferPointer { r in
                        HessianVectorProduct.centralDifference(at: p, direction: d, into: r) { at, g in
                            let computed = gradient(Array(at))
                            for i in computed.indices { g[i] = computed[i] }
                        }
                    }
                }
            }
            return result
        }
    }

    static func dot(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }
    static func axpy(_ a: Double, _ x: [Double], _ y: [Double]) -> [Double] { zip(x, y).map { a * $0 + $1 } }

    @Test("uᵀHv matches second differences of the loss value and is symmetric")
    func againstLossSecondDifferences() {
        let problem = Problem(seed: 31)
        var generator = SeededGenerator(seed: 32)
        let u = randomVector(problem.parameters.count, using: &generator)
        let v = randomVector(problem.parameters.count, using: &generator)
        let hv = problem.hessianVectorProduct(problem.parameters, v)
        let hu = problem.hessianVectorProduct(problem.parameters, u)
        // ∂²L/∂a∂b along u, v from four loss values only (no gradients involved).
        let h = 1e-4, theta = problem.parameters
        let mixed = (problem.value(Self.axpy(h, u, Self.axpy(h, v, theta))) - problem.value(Self.axpy(h, u, Self.axpy(-h, v, theta)))
                     - problem.value(Self.axpy(-h, u, Self.axpy(h, v, theta))) + problem.value(Self.axpy(-h, u, Self.axpy(-h, v, theta))))
                    / (4 * h * h)
        #expect(abs(Self.dot(u, hv) - mixed) < 1e-5 * max(1, abs(mixed)), "uᵀHv = \(Self.dot(u, hv)), loss differences give \(mixed)")
        #expect(abs(Self.dot(u, hv) - Self.dot(v, hu)) < 1e-8 * max(1, abs(mixed)), "Hessian-vector products are not symmetric")
    }

    @Test("equals the exact Hessian of weighted least squares on a linear model")
    func exactForLinearModel() {
        // L = Σᵢ wᵢ(wᵀxᵢ + b − tᵢ)² / Σw, so H = 2 Σᵢ wᵢ x̃ᵢx̃ᵢᵀ / Σw with x̃ = (x, 1).
        let network = MLP(layerSizes: [3, 1], activations: [.identity])
        var generator = SeededGenerator(seed: 41)
        let input = randomVector(12, using: &generator), targets = randomVector(4, using: &generator)
        let weights = randomVector(4, in: 0.2...1, using: &generator)
        let theta = randomVector(4, using: &generator), v = randomVector(4, using: &generator)
        let loss: OutputLoss<Double> = { outputs, gradient in
            targets.withUnsafeBufferPointer { t in
                weights.withUnsafeBufferPointer { w in
                    Loss.meanSquaredError(predictions: outputs, targets: t, width: 1, weights: w, gradient: gradient)
                }
            }
        }
        var hv = [Double](repeating: .nan, count: 4)
        theta.withUnsafeBufferPointer { p in
            v.withUnsafeBufferPointer { d in
                hv.withUnsafeMutableBufferPointer { r in
                    HessianVectorProduct.centralDifference(at: p, direction: d, into: r) { at, g in
                        let computed = network.evaluate(Array(at), input, batchSize: 4, loss: loss).parameterGradient
                        for i in computed.indices { g[i] = computed[i] }
                    }
                }
            }
        }
        var expected = [Double](repeating: 0, count: 4)
        let totalWeight = weights.reduce(0, +)
        for row in 0..<4 {
            let x = Array(input[(3 * row)..<(3 * row + 3)]) + [1]
            let projection = Self.dot(x, v)
            for i in 0..<4 { expected[i] += 2 * weights[row] * x[i] * projection / totalWeight }
        }
        #expect(maxRelativeError(hv, expected) < 1e-8, "Hv = \(hv), exact \(expected)")
    }

    @Test("the meta-gradient through one SGD step, (I − αH)∇L_out(θ′), matches finite differences")
    func metaGradient() {
        // F(θ) = L_out(θ − α∇L_in(θ)): MURAL's outer objective with a one-step inner adaptation.
        let inner = Problem(seed: 51), outer = Problem(seed: 52)
        let alpha = 0.3, theta = inner.parameters
        func adapted(_ theta: [Double]) -> [Double] { Self.axpy(-alpha, inner.gradient(theta), theta) }
        let outerGradient = outer.gradient(adapted(theta))
        let metaGradient = Self.axpy(-alpha, inner.hessianVectorProduct(theta, outerGradient), outerGradient)
        let numeric = numericalGradient(of: { outer.value(adapted($0)) }, at: theta, step: 1e-5)
        #expect(maxRelativeError(metaGradient, numeric) < 1e-6, "second-order meta-gradient disagrees with finite differences")
        let firstOrderError = maxRelativeError(outerGradient, numeric)
        #expect(firstOrderError > 1e-4, "the test problem should distinguish first- from second-order (error \(firstOrderError))")
    }
}
