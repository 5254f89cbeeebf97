import Agents
import NeuralNet
import Rewards

/// A reward model from `Rewards` as the training loop's reward source: it scores the state
/// each transition reaches, and learns at the end of every epoch from the task's success
/// examples (positives) against states drawn uniformly from the replay buffer (negatives).
public final class LearnedReward: RewardSource {
    public internal(set) var model: RewardModel
    private let positives: FeatureMatrix
    private let positiveObservations: FeatureMatrix
    private let agent: SACAgent

    /// - Parameters:
    ///   - positives: success examples' classifier features, one row each.
    ///   - positiveObservations: their full observations (VICE's policy term needs them).
    ///   - agent: the learner, for VICE's log π(a′|s).
    public init(model: RewardModel, positives: FeatureMatrix, positiveObservations: FeatureMatrix, agent: SACAgent) {
        self.model = model
        self.positives = positives
        self.positiveObservations = positiveObservations
        self.agent = agent
    }

    public var timing: RewardTiming { model.timing }

    public func reward(reaching observation: [Double], features: [Float], success: Bool) throws -> Float {
        let row = try FeatureMatrix(rows: 1, columns: features.count, values: features)
        try model.observe(features: row)
        return try model.rewards(features: row, successes: [success])[0]
    }

    public func relabel(_ batch: ReplayBatch) {
        // Per-batch models (VICE) need no success flags, and the batch's shape was checked
        // against the model when the run was built, so this cannot fail.
        let features = try! FeatureMatrix(rows: batch.size, columns: batch.featureSize, values: batch.features)
        batch.rewards = try! model.rewards(features: features, successes: nil)
    }

    public func endEpoch(_ epoch: Int, replay: ReplayBuffer) throws -> RewardUpdateSummary? {
        let agent = self.agent
        let data = RewardTrainingData(
            positives: positives, positiveObservations: positiveObservations,
            sampleNegatives: { count, generator in
                var features: [Float] = [], observations: [Float] = []
                features.reserveCapacity(count * replay.featureSize)
                observations.reserveCapacity(count * replay.observationSize)
                for _ in 0..<count {
                    let slot = generator.index(below: replay.count)
                    features += replay.features(at: slot)
                    // The features describe the state a transition reached, so the policy term
                    // must see that state too.
                    observations += replay.nextObservation(at: slot)
                }
                return NegativeSample(
                    features: try FeatureMatrix(rows: count, columns: replay.featureSize, values: features),
                    observations: try FeatureMatrix(rows: count, columns: replay.observationSize, values: observations))
            },
            logPolicy: { observations in
                agent.sampledLogProbabilities(observations: observations.values, count: observations.rows)
            })
        return try model.update(epoch: epoch, data: data)
    }
}
