import Foundation
import Render
import Rewards
import TaskSuite

/// A slice through learned reward classifiers along one episode: the success probability each
/// run's final classifier gives the states of an episode, from the start to the horizon, and its
/// log-odds. The episode is the scripted expert's by default, the path the task rewards; a run's
/// own policy shows where it stalled. It works on every task, where a
/// reward map (`RewardMapSubject`) needs a maze's plane. The two scales matter because the two
/// methods reward different ones: meta-NML rewards the probability itself, VICE the logit (the
/// log-odds, as MURAL's code does), so a VICE classifier that is overconfident in probability can
/// still shape in log-odds.
public struct RewardPath {
    /// One run's classifier along the path.
    public struct Curve: Sendable, Equatable {
        /// "metanml, seed 0"
        public var label: String
        /// p(success | state) at each state of the episode.
        public var probabilities: [Double]
        /// log p/(1 − p) at each state: VICE's logit itself; meta-NML's probability clamped to
        /// [1e-6, 1 − 1e-6] first, so that a saturated one stays finite.
        public var logOdds: [Double]
    }

    public var taskID: String
    /// Who acts in the episode: "the expert", "metanml seed 2's policy".
    public var pathName: String
    /// The episode is episode 0 of `mural evaluate --seed seed` (and of `mural render --seed seed`).
    public var seed: UInt64
    /// Whether each state of the episode (the first is the reset's) satisfies the task's success rule.
    public var successes: [Bool]
    public var curves: [Curve]

    /// The rewards that are classifiers of success: meta-NML's normalised ML probability and VICE's
    /// logit (read as a probability through the logistic function). Count and sparse are not.
    public static let classifierRewards: [RewardChoice] = [.metanml, .vice]

    /// The classifiers of the finished runs in `runDirectories`, which must share a task, along
    /// episode 0 of evaluation seed `seed`, acted by `makeActor` (default: the task's scripted expert).
    public init(runDirectories: [String], seed: UInt64, registry: TaskRegistry, pathName: String = "the expert",
                makeActor: (_ seed: UInt64) throws -> Evaluator.Actor = { Evaluator.actor(.expert, seed: $0) }) throws {
        guard !runDirectories.isEmpty else { throw ExperimentError.invalidValue("a reward path needs at least one run") }
        var loaded: [(label: String, reward: RewardChoice, model: any RewardModel)] = []
        var task: String?
        for directory in runDirectories {
            let run = RunDirectory(URL(fileURLWithPath: directory))
            let training = try run.configuration().training
            guard Self.classifierRewards.contains(training.reward) else {
                throw ExperimentError.invalidValue(
                    "run \(directory) trained with reward '\(training.reward.rawValue)', which is not a classifier of success; "
                        + "reward paths show " + Self.classifierRewards.map(\.rawValue).joined(separator: ", "))
            }
            if let task, task != training.task {
                throw ExperimentError.invalidValue("run \(directory) is of task \(training.task), the first run's is \(task)")
            }
            task = training.task
            loaded.append(("\(training.reward.rawValue), seed \(training.seed)", training.reward, try run.finalRewardModel()))
        }
        let environment = try registry.makeEnvironment(task!)
        let (features, successes) = try Self.episode(environment, seed: seed, makeActor: makeActor)
        curves = try loaded.map { label, reward, model in
            guard model.featureDimension == features.columns else {
                throw ExperimentError.invalidValue("\(label)'s reward model takes \(model.featureDimension) features, \(task!) has \(features.columns)")
            }
            return Self.curve(label: label, reward: reward, rewards: try model.rewards(features: features, successes: nil))
        }
        (taskID, self.pathName, self.seed, self.successes) = (task!, pathName, seed, successes)
    }

    /// The classifier features and success flags of the states of episode 0 of evaluation seed
    /// `seed`: the reset's state, then the state after each step until the episode ends.
    public static func episode(_ environment: TaskEnvironment, seed: UInt64,
                               makeActor: (_ seed: UInt64) throws -> Evaluator.Actor = { Evaluator.actor(.expert, seed: $0) })
        throws -> (FeatureMatrix, [Bool]) {
        var observations: [[Double]] = []
        _ = try Evaluator.episode(environment, index: 0, evaluationSeed: seed, makeActor: makeActor,
                                  onReset: { observations.append($0) }, onStep: { observations.append($0.observation) })
        let rows = observations.map { environment.classifierFeatures($0).map(Float.init) }
        let successes = observations.map(environment.isSuccess)
        return (try FeatureMatrix(rows), successes)
    }

    /// A model's rewards as p(success | state) and log-odds: meta-NML's are probabilities, VICE's logits.
    static func curve(label: String, reward: RewardChoice, rewards: [Float]) -> Curve {
        switch reward {
        case .vice:
            let logits = rewards.map(Double.init)
            return Curve(label: label, probabilities: logits.map { 1 / (1 + Foundation.exp(-$0)) }, logOdds: logits)
        default:
            let probabilities = rewards.map(Double.init)
            return Curve(label: label, probabilities: probabilities, logOdds: probabilities.map {
                let p = min(max($0, 1e-6), 1 - 1e-6)
                return Foundation.log(p) - Foundation.log1p(-p)
            })
        }
    }

    /// One row per state: its step, the success flag (0 or 1), and each curve's probability and log-odds.
    public var csv: String {
        var lines = [(["step", "success"] + curves.flatMap { ["\"\($0.label): p\"", "\"\($0.label): log-odds\""] })
            .joined(separator: ",")]
        for (step, success) in successes.enumerated() {
            lines.append(([String(step), success ? "1" : "0"] + curves.flatMap { [String($0.probabilities[step]), String($0.logOdds[step])] })
                .joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Two charts, one above the other: each classifier's probability against the step, over the
    /// task's success flag; then its log-odds.
    public func render(font: BitmapFont) -> RGBImage {
        let steps = successes.indices.map(Double.init)
        func lines(_ values: (Curve) -> [Double]) -> [LinePlot.Series] {
            curves.enumerated().map { index, curve in
                let y = values(curve)
                return LinePlot.Series(name: curve.label, color: LinePlot.palette[index % LinePlot.palette.count], x: steps, y: y,
                                       lower: y, upper: y)
            }
        }
        let xLabel = "step of episode 0 of evaluation seed \(seed)"
        var probability = LinePlot(title: "\(taskID): \(pathName)", xLabel: xLabel, yLabel: "p(success)")
        probability.yRange = 0...1
        let flag = successes.map { $0 ? 1.0 : 0.0 }
        // The success rule first, so that the classifiers are drawn over it.
        let rule = LinePlot.Series(name: "success rule (0 or 1)", color: RGB8(150, 150, 150), x: steps, y: flag, lower: flag, upper: flag)
        let top = probability.render([rule] + lines(\.probabilities), font: font)

        var logOdds = LinePlot(title: "log-odds, VICE's reward (meta-NML's is p)", xLabel: xLabel, yLabel: "log-odds of success")
        let all = curves.flatMap(\.logOdds)
        // Multiples of 20, so that the four tick intervals fall on whole numbers.
        let low = 20 * ((all.min() ?? -1) / 20).rounded(.down), high = 20 * ((all.max() ?? 1) / 20).rounded(.up)
        logOdds.yRange = low...(high > low ? high : low + 20)
        let bottom = logOdds.render(lines(\.logOdds), font: font)
        return RGBImage(width: top.width, height: top.height + bottom.height, pixels: top.pixels + bottom.pixels)
    }
}
