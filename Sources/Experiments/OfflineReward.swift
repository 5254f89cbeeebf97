import Foundation
import NeuralNet
import Rewards
import TaskSuite

/// A learned reward model trained outside a training run, on given positives and negatives:
/// what `mural rewards` and the Python package (`mural.rewards`) do. Both go through here,
/// so the same inputs and seed give the same numbers in either.
public enum OfflineReward {
    /// The models that learn from examples and visits (sparse and dense learn nothing).
    public static let models: [RewardChoice] = [.metanml, .vice, .count]

    /// `choice`'s model for `environment`'s classifier features, with the configuration of
    /// `RewardChoice.makeModel` (meta-NML's for the task family and `preset`) changed by
    /// `overrides`: a JSON object whose keys are the configuration's settings in snake case,
    /// e.g. `{"hidden_size": 32, "initial_meta_epochs": 1}`. VICE learns with binary
    /// cross-entropy unless `loss` says otherwise, since no policy is at hand to give the
    /// discriminator's log π(a|s). Unknown keys and ill-typed values are errors naming them.
    public static func makeModel(
        _ choice: RewardChoice, environment: TaskEnvironment, preset: RewardPreset, overrides: Data?, seed: UInt64
    ) throws -> RewardModel {
        guard models.contains(choice) else {
            throw ExperimentError.invalidValue(
                "reward '\(choice.rawValue)' is not learned; learned rewards: \(models.map(\.rawValue).joined(separator: ", "))")
        }
        var vice = VICERewardModel.Configuration.vice
        vice.loss = .binaryCrossEntropy
        guard let base = try choice.makeModel(environment: environment, preset: preset, seed: seed, vice: vice) else {
            throw ExperimentError.invalidValue("reward '\(choice.rawValue)' has no model")
        }
        guard let overrides, !overrides.isEmpty else { return base }
        switch base {
        case let model as MetaNMLRewardModel:
            let configuration = try overriding(model.configuration, with: overrides, model: choice.rawValue)
            return try MetaNMLRewardModel(featureDimension: model.featureDimension, configuration: configuration, seed: seed)
        case let model as VICERewardModel:
            let configuration = try overriding(model.configuration, with: overrides, model: choice.rawValue)
            return try VICERewardModel(featureDimension: model.featureDimension, configuration: configuration, seed: seed)
        case let model as CountBonusRewardModel:
            return try CountBonusRewardModel(configuration: try overriding(model.configuration, with: overrides, model: choice.rawValue))
        default:
            throw ExperimentError.invalidValue("reward '\(choice.rawValue)' takes no settings")
        }
    }

    /// One update on `positives` against `negatives`: the model first observes the negatives
    /// as visited states (the count bonus counts them), then learns with the negatives as its
    /// replay buffer, drawn uniformly with the model's own generator.
    @discardableResult
    public static func update(_ model: RewardModel, positives: FeatureMatrix, negatives: FeatureMatrix) throws -> RewardUpdateSummary {
        guard negatives.rows > 0 else {
            throw ExperimentError.invalidValue("\(type(of: model).kind): the set of negatives is empty; an update needs at least one")
        }
        try model.observe(features: negatives)
        return try model.update(epoch: model.updatesCompleted, data: RewardTrainingData(
            positives: positives,
            sampleNegatives: { count, generator in
                NegativeSample(features: negatives.gathering((0..<count).map { _ in generator.index(below: negatives.rows) }))
            }))
    }

    /// `configuration` with the settings in the JSON object `overrides` replaced.
    static func overriding<C: Codable>(_ configuration: C, with overrides: Data, model: String) throws -> C {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        guard var settings = try JSONSerialization.jsonObject(with: encoder.encode(configuration)) as? [String: Any] else {
            throw ExperimentError.invalidValue("\(model): its configuration is not a JSON object")
        }
        let given: [String: Any]
        do {
            guard let object = try JSONSerialization.jsonObject(with: overrides) as? [String: Any] else {
                throw ExperimentError.invalidValue("\(model) settings must be a JSON object")
            }
            given = object
        } catch let error as ExperimentError { throw error } catch {
            throw ExperimentError.invalidValue("\(model) settings are not valid JSON: \(error.localizedDescription)")
        }
        for (key, value) in given.sorted(by: { $0.key < $1.key }) {
            guard settings[key] != nil else {
                throw ExperimentError.invalidValue(
                    "\(model) has no setting '\(key)'; settings: \(settings.keys.sorted().joined(separator: ", "))")
            }
            settings[key] = value
        }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        do {
            return try decoder.decode(C.self, from: JSONSerialization.data(withJSONObject: settings))
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.dataCorrupted(context) {
            let key = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw ExperimentError.invalidValue("\(model) setting '\(key)': \(context.debugDescription)")
        } catch {
            throw ExperimentError.invalidValue("\(model) settings: \(error)")
        }
    }
}
