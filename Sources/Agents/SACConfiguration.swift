/// Soft Actor-Critic settings. The defaults are MURAL's (mural-reference.md §2.1, softlearning's
/// `examples/*/variants.py` and `sac.py`).
public struct SACConfiguration: Codable, Sendable, Equatable {
    /// Hidden widths of the policy and of each Q network.
    public var hiddenSizes: [Int] = [256, 256]
    /// Discount γ.
    public var discount: Float = 0.99
    /// Polyak factor for the target Q networks: θ̄ ← τθ + (1 − τ)θ̄ after every gradient step.
    public var targetSmoothing: Float = 0.005
    public var policyLearningRate: Float = 3e-4
    public var qLearningRate: Float = 3e-4
    public var temperatureLearningRate: Float = 3e-4
    /// Initial log α (α = 1).
    public var initialLogTemperature: Float = 0
    /// Target entropy H̄; `nil` means −|A|.
    public var targetEntropy: Float? = nil
    public var batchSize: Int = 256
    /// Gradient steps per environment step.
    public var updatesPerStep: Int = 1
    /// Uniform-random actions before the policy takes over.
    public var warmUpSteps: Int = 1000
    /// Updates start once the replay buffer holds this many transitions.
    public var minimumReplaySize: Int = 50
    public var replayCapacity: Int = 1_500_000
    /// Bounds of the Gaussian's log σ before squashing (softlearning's `gaussian_policy.py`).
    public var logStdRange: ClosedRange<Float> = -20...2

    public init() {}
}
