import Foundation
import NeuralNet
import Render
import Rewards
import TaskSuite

/// What a reward map shows: a learned reward model of a maze task and the states it learned
/// from, either a finished training run's or one trained here on a file of negatives.
public struct RewardMapSubject {
    public var taskID: String
    public var reward: RewardChoice
    public var model: RewardModel
    /// The states behind the model, as classifier features: a run's visited states, or the negatives.
    public var states: FeatureMatrix
    /// What `states` are, for the legend.
    public var statesLabel: String
    /// Where the model comes from, for the subtitle.
    public var source: String

    /// The rewards a map can show: the learned ones (sparse is flat, dense is not learned).
    public static let mappableRewards: [RewardChoice] = [.metanml, .vice, .count]

    /// Fails with the list of mappable rewards unless `reward` is one.
    public static func checkMappable(_ reward: RewardChoice) throws {
        guard mappableRewards.contains(reward) else {
            throw ExperimentError.invalidValue(
                "reward '\(reward.rawValue)' has no learned model to map; reward maps show "
                    + mappableRewards.map(\.rawValue).joined(separator: ", "))
        }
    }

    /// Reads a `.npy` file of states (float32, N × feature width) for `environment`'s classifier.
    public static func readStates(_ path: String, environment: TaskEnvironment) throws -> FeatureMatrix {
        let matrix = try NPY.readFloat32Matrix(from: path)
        let names = environment.classifierFeatureSpec.names
        guard matrix.columns == names.count else {
            throw ExperimentError.invalidFile(
                path: path, reason: "has \(matrix.columns) columns; \(environment.taskID)'s classifier features are "
                    + "(\(names.joined(separator: ", "))), one column each")
        }
        guard matrix.rows > 0 else { throw ExperimentError.invalidFile(path: path, reason: "holds no states (shape (0, \(matrix.columns)))") }
        if let bad = matrix.values.firstIndex(where: { !$0.isFinite }) {
            throw ExperimentError.invalidFile(path: path, reason: "row \(bad / matrix.columns) holds a non-finite value (\(matrix.values[bad]))")
        }
        return try FeatureMatrix(rows: matrix.rows, columns: matrix.columns, values: matrix.values)
    }

    /// Trains `reward`'s model for `environment` on `exampleCount` generated success examples
    /// (positives) against `negatives`, for one update: meta-NML's first update runs its initial
    /// meta-epochs; VICE, with the binary cross-entropy loss (no policy exists), takes
    /// `viceSteps` Adam steps; the count bonus observes the negatives. Seeded throughout.
    public static func trained(
        environment: TaskEnvironment, reward: RewardChoice, negatives: FeatureMatrix, source: String,
        preset: RewardPreset = .fast, metaNML: MetaNMLRewardModel.Configuration? = nil, viceSteps: Int = 1000,
        exampleCount: Int = 200, seed: UInt64
    ) throws -> RewardMapSubject {
        try checkMappable(reward)
        guard viceSteps > 0, exampleCount > 0, negatives.rows > 0 else {
            throw ExperimentError.invalidValue(
                "VICE steps, the example count and the negatives must be positive, got \(viceSteps), \(exampleCount) and \(negatives.rows)")
        }
        var vice = VICERewardModel.Configuration.vice
        vice.loss = .binaryCrossEntropy
        vice.initialUpdates = viceSteps
        guard let model = try reward.makeModel(environment: environment, preset: preset, seed: SeedStream.rewardModel.seed(seed),
                                               vice: vice, metaNML: metaNML) else {
            throw ExperimentError.invalidValue("reward '\(reward.rawValue)' has no model")
        }
        let examples = try ExampleGenerator.generate(
            try TaskRegistry.makeEnvironment(environment.definition), count: exampleCount, seed: seed, strategy: .teleport)
        _ = try OfflineReward.update(model, positives: try FeatureMatrix(examples.features.map { $0.map(Float.init) }),
                                     negatives: negatives)
        return RewardMapSubject(taskID: environment.taskID, reward: reward, model: model, states: negatives,
                                statesLabel: "negatives", source: source)
    }

    /// The final reward model of the training run in `directory` and the states it visited:
    /// its configuration, reward model and visited states (see `RunDirectory`).
    public static func run(directory: String, registry: TaskRegistry) throws -> (RewardMapSubject, TaskEnvironment) {
        let run = RunDirectory(URL(fileURLWithPath: directory))
        let training = try run.configuration().training
        try checkMappable(training.reward)
        let environment = try registry.makeEnvironment(training.task)

        let model = try run.finalRewardModel()
        guard model.featureDimension == environment.classifierFeatureSpec.count else {
            throw ExperimentError.invalidFile(
                path: run.file(RunDirectory.rewardModelFile).path,
                reason: "takes \(model.featureDimension) features, \(environment.taskID) has \(environment.classifierFeatureSpec.count)")
        }
        let states = try readStates(run.file(RunDirectory.visitedFile).path, environment: environment)
        let subject = RewardMapSubject(taskID: environment.taskID, reward: training.reward, model: model, states: states,
                                       statesLabel: "visited states", source: Self.describe(run: directory, training))
        return (subject, environment)
    }

    /// "seed 0, 300000 steps, run .../metanml/seed-0": which run, without the machine's absolute path.
    static func describe(run directory: String, _ training: TrainingConfiguration) -> String {
        let components = directory.split(separator: "/").filter { $0 != "." }
        let tail = components.suffix(2).joined(separator: "/")
        return "seed \(training.seed), \(training.steps) steps, run \(components.count > 2 ? ".../" : "")\(tail)"
    }

    /// Draws the map of this subject over `plane` (which must be the subject's task).
    public func render(plane: MazePlane, resolution: Int = 160, font: BitmapFont) throws -> RGBImage {
        let grid = try GridField(rewardsOf: model, over: plane, resolution: resolution)
        let chart = RewardMap.chart(title: "\(taskID)  \(reward.rawValue) reward", subtitle: source, plane: plane,
                                    dots: plane.points(of: states), dotsLabel: statesLabel)
        return chart.render(grid, font: font)
    }
}
