import NeuralNet

/// Every buffer one SAC update touches, allocated once so the update itself allocates nothing.
final class SACScratch {
    let batchSize: Int
    let observationSize: Int
    let actionSize: Int
    let policyWorkspace: MLPWorkspace<Float>
    /// Batch-1 workspace for `act`, so acting never disturbs a training pass.
    let actingWorkspace: MLPWorkspace<Float>
    let criticWorkspaces: [MLPWorkspace<Float>]
    private var replayBatch: ReplayBatch?

    let noise: UnsafeMutableBufferPointer<Float>
    let actions: UnsafeMutableBufferPointer<Float>
    let logProbabilities: UnsafeMutableBufferPointer<Float>
    let criticInput: UnsafeMutableBufferPointer<Float>
    let criticInputGradient: UnsafeMutableBufferPointer<Float>
    let minimumQ: UnsafeMutableBufferPointer<Float>
    let targets: UnsafeMutableBufferPointer<Float>
    let outputGradient: UnsafeMutableBufferPointer<Float>
    let actionGradient: UnsafeMutableBufferPointer<Float>
    let logProbabilityGradient: UnsafeMutableBufferPointer<Float>
    let policyOutputGradient: UnsafeMutableBufferPointer<Float>
    let policyGradient: UnsafeMutableBufferPointer<Float>
    let criticGradient: UnsafeMutableBufferPointer<Float>

    init(policyNetwork: MLP, criticNetwork: MLP, batchSize: Int, actionSize: Int) {
        self.batchSize = batchSize
        self.actionSize = actionSize
        observationSize = policyNetwork.inputSize
        policyWorkspace = MLPWorkspace(for: policyNetwork, capacity: batchSize)
        actingWorkspace = MLPWorkspace(for: policyNetwork, capacity: 1)
        criticWorkspaces = [MLPWorkspace(for: criticNetwork, capacity: batchSize),
                            MLPWorkspace(for: criticNetwork, capacity: batchSize)]
        func buffer(_ count: Int) -> UnsafeMutableBufferPointer<Float> {
            let buffer = UnsafeMutableBufferPointer<Float>.allocate(capacity: count)
            buffer.initialize(repeating: 0)
            return buffer
        }
        noise = buffer(batchSize * actionSize)
        actions = buffer(batchSize * actionSize)
        logProbabilities = buffer(batchSize)
        criticInput = buffer(batchSize * criticNetwork.inputSize)
        criticInputGradient = buffer(batchSize * criticNetwork.inputSize)
        minimumQ = buffer(batchSize)
        targets = buffer(batchSize)
        outputGradient = buffer(batchSize)
        actionGradient = buffer(batchSize * actionSize)
        logProbabilityGradient = buffer(batchSize)
        policyOutputGradient = buffer(batchSize * policyNetwork.outputSize)
        policyGradient = buffer(policyNetwork.parameterCount)
        criticGradient = buffer(criticNetwork.parameterCount)
    }

    deinit {
        for buffer in [noise, actions, logProbabilities, criticInput, criticInputGradient, minimumQ, targets,
                       outputGradient, actionGradient, logProbabilityGradient, policyOutputGradient,
                       policyGradient, criticGradient] {
            buffer.deallocate()
        }
    }

    /// The reusable minibatch for `replay`'s shape (rebuilt only if the shape changes).
    func batch(matching replay: ReplayBuffer) -> ReplayBatch {
        if let batch = replayBatch, batch.featureSize == replay.featureSize { return batch }
        let batch = ReplayBatch(size: batchSize, matching: replay)
        replayBatch = batch
        return batch
    }

    /// Writes the critic input rows [s | a].
    func fillCriticInput(observations: [Float], actions: UnsafeBufferPointer<Float>) {
        let width = observationSize + actionSize
        observations.withUnsafeBufferPointer { observations in
            for row in 0..<batchSize {
                let destination = criticInput.baseAddress! + row * width
                destination.update(from: observations.baseAddress! + row * observationSize, count: observationSize)
                (destination + observationSize).update(from: actions.baseAddress! + row * actionSize, count: actionSize)
            }
        }
    }

    func fillCriticInput(observations: [Float], actions: [Float]) {
        actions.withUnsafeBufferPointer { fillCriticInput(observations: observations, actions: $0) }
    }
}
