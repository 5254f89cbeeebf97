import NeuralNet
import Randomness
import Testing

@Suite("Second-order support")
struct HessianTests {
    enum Objective { case weightedMSE, binaryCrossEntropy }

    /// A small network and a weighted objective on a small support set, in Double.
    struct Problem {
        let network: MLP
        let batch = 5
        let objective: Objective
        let input: [Double]
        let targets: [Double]
        let weights: [Double]
        let parameters: [Double]

        init(seed: UInt64, objective: Objective = .weightedMSE, hidden: Activation = .tanh) {
            var generator = RandomGenerator(seed: seed)
            self.objective = objective
            network = MLP(layerSizes: [2, 6, 6, objective == .weightedMSE ? 1 : 2], activations: [hidden, .tanh, .identity])
            parameters = network.initialParameters(using: &generator)
            input = randomVector(batch * 2, using: &generator)
            targets = randomVector(batch, in: 0...1, using: &generator)
            weights = randomVector(batch, in: 0.1...1, using: &generator)
        }

        var loss: OutputLossWithCurvature<Double> {
            { [targets, weights, objective] outputs, tangent, gradient, gradientTangent in
                targets.withUnsafeBufferPointer { t in
                    weights.withUnsafeBufferPointer { w in
                        switch objective {
                        case .weightedMSE:
                            return Loss.meanSquaredError(predictions: outputs, targets: t, width: 1, weights: w, gradient: gradient,
                                                         tangent: tangent, gradientTangent: gradientTangent)
                        case .binaryCrossEntropy:
                            return Loss.binarySoftmaxCrossEntropy(logits: outputs, labels: t, weights: w, gradient: gradient,
                                                                  tangent: tangent, gradientTangent: gradientTangent)
                        }
                    }
                }
            }
        }

        var firstOrderLoss: OutputLoss<Double> {
            let loss = self.loss
            return { outputs, gradient in
                let scratch = UnsafeMutableBufferPointer<Double>.allocate(capacity: outputs.count)
                defer { scratch.deallocate() }
                return loss(outputs, outputs, gradient, scratch)
            }
        }

        func value(_ theta: [Double]) -> Double { network.evaluate(theta, input, batchSize: batch, loss: firstOrderLoss).value }
        func gradient(_ theta: [Double]) -> [Double] {
            network.evaluate(theta, input, batchSize: batch, loss: firstOrderLoss).parameterGradient
        }

        /// The exact product by the R-operator, and the gradient it computes on the way.
        func hessianVectorProduct(_ theta: [Double], _ v: [Double]) -> (hv: [Double], gradient: [Double]) {
            var hv = [Double](repeating: .nan, count: theta.count), g = hv
            let workspace = MLPCurvatureWorkspace<Double>(for: network, capacity: 2)
            theta.withUnsafeBufferPointer { p in
                v.withUnsafeBufferPointer { d in
                    input.withUnsafeBufferPointer { x in
                        hv.withUnsafeMutableBufferPointer { r in
                            g.withUnsafeMutableBufferPointer {
                                _ = network.hessianVectorProduct(parameters: p, direction: d, input: x, batchSize: batch,
                                                                 workspace: workspace, result: r, gradient: $0, loss: loss)
                            }
                        }
                    }
                }
            }
            return (hv, g)
        }

        /// Reference: [∇L(θ + εv) − ∇L(θ − εv)] / 2ε.
        func centralDifferenceProduct(_ theta: [Double], _ v: [Double], step: Double = 1e-5) -> [Double] {
            zip(gradient(HessianTests.axpy(step, v, theta)), gradient(HessianTests.axpy(-step, v, theta)))
                .map { ($0 - $1) / (2 * step) }
        }
    }

    static func dot(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }
    static func axpy(_ a: Double, _ x: [Double], _ y: [Double]) -> [Double] { zip(x, y).map { a * $0 + $1 } }

    @Test("R-operator Hv matches central differences of the gradient",
          arguments: [(Objective.weightedMSE, Activation.tanh), (.binaryCrossEntropy, .tanh),
                      (.weightedMSE, .relu), (.binaryCrossEntropy, .identity)])
    func againstGradientDifferences(objective: Objective, hidden: Activation) {
        let problem = Problem(seed: 31, objective: objective, hidden: hidden)
        var generator = RandomGenerator(seed: 32)
        let v = randomVector(problem.parameters.count, using: &generator)
        let (hv, gradient) = problem.hessianVectorProduct(problem.parameters, v)
        let reference = problem.centralDifferenceProduct(problem.parameters, v)
        #expect(maxRelativeError(hv, reference) < 1e-7, "\(objective), hidden \(hidden): Hv disagrees with finite differences")
        #expect(maxRelativeError(gradient, problem.gradient(problem.parameters)) < 1e-13,
                "the gradient returned alongside Hv differs from backward's")
    }

    @Test("uᵀHv matches second differences of the loss value and is symmetric")
    func againstLossSecondDifferences() {
        let problem = Problem(seed: 33, objective: .binaryCrossEntropy)
        var generator = RandomGenerator(seed: 34)
        let u = randomVector(problem.parameters.count, using: &generator)
        let v = randomVector(problem.parameters.count, using: &generator)
        let hv = problem.hessianVectorProduct(problem.parameters, v).hv
        let hu = problem.hessianVectorProduct(problem.parameters, u).hv
        // ∂²L/∂s∂t at (0, 0) of L(θ + s·u + t·v), from four loss values only.
        let h = 1e-4, theta = problem.parameters
        func shifted(_ s: Double, _ t: Double) -> Double { problem.value(Self.axpy(s, u, Self.axpy(t, v, theta))) }
        let mixed = (shifted(h, h) - shifted(h, -h) - shifted(-h, h) + shifted(-h, -h)) / (4 * h * h)
        #expect(abs(Self.dot(u, hv) - mixed) < 1e-5 * max(1, abs(mixed)), "uᵀHv = \(Self.dot(u, hv)), loss differences give \(mixed)")
        #expect(abs(Self.dot(u, hv) - Self.dot(v, hu)) < 1e-12 * max(1, abs(mixed)), "Hessian-vector products are not symmetric")
    }

    @Test("equals the closed-form Hessian of weighted least squares on a linear model")
    func exactForLinearModel() {
        // L = Σᵢ wᵢ(wᵀxᵢ + b − tᵢ)² / Σw, so H = 2 Σᵢ wᵢ x̃ᵢx̃ᵢᵀ / Σw with x̃ = (x, 1).
        let network = MLP(layerSizes: [3, 1], activations: [.identity])
        var generator = RandomGenerator(seed: 41)
        let input = randomVector(12, using: &generator), targets = randomVector(4, using: &generator)
        let weights = randomVector(4, in: 0.2...1, using: &generator)
        let theta = randomVector(4, using: &generator), v = randomVector(4, using: &generator)
        var hv = [Double](repeating: .nan, count: 4)
        theta.withUnsafeBufferPointer { p in
            v.withUnsafeBufferPointer { d in
                input.withUnsafeBufferPointer { x in
                    hv.withUnsafeMutableBufferPointer { r in
                        _ = network.hessianVectorProduct(
                            parameters: p, direction: d, input: x, batchSize: 4,
                            workspace: MLPCurvatureWorkspace(for: network, capacity: 4), result: r
                        ) { y, yDot, g, gDot in
                            targets.withUnsafeBufferPointer { t in
                                weights.withUnsafeBufferPointer { w in
                                    Loss.meanSquaredError(predictions: y, targets: t, width: 1, weights: w, gradient: g,
                                                          tangent: yDot, gradientTangent: gDot)
                                }
                            }
                        }
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
        #expect(maxRelativeError(hv, expected) < 1e-13, "Hv = \(hv), closed form \(expected)")
    }

    @Test("Float and Double products agree")
    func floatPrecision() {
        let problem = Problem(seed: 35, objective: .binaryCrossEntropy)
        var generator = RandomGenerator(seed: 36)
        let v = randomVector(problem.parameters.count, using: &generator)
        let reference = problem.hessianVectorProduct(problem.parameters, v).hv
        var hv = [Float](repeating: .nan, count: v.count)
        let (theta, direction, input) = (problem.parameters.map(Float.init), v.map(Float.init), problem.input.map(Float.init))
        let (labels, weights) = (problem.targets.map(Float.init), problem.weights.map(Float.init))
        theta.withUnsafeBufferPointer { p in
            direction.withUnsafeBufferPointer { d in
                input.withUnsafeBufferPointer { x in
                    hv.withUnsafeMutableBufferPointer { r in
                        _ = problem.network.hessianVectorProduct(
                            parameters: p, direction: d, input: x, batchSize: problem.batch,
                            workspace: MLPCurvatureWorkspace(for: problem.network, capacity: problem.batch), result: r
                        ) { y, yDot, g, gDot in
                            labels.withUnsafeBufferPointer { t in
                                weights.withUnsafeBufferPointer { w in
                                    Loss.binarySoftmaxCrossEntropy(logits: y, labels: t, weights: w, gradient: g,
                                                                   tangent: yDot, gradientTangent: gDot)
                                }
                            }
                        }
                    }
                }
            }
        }
        #expect(maxRelativeError(hv.map(Double.init), reference) < 1e-5, "Float Hv drifts from Double")
    }

    @Test("the meta-gradient through one SGD step, (I − αH)∇L_out(θ′), matches finite differences")
    func metaGradient() {
        // F(θ) = L_out(θ − α∇L_in(θ)): MURAL's outer objective after a one-step inner adaptation.
        let inner = Problem(seed: 51, objective: .binaryCrossEntropy), outer = Problem(seed: 52, objective: .binaryCrossEntropy)
        let alpha = 0.5, theta = inner.parameters
        func adapted(_ theta: [Double]) -> [Double] { Self.axpy(-alpha, inner.gradient(theta), theta) }
        let outerGradient = outer.gradient(adapted(theta))
        let metaGradient = Self.axpy(-alpha, inner.hessianVectorProduct(theta, outerGradient).hv, outerGradient)
        let numeric = numericalGradient(of: { outer.value(adapted($0)) }, at: theta, step: 1e-5)
        #expect(maxRelativeError(metaGradient, numeric) < 1e-7, "second-order meta-gradient disagrees with finite differences")
        let firstOrderError = maxRelativeError(outerGradient, numeric)
        #expect(firstOrderError > 1e-3, "the problem should tell first- from second-order gradients (error \(firstOrderError))")
    }
}
