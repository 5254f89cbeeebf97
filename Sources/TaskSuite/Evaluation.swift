import Randomness

/// How one episode went.
public struct EpisodeOutcome: Hashable, Sendable, Codable {
    /// The success predicate held on at least one step.
    public var successAny: Bool
    /// The success predicate held on the last step.
    public var successFinal: Bool
    /// The first step (1-based) on which the predicate held.
    public var firstSuccessStep: Int?
    /// Sum of the environment's rewards.
    public var episodeReturn: Double
    public var steps: Int
    /// The last observation, where the episode ended.
    public var finalObservation: [Double]
    /// The task's metrics of the last state (`StepInfo.metrics`).
    public var finalMetrics: [String: Double]
}

/// The seeds of episode `index` of an evaluation seeded with `seed`: one for the environment's
/// reset and one for the policy, from independent streams (`Randomness.derivedSeed`), so any
/// episode can be replayed alone; `mural render --seed S` replays `mural evaluate --seed S`.
public struct EpisodeSeeds: Hashable, Sendable {
    public var environment: UInt64
    public var policy: UInt64

    public init(evaluationSeed seed: UInt64, episode index: Int) {
        precondition(index >= 0, "episode index must be ≥ 0, got \(index)")
        environment = derivedSeed(seed, stream: 1, index: UInt64(index))
        policy = derivedSeed(seed, stream: 2, index: UInt64(index))
    }
}

/// Success and return statistics of a policy on a task, each with a 95 % interval.
public struct EvaluationReport: Hashable, Sendable, Codable {
    public var task: String
    /// "expert", "random", or the run directory of a trained policy.
    public var policy: String
    public var reward: RewardKind
    public var episodes: Int
    public var seed: UInt64
    public var horizon: Int
    /// Success counted as any step successful (Meta-World's convention). Wilson interval.
    public var successAny: Estimate
    /// Success on the final step. Wilson interval.
    public var successFinal: Estimate
    /// Mean first-success step over the episodes that succeeded. t/normal interval.
    public var firstSuccessStep: Estimate
    /// Mean episode return. t/normal interval.
    public var meanReturn: Estimate
}

public enum Evaluator {
    /// A policy being evaluated: the action for the environment's current state and observation.
    public typealias Actor = (_ env: any Environment, _ observation: [Double]) throws -> [Double]

    /// Runs one episode from the environment's seed `seed`: the one episode loop that evaluation,
    /// training's evaluations and `mural render` share. `onReset` sees the first observation,
    /// `onStep` every step's result.
    public static func episode(_ env: any Environment, seed: UInt64, actor: Actor,
                               onReset: ([Double]) throws -> Void = { _ in },
                               onStep: (StepResult) throws -> Void = { _ in }) throws -> EpisodeOutcome {
        var observation = try env.reset(seed: seed)
        try onReset(observation)
        var outcome = EpisodeOutcome(successAny: false, successFinal: false, firstSuccessStep: nil, episodeReturn: 0, steps: 0,
                                     finalObservation: observation, finalMetrics: [:])
        while true {
            let r = try env.step(actor(env, observation))
            try onStep(r)
            observation = r.observation
            outcome.steps += 1
            outcome.episodeReturn += r.reward
            if r.info.success, outcome.firstSuccessStep == nil { outcome.firstSuccessStep = outcome.steps }
            if r.terminated || r.truncated {
                outcome.successAny = outcome.firstSuccessStep != nil
                outcome.successFinal = r.info.success
                outcome.finalObservation = observation
                outcome.finalMetrics = r.info.metrics
                return outcome
            }
        }
    }

    /// Runs episode `index` of an evaluation seeded with `seed` (seeds from `EpisodeSeeds`);
    /// `makeActor` builds the policy for the episode from its seed.
    public static func episode(_ env: any Environment, index: Int, evaluationSeed seed: UInt64,
                               makeActor: (_ seed: UInt64) throws -> Actor,
                               onReset: ([Double]) throws -> Void = { _ in },
                               onStep: (StepResult) throws -> Void = { _ in }) throws -> EpisodeOutcome {
        let seeds = EpisodeSeeds(evaluationSeed: seed, episode: index)
        return try episode(env, seed: seeds.environment, actor: try makeActor(seeds.policy), onReset: onReset, onStep: onStep)
    }

    /// A reference policy (without noise) as an actor, seeded with `seed`.
    public static func actor(_ kind: PolicyKind, seed: UInt64) -> Actor {
        var policy = Policy(kind, seed: seed)
        return { env, _ in policy.action(for: env) }
    }

    /// Evaluates a reference policy; see `evaluate(_:policyName:episodes:seed:progress:makeActor:)`.
    public static func evaluate(_ env: TaskEnvironment, policy kind: PolicyKind, episodes: Int, seed: UInt64,
                                progress: (Int) -> Void = { _ in }) throws -> EvaluationReport {
        try evaluate(env, policyName: kind.rawValue, episodes: episodes, seed: seed, progress: progress) { actor(kind, seed: $0) }
    }

    /// Runs episodes `0..<episodes` of an evaluation seeded with `seed`, one outcome each.
    public static func outcomes(_ env: any Environment, episodes: Int, seed: UInt64, progress: (Int) -> Void = { _ in },
                                makeActor: (_ seed: UInt64) throws -> Actor) throws -> [EpisodeOutcome] {
        var outcomes: [EpisodeOutcome] = []
        for i in 0..<episodes {
            outcomes.append(try episode(env, index: i, evaluationSeed: seed, makeActor: makeActor))
            progress(i + 1)
        }
        return outcomes
    }

    /// Evaluates a policy over episodes `0..<episodes` of an evaluation seeded with `seed` (see
    /// `EpisodeSeeds`). `progress` is called after each episode with the number done.
    public static func evaluate(_ env: TaskEnvironment, policyName: String, episodes: Int, seed: UInt64,
                                progress: (Int) -> Void = { _ in },
                                makeActor: (_ seed: UInt64) throws -> Actor) throws -> EvaluationReport {
        precondition(episodes > 0, "evaluate needs at least one episode")
        let outcomes = try self.outcomes(env, episodes: episodes, seed: seed, progress: progress, makeActor: makeActor)
        return EvaluationReport(
            task: env.taskID, policy: policyName, reward: env.rewardKind, episodes: episodes, seed: seed, horizon: env.horizon,
            successAny: Statistics.wilson(successes: outcomes.filter(\.successAny).count, trials: episodes),
            successFinal: Statistics.wilson(successes: outcomes.filter(\.successFinal).count, trials: episodes),
            firstSuccessStep: Statistics.mean(outcomes.compactMap { $0.firstSuccessStep.map(Double.init) }),
            meanReturn: Statistics.mean(outcomes.map(\.episodeReturn)))
    }
}
