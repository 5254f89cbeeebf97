import Agents
import Rewards
import TaskSuite

/// The rewards a training run can learn from, in the order reports list them: the two
/// classifiers, then the baselines from exploration alone to the oracle.
public enum RewardChoice: String, CaseIterable, Sendable, Codable {
    /// MURAL: meta-NML's uncertainty-aware classifier (Li, Gupta et al. 2021).
    case metanml
    /// VICE's classifier, whose logit is the reward (Fu et al. 2018).
    case vice
    /// Sparse plus a count bonus c/√N(s) over a grid of classifier features.
    case count
    /// The success penalty: 0 on success, −1 otherwise (MURAL's "SAC with sparse reward"). The
    /// environments' `sparse` reward (`RewardKind.successIndicator`, 1 or 0) shifted by −1, which
    /// changes no optimal policy of time-truncated, bootstrapped episodes.
    case sparse
    /// The task's hand-shaped oracle distance reward, for reference.
    case dense

    /// The model this reward learns with, or nil for `dense`, which learns nothing.
    public var modelKind: RewardModelKind? {
        switch self {
        case .metanml: return .metanml
        case .vice: return .vice
        case .sparse: return .sparse
        case .count: return .count
        case .dense: return nil
        }
    }

    /// The reward the environments of a run report alongside. It feeds nothing the run learns
    /// or records; learning uses the reward source of this choice.
    public var environmentReward: RewardKind { self == .dense ? .dense : .successIndicator }

    /// Parses a reward name, with an error that lists the valid ones.
    public init(parsing name: String) throws {
        guard let choice = RewardChoice(rawValue: name) else {
            throw ExperimentError.invalidValue(
                "unknown reward '\(name)'; valid rewards: \(RewardChoice.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        self = choice
    }
}

/// The learned rewards' settings a comparison tunes; each nil keeps the reward preset's value.
/// Encoded in a run's configuration only when set, so untuned runs keep their configuration.
public struct RewardTuning: Codable, Sendable, Equatable {
    /// VICE's classifier recipes.
    public enum VICEVariant: String, Codable, Sendable, CaseIterable {
        /// The reference VICE settings (`VICERewardModel.Configuration.vice`).
        case vice
        /// VICE-RAQ's classifier: mixup and 10 updates per epoch (`.viceRAQ`).
        case raq
    }

    /// Multiplies meta-NML's inner (adaptation) step α of the reward preset. The `fast` preset's
    /// α is already scaled per task family (0.16 for the mazes and the pusher, 0.04 for the door
    /// and the hand), so a factor tuned on one family carries to the others.
    public var metaNMLInnerStepScale: Float?
    public var viceVariant: VICEVariant?
    /// The VICE classifier's Adam learning rate.
    public var viceLearningRate: Float?
    /// VICE's loss: the discriminator with the policy's log π (the paper's) or plain binary
    /// cross-entropy on the classifier alone (an ablation of the policy term).
    public var viceLoss: VICERewardModel.LossKind?

    public init(metaNMLInnerStepScale: Float? = nil, viceVariant: VICEVariant? = nil, viceLearningRate: Float? = nil,
                viceLoss: VICERewardModel.LossKind? = nil) {
        self.metaNMLInnerStepScale = metaNMLInnerStepScale
        self.viceVariant = viceVariant
        self.viceLearningRate = viceLearningRate
        self.viceLoss = viceLoss
    }

    public func validate() throws {
        for (value, name) in [(metaNMLInnerStepScale, "meta-NML inner step scale"), (viceLearningRate, "VICE learning rate")] {
            if let value, !(value > 0 && value.isFinite) {
                throw ExperimentError.invalidValue("\(name) must be a positive number, got \(value)")
            }
        }
    }

    /// "meta-NML α = 0.04, VICE-RAQ", for reports.
    public var description: String {
        ([metaNMLInnerStepScale.map { "meta-NML inner step α × \($0)" }, viceVariant.map { "VICE variant \($0.rawValue)" },
          viceLearningRate.map { "VICE learning rate \($0)" }, viceLoss.map { "VICE loss \($0.rawValue)" }].compactMap { $0 }).joined(separator: ", ")
    }

    /// VICE's configuration with these settings.
    public var vice: VICERewardModel.Configuration {
        var configuration: VICERewardModel.Configuration = viceVariant == .raq ? .viceRAQ : .vice
        if let viceLearningRate { configuration.learningRate = viceLearningRate }
        if let viceLoss { configuration.loss = viceLoss }
        return configuration
    }

    /// `base` (meta-NML's preset configuration) with these settings.
    public func metaNML(_ base: MetaNMLRewardModel.Configuration) -> MetaNMLRewardModel.Configuration {
        var configuration = base
        if let metaNMLInnerStepScale { configuration.innerStepSize *= metaNMLInnerStepScale }
        return configuration
    }
}

/// Model sizes for the learned rewards: the reference's (`paper`) or a smaller, faster one.
public enum RewardPreset: String, CaseIterable, Sendable, Codable {
    /// meta-NML with H = 128 hidden units and the inner step scaled to match (see `MetaNMLRewardModel.Configuration.fast`); everything else as in the paper.
    case fast
    /// The released per-task settings (H = 2048 for mazes and push, 512 for door).
    case paper
}

extension RewardChoice {
    /// Builds the reward source for `environment`. Learned rewards get `exampleCount` success
    /// examples, generated by teleport-and-settle from `seed` on a separate environment.
    public func makeSource(
        environment: TaskEnvironment, agent: SACAgent, preset: RewardPreset, tuning: RewardTuning = RewardTuning(),
        exampleCount: Int, seed: UInt64
    ) throws -> RewardSource {
        let metaNML = tuning.metaNML(RewardChoice.metaNMLConfiguration(environment, preset: preset))
        guard let model = try makeModel(environment: environment, preset: preset, seed: seed, vice: tuning.vice, metaNML: metaNML) else {
            return TaskReward(.dense, environment: environment)
        }
        let generationEnvironment = try TaskRegistry.makeEnvironment(environment.definition)
        let examples = try ExampleGenerator.generate(generationEnvironment, count: exampleCount, seed: seed, strategy: .teleport)
        return LearnedReward(
            model: model,
            positives: try FeatureMatrix(examples.features.map { $0.map(Float.init) }),
            positiveObservations: try FeatureMatrix(examples.observations.map { $0.map(Float.init) }),
            agent: agent)
    }

    /// The reward model for `environment`'s classifier features, or nil for `dense`, which
    /// learns nothing. `vice` and `metaNML` replace the default configurations (VICE's
    /// reference settings; meta-NML's for the task family and `preset`).
    public func makeModel(
        environment: TaskEnvironment, preset: RewardPreset, seed: UInt64,
        vice: VICERewardModel.Configuration = .vice, metaNML: MetaNMLRewardModel.Configuration? = nil
    ) throws -> RewardModel? {
        let featureDimension = environment.classifierFeatureSpec.count
        switch self {
        case .dense:
            return nil
        case .sparse:
            return try SparseRewardModel(featureDimension: featureDimension)
        case .count:
            let spec = environment.classifierFeatureSpec
            // Unbounded features (a puck that may leave the table) get a 2 m span, and constant
            // ones (the pusher's hand height) a unit span, all in one cell; states beyond the
            // grid fall into its edge cells.
            let lower = spec.lower.map { Float($0.isFinite ? $0 : -1) }
            let upper = zip(spec.upper, lower).map { upper, lower in
                let bound = Float(upper.isFinite ? upper : 1)
                return bound > lower ? bound : lower + 1
            }
            return try CountBonusRewardModel(configuration: .init(lowerBounds: lower, upperBounds: upper))
        case .vice:
            return try VICERewardModel(featureDimension: featureDimension, configuration: vice, seed: seed)
        case .metanml:
            return try MetaNMLRewardModel(
                featureDimension: featureDimension,
                configuration: metaNML ?? RewardChoice.metaNMLConfiguration(environment, preset: preset), seed: seed)
        }
    }

    /// Meta-NML's configuration for `environment`'s task family at `preset`.
    static func metaNMLConfiguration(_ environment: TaskEnvironment, preset: RewardPreset) -> MetaNMLRewardModel.Configuration {
        let family = metaNMLFamily(environment.definition.family)
        return preset == .paper ? .paper(family) : .fast(family)
    }

    /// The reference's meta-NML settings by task family; the hand, which the reference does
    /// not configure, takes the door's (a small network and a short distance scale).
    static func metaNMLFamily(_ family: TaskDefinition.Family) -> MetaNMLRewardModel.Configuration.TaskFamily {
        switch family {
        case .maze: return .maze
        case .pusher: return .push
        case .door, .handValve: return .door
        }
    }
}
