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

    /// Runs one episode from the environment's seed `seed`.
    public static func episode(_ env: any Environment, seed: UInt64, actor: Actor) throws -> EpisodeOutcome {
        var observation = try env.reset(seed: seed)
        var outcome = EpisodeOutcome(successAny: false, successFinal: false, firstSuccessStep: nil, episodeReturn: 0, steps: 0)
        while true {
            let r = try env.step(actor(env, observation))
            observation = r.observation
            outcome.steps += 1
            outcome.episodeReturn += r.reward
            if r.info.success, outcome.firstSuccessStep == nil { outcome.firstSuccessStep = outcome.steps }
            if r.terminated || r.truncated {
                outcome.successAny = outcome.firstSuccessStep != nil
                outcome.successFinal = r.info.success
                return outcome
            }
        }
    }

    /// Evaluates a reference policy; see `evaluate(_:policyName:episodes:seed:progress:makeActor:)`.
    public static func evaluate(_ env: TaskEnvironment, policy kind: PolicyKind, episodes: Int, seed: UInt64,
                                progress: (Int) -> Void = { _ in }) throws -> EvaluationReport {
        try evaluate(env, policyName: kind.rawValue, episodes: episodes, seed: seed, progress: progress) { policySeed in
            var policy = Policy(kind, seed: policySeed)
            return { env, _ in policy.action(for: env) }
        }
    }

    /// Evaluates a policy over `episodes` episodes. Episode `i`'s environment and policy seeds
    /// are the `2i`-th and `2i+1`-th outputs of `RandomGenerator(seed: seed)`, so any episode can be
    /// replayed alone; `makeActor` builds the policy for one episode from its seed.
    /// `progress` is called after each episode with the number done.
    public static func evaluate(_ env: TaskEnvironment, policyName: String, episodes: Int, seed: UInt64,
                                progress: (Int) -> Void = { _ in },
                                makeActor: (_ seed: UInt64) throws -> Actor) throws -> EvaluationReport {
        precondition(episodes > 0, "evaluate needs at least one episode")
        var seeds = RandomGenerator(seed: seed)
        var outcomes: [EpisodeOutcome] = []
        for i in 0..<episodes {
            let envSeed = seeds.next()
            outcomes.append(try episode(env, seed: envSeed, actor: try makeActor(seeds.next())))
            progress(i + 1)
        }
        return EvaluationReport(
            task: env.taskID, policy: policyName, reward: env.rewardKind, episodes: episodes, seed: seed, horizon: env.horizon,
            successAny: Statistics.wilson(successes: outcomes.filter(\.successAny).count, trials: episodes),
            successFinal: Statistics.wilson(successes: outcomes.filter(\.successFinal).count, trials: episodes),
            firstSuccessStep: Statistics.mean(outcomes.compactMap { $0.firstSuccessStep.map(Double.init) }),
            meanReturn: Statistics.mean(outcomes.map(\.episodeReturn)))
    }
}
