import NeuralNet
import Randomness

/// A bounded, preallocated ring of transitions (s, a, s′, terminal and time-limit flags, classifier
/// features, reward).
///
/// The reward column is a slot, not ground truth: outcome-driven methods fill it from a learned reward
/// model at collection time (MURAL stores meta-NML's r(s) once, mural-reference.md §1.6) or recompute it
/// later through `withRewards`, or they ignore it and pass rewards per batch to `SACAgent.update`.
/// When full, new transitions overwrite the oldest.
public final class ReplayBuffer {
    public let capacity: Int
    public let observationSize: Int
    public let actionSize: Int
    /// Width of the classifier feature vector stored with each transition (0 if unused).
    public let featureSize: Int
    public internal(set) var count = 0
    /// Slot the next transition goes to.
    public internal(set) var nextIndex = 0

    var observations: [Float]
    var actions: [Float]
    var nextObservations: [Float]
    /// 1 where the transition ended the episode in a true terminal state, else 0. MURAL's tasks only end
    /// on time limits, which are not terminal: the critic keeps bootstrapping through them.
    var terminals: [Float]
    /// 1 where the episode was cut by its time limit after this transition, else 0. Kept for loops and
    /// logging; the critic ignores it and bootstraps through time limits, as MURAL does.
    var timeLimits: [Float]
    var features: [Float]
    var rewards: [Float]

    public init(capacity: Int, observationSize: Int, actionSize: Int, featureSize: Int = 0) {
        precondition(capacity > 0 && observationSize > 0 && actionSize > 0 && featureSize >= 0,
                     "replay dimensions must be positive")
        self.capacity = capacity
        self.observationSize = observationSize
        self.actionSize = actionSize
        self.featureSize = featureSize
        observations = Array(repeating: 0, count: capacity * observationSize)
        actions = Array(repeating: 0, count: capacity * actionSize)
        nextObservations = Array(repeating: 0, count: capacity * observationSize)
        terminals = Array(repeating: 0, count: capacity)
        timeLimits = Array(repeating: 0, count: capacity)
        features = Array(repeating: 0, count: capacity * featureSize)
        rewards = Array(repeating: 0, count: capacity)
    }

    /// Stores one transition and returns its slot.
    @discardableResult
    public func append(
        observation: [Float], action: [Float], nextObservation: [Float], terminal: Bool = false,
        timeLimit: Bool = false, features transitionFeatures: [Float] = [], reward: Float = 0
    ) -> Int {
        precondition(observation.count == observationSize && nextObservation.count == observationSize,
                     "observations must have \(observationSize) values")
        precondition(action.count == actionSize, "actions must have \(actionSize) values")
        precondition(transitionFeatures.count == featureSize, "features must have \(featureSize) values")
        let slot = nextIndex
        observations.replaceSubrange(slot * observationSize..<(slot + 1) * observationSize, with: observation)
        nextObservations.replaceSubrange(slot * observationSize..<(slot + 1) * observationSize, with: nextObservation)
        actions.replaceSubrange(slot * actionSize..<(slot + 1) * actionSize, with: action)
        features.replaceSubrange(slot * featureSize..<(slot + 1) * featureSize, with: transitionFeatures)
        terminals[slot] = terminal ? 1 : 0
        timeLimits[slot] = timeLimit ? 1 : 0
        rewards[slot] = reward
        nextIndex = (slot + 1) % capacity
        count = Swift.min(count + 1, capacity)
        return slot
    }

    public func reward(at slot: Int) -> Float {
        precondition(slot < count, "slot \(slot) is empty")
        return rewards[slot]
    }

    public func setReward(_ reward: Float, at slot: Int) {
        precondition(slot < count, "slot \(slot) is empty")
        rewards[slot] = reward
    }

    public func features(at slot: Int) -> ArraySlice<Float> {
        precondition(slot < count, "slot \(slot) is empty")
        return features[slot * featureSize..<(slot + 1) * featureSize]
    }

    public func observation(at slot: Int) -> ArraySlice<Float> {
        precondition(slot < count, "slot \(slot) is empty")
        return observations[slot * observationSize..<(slot + 1) * observationSize]
    }

    public func nextObservation(at slot: Int) -> ArraySlice<Float> {
        precondition(slot < count, "slot \(slot) is empty")
        return nextObservations[slot * observationSize..<(slot + 1) * observationSize]
    }

    /// Gives a reward model the stored features (`count × featureSize`) and the reward column to rewrite.
    public func withRewards<R>(
        _ body: (_ features: UnsafeBufferPointer<Float>, _ rewards: UnsafeMutableBufferPointer<Float>) throws -> R
    ) rethrows -> R {
        let filled = count
        return try features.withUnsafeBufferPointer { f in
            try rewards.withUnsafeMutableBufferPointer { r in
                try body(UnsafeBufferPointer(rebasing: f[0..<(filled * featureSize)]),
                         UnsafeMutableBufferPointer(rebasing: r[0..<filled]))
            }
        }
    }

    /// Fills `batch` with `batch.size` transitions drawn uniformly with replacement (as softlearning does).
    public func sample(into batch: ReplayBatch, using generator: inout RandomGenerator) {
        precondition(count > 0, "cannot sample from an empty replay buffer")
        precondition(batch.observationSize == observationSize && batch.actionSize == actionSize
                     && batch.featureSize == featureSize, "batch was built for a different buffer")
        for row in 0..<batch.size {
            batch.indices[row] = generator.index(below: count)
        }
        gather(batch)
    }

    private func gather(_ batch: ReplayBatch) {
        func copyRows(_ source: [Float], _ width: Int, _ destination: inout [Float]) {
            guard width > 0 else { return }
            source.withUnsafeBufferPointer { from in
                destination.withUnsafeMutableBufferPointer { to in
                    for (row, slot) in batch.indices.enumerated() {
                        (to.baseAddress! + row * width).update(from: from.baseAddress! + slot * width, count: width)
                    }
                }
            }
        }
        copyRows(observations, observationSize, &batch.observations)
        copyRows(actions, actionSize, &batch.actions)
        copyRows(nextObservations, observationSize, &batch.nextObservations)
        copyRows(features, featureSize, &batch.features)
        copyRows(terminals, 1, &batch.terminals)
        copyRows(timeLimits, 1, &batch.timeLimits)
        copyRows(rewards, 1, &batch.rewards)
    }
}

/// A preallocated minibatch of transitions, row-major, reused across updates.
public final class ReplayBatch {
    public let size: Int
    public let observationSize: Int
    public let actionSize: Int
    public let featureSize: Int
    /// Replay slots the rows came from.
    public internal(set) var indices: [Int]
    public internal(set) var observations: [Float]
    public internal(set) var actions: [Float]
    public internal(set) var nextObservations: [Float]
    public internal(set) var terminals: [Float]
    public internal(set) var timeLimits: [Float]
    public internal(set) var features: [Float]
    /// The stored rewards of the sampled rows; a reward model may overwrite them before the update.
    public var rewards: [Float]

    public init(size: Int, observationSize: Int, actionSize: Int, featureSize: Int) {
        precondition(size > 0, "batch size must be positive")
        self.size = size
        self.observationSize = observationSize
        self.actionSize = actionSize
        self.featureSize = featureSize
        indices = Array(repeating: 0, count: size)
        observations = Array(repeating: 0, count: size * observationSize)
        actions = Array(repeating: 0, count: size * actionSize)
        nextObservations = Array(repeating: 0, count: size * observationSize)
        terminals = Array(repeating: 0, count: size)
        timeLimits = Array(repeating: 0, count: size)
        features = Array(repeating: 0, count: size * featureSize)
        rewards = Array(repeating: 0, count: size)
    }

    public convenience init(size: Int, matching buffer: ReplayBuffer) {
        self.init(size: size, observationSize: buffer.observationSize, actionSize: buffer.actionSize,
                  featureSize: buffer.featureSize)
    }
}
