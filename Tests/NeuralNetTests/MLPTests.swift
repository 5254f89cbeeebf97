import NeuralNet
import Randomness
import Testing

@Suite("MLP forward and backward")
struct MLPTests {
    /// A loss that weights each output by a fixed coefficient: isolates the network's own backward pass.
    static func linearLoss(_ coefficients: [Double]) -> OutputLoss<Double> {
        { outputs, gradient in
            for i in outputs.indices { gradient[i] = coefficients[i] }
            return zip(outputs, coefficients).reduce(0) { $0 + $1.0 * $1.1 }
        }
    }

    @Test("backward matches finite differences for every activation", arguments: Activation.allCases)
    func gradientCheck(hidden: Activation) {
        var generator = RandomGenerator(seed: 11)
        let network = MLP(layerSizes: [3, 5, 4, 2], activations: [hidden, .tanh, .identity])
        let batch = 4
        let parameters: [Double] = network.initialParameters(using: &generator)
        let input = randomVector(batch * 3, using: &generator)
        let loss = Self.linearLoss(randomVector(batch * 2, using: &generator))

        let analytic = network.evaluate(parameters, input, batchSize: batch, loss: loss)
        let numericParameters = numericalGradient(of: { network.evaluate($0, input, batchSize: batch, loss: loss).value },
                                                  at: parameters)
        let numericInput = numericalGradient(of: { network.evaluate(parameters, $0, batchSize: batch, loss: loss).value },
                                             at: input)
        #expect(maxRelativeError(analytic.parameterGradient, numericParameters) < 1e-6,
                "∂L/∂θ disagrees with finite differences (hidden \(hidden))")
        #expect(maxRelativeError(analytic.inputGradient, numericInput) < 1e-6,
                "∂L/∂x disagrees with finite differences (hidden \(hidden))")
    }

    @Test("accumulating gradients adds to the buffer instead of overwriting it")
    func accumulation() {
        var generator = RandomGenerator(seed: 3)
        let network = MLP(inputSize: 2, hiddenSizes: [4], outputSize: 1)
        let parameters: [Double] = network.initialParameters(using: &generator)
        let input = randomVector(6, using: &generator)
        let single = network.evaluate(parameters, input, batchSize: 3, loss: Self.linearLoss([1, 1, 1])).parameterGradient
        let workspace = MLPWorkspace<Double>(for: network, capacity: 3)
        var total = single
        parameters.withUnsafeBufferPointer { p in
            input.withUnsafeBufferPointer { x in
                network.forward(parameters: p, input: x, batchSize: 3, workspace: workspace)
                [1.0, 1, 1].withUnsafeBufferPointer { g in
                    total.withUnsafeMutableBufferPointer {
                        network.backward(parameters: p, outputGradient: g, workspace: workspace,
                                         parameterGradient: $0, accumulate: true, inputGradient: nil)
                    }
                }
            }
        }
        #expect(maxRelativeError(total, single.map { 2 * $0 }) < 1e-12, "accumulated gradient should be twice one pass")
    }

    @Test("batch-1 (GEMV) and batched (GEMM) passes agree, in Float and Double")
    func gemvMatchesGemm() {
        var generator = RandomGenerator(seed: 5)
        let network = MLP(inputSize: 7, hiddenSizes: [16, 16], outputSize: 3)
        let parameters: [Double] = network.initialParameters(using: &generator)
        let input = randomVector(5 * 7, using: &generator)
        let batched = network.outputs(parameters, input, batchSize: 5)
        for row in 0..<5 {
            let single = network.outputs(parameters, Array(input[(row * 7)..<(row * 7 + 7)]), batchSize: 1)
            #expect(maxRelativeError(single, Array(batched[(row * 3)..<(row * 3 + 3)])) < 1e-12, "row \(row) differs")
        }
        let floatOutputs = network.outputs(parameters.map(Float.init), input.map(Float.init), batchSize: 5)
        #expect(maxRelativeError(floatOutputs.map(Double.init), batched) < 1e-5, "Float and Double forward passes diverge")
    }

    @Test("workspace grows for larger batches and matches a fresh workspace")
    func workspaceGrowth() {
        var generator = RandomGenerator(seed: 8)
        let network = MLP(inputSize: 2, hiddenSizes: [8], outputSize: 2)
        let parameters: [Double] = network.initialParameters(using: &generator)
        let input = randomVector(2 * 9, using: &generator)
        let workspace = MLPWorkspace<Double>(for: network, capacity: 2)
        let grown = parameters.withUnsafeBufferPointer { p in
            input.withUnsafeBufferPointer { Array(network.forward(parameters: p, input: $0, batchSize: 9, workspace: workspace)) }
        }
        #expect(workspace.capacity == 9)
        #expect(grown == network.outputs(parameters, input, batchSize: 9))
        #expect(workspace.gemmFLOPs == network.forwardFLOPs(batchSize: 9), "FLOP counter should count each GEMM once")
    }

    @Test("PyTorch nn.Linear initialisation: U(−1/√fan_in, 1/√fan_in) for weights and biases, seeded")
    func initialisation() {
        let network = MLP(inputSize: 64, hiddenSizes: [256], outputSize: 4)
        var generator = RandomGenerator(seed: 1)
        let parameters: [Float] = network.initialParameters(using: &generator)
        for layer in 0..<network.layerCount {
            let bound = 1 / Float(network.layerSizes[layer]).squareRoot()
            for range in [network.weightRange(layer: layer), network.biasRange(layer: layer)] {
                let values = parameters[range]
                #expect(values.allSatisfy { abs($0) <= bound }, "layer \(layer) has values outside ±\(bound)")
                if values.count > 200 {
                    // A uniform on ±bound has mean 0 and variance bound²/3.
                    let mean = values.reduce(0, +) / Float(values.count)
                    let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Float(values.count)
                    #expect(abs(mean) < 0.05 * bound, "layer \(layer) mean \(mean) is not centred")
                    #expect(abs(variance / (bound * bound / 3) - 1) < 0.1, "layer \(layer) variance \(variance) is off")
                }
            }
        }
        var again = RandomGenerator(seed: 1)
        #expect(network.initialParameters(as: Float.self, using: &again) == parameters, "same seed, different init")
        var other = RandomGenerator(seed: 2)
        #expect(network.initialParameters(as: Float.self, using: &other) != parameters, "different seeds gave equal init")
    }

    @Test("the flat layout puts W_l (out × in) then b_l, contiguously")
    func layout() {
        let network = MLP(layerSizes: [3, 4, 2], activations: [.relu, .identity])
        #expect(network.parameterCount == 3 * 4 + 4 + 4 * 2 + 2)
        #expect(network.weightRange(layer: 0) == 0..<12)
        #expect(network.biasRange(layer: 0) == 12..<16)
        #expect(network.weightRange(layer: 1) == 16..<24)
        #expect(network.biasRange(layer: 1) == 24..<26)
        // A single linear layer computes y = W x + b.
        let linear = MLP(layerSizes: [3, 2], activations: [.identity])
        let y = linear.outputs([1, 2, 3, 4, 5, 6, 0.5, -0.5] as [Double], [1, 0, -1], batchSize: 1)
        #expect(y == [-1.5, -2.5], "y = W x + b with W = [[1,2,3],[4,5,6]], x = (1,0,−1), b = (0.5,−0.5)")
    }

    @Test("an inner SGD step θ′ = θ − α∇L runs the network at θ′ from a separate buffer and lowers the loss")
    func innerStep() {
        var generator = RandomGenerator(seed: 13)
        let network = MLP(inputSize: 2, hiddenSizes: [16, 16], outputSize: 2)
        let theta: [Float] = network.initialParameters(using: &generator)
        let input: [Float] = (0..<16).map { _ in Float(generator.uniform(-1...1)) }
        let labels: [Float] = (0..<8).map { Float($0 % 2) }
        let workspace = MLPWorkspace<Float>(for: network, capacity: 8)
        var outputGradient = [Float](repeating: 0, count: 16), gradient = [Float](repeating: 0, count: theta.count)

        func loss(at parameters: [Float]) -> Float {
            parameters.withUnsafeBufferPointer { p in
                input.withUnsafeBufferPointer { x in
                    outputGradient.withUnsafeMutableBufferPointer { scratch in
                        gradient.withUnsafeMutableBufferPointer { g in
                            network.lossAndGradient(
                                parameters: p, input: x, batchSize: 8, workspace: workspace,
                                outputGradientScratch: scratch, parameterGradient: g
                            ) { logits, dLogits in
                                labels.withUnsafeBufferPointer {
                                    Loss.binarySoftmaxCrossEntropy(logits: logits, labels: $0, gradient: dLogits)
                                }
                            }
                        }
                    }
                }
            }
        }
        let before = loss(at: theta)
        let adapted = zip(theta, gradient).map { $0 - 0.1 * $1 }
        let after = loss(at: adapted)
        #expect(after < before - 1e-4, "one SGD step did not lower the loss (\(before) → \(after))")
        #expect(theta != adapted, "θ′ must be a separate vector")
    }

    @Test("forward rejects a parameter vector of the wrong size")
    func wrongShapeTraps() async {
        await #expect(processExitsWith: .failure) {
            let network = MLP(inputSize: 2, hiddenSizes: [3], outputSize: 1)
            _ = network.outputs([Float](repeating: 0, count: network.parameterCount - 1), [0, 0], batchSize: 1)
        }
    }
}
