import NeuralNet
import Randomness

/// Central-difference derivative of `f` along every coordinate of `x` (Double, step h).
func numericalGradient(of f: ([Double]) -> Double, at x: [Double], step h: Double = 1e-6) -> [Double] {
    var probe = x
    return x.indices.map { i in
        probe[i] = x[i] + h
        let plus = f(probe)
        probe[i] = x[i] - h
        let minus = f(probe)
        probe[i] = x[i]
        return (plus - minus) / (2 * h)
    }
}

/// max |a − b| / max(1, |b|): the mismatch of `a` against the reference `b`.
func maxRelativeError(_ a: [Double], _ b: [Double]) -> Double {
    precondition(a.count == b.count)
    return zip(a, b).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? 0
}

func randomVector(_ count: Int, in range: ClosedRange<Double> = -1...1, using generator: inout RandomGenerator) -> [Double] {
    (0..<count).map { _ in generator.uniform(range) }
}

/// Array-level wrappers over the pointer API, for tests.
extension MLP {
    func outputs<Scalar: NetworkScalar>(_ parameters: [Scalar], _ input: [Scalar], batchSize: Int) -> [Scalar] {
        let workspace = MLPWorkspace<Scalar>(for: self, capacity: batchSize)
        return parameters.withUnsafeBufferPointer { p in
            input.withUnsafeBufferPointer { x in Array(forward(parameters: p, input: x, batchSize: batchSize, workspace: workspace)) }
        }
    }

    /// L = loss(f_θ(X)) with its parameter and input gradients.
    func evaluate(
        _ parameters: [Double], _ input: [Double], batchSize: Int, loss: OutputLoss<Double>
    ) -> (value: Double, parameterGradient: [Double], inputGradient: [Double]) {
        let workspace = MLPWorkspace<Double>(for: self, capacity: batchSize)
        var parameterGradient = [Double](repeating: .nan, count: parameterCount)
        var inputGradient = [Double](repeating: .nan, count: input.count)
        var outputGradient = [Double](repeating: .nan, count: batchSize * outputSize)
        let value = parameters.withUnsafeBufferPointer { p in
            input.withUnsafeBufferPointer { x in
                let y = forward(parameters: p, input: x, batchSize: batchSize, workspace: workspace)
                let value = outputGradient.withUnsafeMutableBufferPointer { loss(y, $0) }
                outputGradient.withUnsafeBufferPointer { g in
                    parameterGradient.withUnsafeMutableBufferPointer { pg in
                        inputGradient.withUnsafeMutableBufferPointer { ig in
                            backward(parameters: p, outputGradient: g, workspace: workspace,
                                     parameterGradient: pg, inputGradient: ig)
                        }
                    }
                }
                return value
            }
        }
        return (value, parameterGradient, inputGradient)
    }
}
