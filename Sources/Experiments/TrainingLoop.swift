import Agents
import Foundation
import NeuralNet
import TaskSuite

/// What a training run does. Every hyperparameter that changes results lives here, so the
/// resolved configuration written to a run directory says exactly what ran.
public struct TrainingConfiguration: Codable, Sendable, Equatable {
    public var task: String
    public var reward: RewardChoice
    /// Environment steps to take.
    public var steps: Int
    public var seed: UInt64
    /// Environment steps per epoch; learned reward models retrain at the end of each.
    public var epochLength: Int = 1000
    /// Environment steps between evaluations.
    public var evaluationInterval: Int = 1000
    /// Deterministic-policy episodes per evaluation (MURAL used 3; more gives tighter numbers).
    public var evaluationEpisodes: Int = 10
    /// Environment steps between checkpoints (one is also written after the last step). A kill
    /// loses at most this much work; each checkpoint costs about one write of the replay buffer.
    public var checkpointInterval: Int = 5000
    /// Model sizes of learned rewards (`fast` or the paper's).
    public var rewardPreset = RewardPreset.fast
    /// Success examples generated for learned rewards (MURAL used 150 + 100 for validation).
    public var successExamples = 200
    /// Tuned settings of the learned rewards (nil: the reward preset's).
    public var rewardTuning: RewardTuning?
    public var sac = SACConfiguration()
    /// OpenBLAS threads (nil: one). Paper-size meta-NML's large layers gain from a few; RL-sized
    /// ones do not. Results are bitwise reproducible for a fixed count, but another count sums in
    /// another order, so it is part of the configuration and a resume under another is refused.
    public var blasThreads: Int?

    /// The `blasThreads` value for `count` threads: one is the default and is spelled by leaving
    /// it out, so that files written without a count keep their bytes.
    public static func blasThreads(_ count: Int) -> Int? { count == 1 ? nil : count }

    public init(task: String, reward: RewardChoice, steps: Int, seed: UInt64) {
        self.task = task
        self.reward = reward
        self.steps = steps
        self.seed = seed
    }

    public func validate() throws {
        func positive(_ value: Int, _ name: String) throws {
            guard value > 0 else { throw ExperimentError.invalidValue("\(name) must be positive, got \(value)") }
        }
        try positive(steps, "steps")
        try positive(epochLength, "epoch length")
        try positive(evaluationInterval, "evaluation interval")
        try positive(evaluationEpisodes, "evaluation episodes")
        try positive(checkpointInterval, "checkpoint interval")
        try positive(sac.batchSize, "SAC batch size")
        try positive(blasThreads ?? 1, "the number of OpenBLAS threads")
        try rewardTuning?.validate()
        guard !sac.hiddenSizes.isEmpty, sac.hiddenSizes.allSatisfy({ $0 > 0 }) else {
            throw ExperimentError.invalidValue("SAC hidden sizes must be positive, got \(sac.hiddenSizes)")
        }
    }
}

/// One evaluation of the deterministic policy, and training statistics since the last one.
public struct TrainingRecord: Codable, Sendable, Equatable {
    public var step: Int
    public var epoch: Int
    public var wallSeconds: Double
    public var trainingEpisodes: Int
    /// Fraction of evaluation episodes in which any step succeeded.
    public var successAny: Double
    /// Fraction of evaluation episodes that ended in success.
    public var successFinal: Double
    /// Means over evaluation episodes of the task's metrics on the final step (for example
    /// "distance", "geodesic_distance", "puck_distance", "angle").
    public var finalMetrics: [String: Double]
    /// Mean reward the agent trained on since the last record (stored or relabelled).
    public var meanTrainingReward: Double
    /// Fraction of training episodes since the last record in which any step succeeded.
    public var trainingSuccess: Double
    public var criticLoss: Double
    public var temperature: Double
    /// Optimiser steps of the reward model since the last record (meta-steps for meta-NML; 0 for
    /// sparse and count); nil for the task's own rewards, which have no model.
    public var rewardModelSteps: Int?
    /// Mean training loss of those steps (meta-NML's outer loss, VICE's classifier loss).
    public var rewardModelLoss: Double?
}

/// Soft Actor-Critic on a task with a pluggable reward source: warm-up with random actions,
/// collect, update, retrain the reward source every epoch, evaluate the deterministic policy
/// every `evaluationInterval` steps on a fixed set of evaluation seeds, and checkpoint every
/// `checkpointInterval` steps (see `TrainingLoop+Checkpoint.swift`).
public final class TrainingLoop {
    public let configuration: TrainingConfiguration
    public let agent: SACAgent
    public let replay: ReplayBuffer
    let environment: TaskEnvironment
    let evaluationEnvironment: TaskEnvironment
    public let rewards: RewardSource
    var progress = TrainingProgress()

    public var step: Int { progress.step }
    /// Every evaluation so far, including those made before the run was resumed.
    public var records: [TrainingRecord] { progress.records }

    /// `rewards` builds the reward source for the loop's agent (VICE's reward needs its policy).
    public init(configuration: TrainingConfiguration, environment: TaskEnvironment, evaluationEnvironment: TaskEnvironment,
                rewards: (SACAgent) throws -> RewardSource) throws {
        try configuration.validate()
        self.configuration = configuration
        self.environment = environment
        self.evaluationEnvironment = evaluationEnvironment
        var sac = configuration.sac
        sac.replayCapacity = min(sac.replayCapacity, configuration.steps)
        agent = SACAgent(observationSize: environment.observationSpec.count, actionSize: environment.actionSpec.count,
                         configuration: sac, seed: SeedStream.agent.seed(configuration.seed))
        replay = agent.makeReplayBuffer(featureSize: environment.classifierFeatureSpec.count)
        self.rewards = try rewards(agent)
    }

    /// Runs to `configuration.steps`, calling `onRecord` after every evaluation. With a
    /// `checkpointPath`, writes a checkpoint there every `checkpointInterval` steps and after the
    /// last one, after that step's evaluation.
    ///
    /// Before each step it asks `stop` (by default, whether the process caught a termination
    /// signal; see `StopRequest`): on a signal it writes a checkpoint of the steps so far, unless
    /// the last one already holds them, and throws `Interruption`. Resuming from that checkpoint
    /// ends bit for bit as a run that never stopped.
    public func run(checkpointPath: String? = nil, stop: () -> Int32? = { StopRequest.signal },
                    onRecord: (TrainingRecord) throws -> Void) throws {
        let start = ContinuousClock.now
        let earlierWallSeconds = progress.wallSeconds
        func wallSeconds() -> Double {
            let elapsed = ContinuousClock.now - start
            return earlierWallSeconds + elapsed.inSeconds
        }
        // A resumed loop starts from its checkpoint's step; a fresh one has nothing to save yet.
        var checkpointedStep = step
        if progress.observation.isEmpty { try beginEpisode() }
        while step < configuration.steps {
            if let signal = stop() {
                if let checkpointPath, step > checkpointedStep {
                    progress.wallSeconds = wallSeconds()
                    try saveCheckpoint(to: checkpointPath)
                    checkpointedStep = step
                }
                let kept = checkpointPath == nil ? "no checkpoint" : checkpointedStep > 0 ? "checkpointed" : "nothing to checkpoint"
                throw Interruption(signal: signal, details: "stopped after \(step) of \(configuration.steps) steps (\(kept))")
            }
            try collectOneStep()
            if agent.isReadyToUpdate(replay: replay) {
                for _ in 0..<configuration.sac.updatesPerStep { train() }
            }
            if step % configuration.epochLength == 0 {
                if let update = try rewards.endEpoch(step / configuration.epochLength - 1, replay: replay) {
                    progress.sinceRecord.rewardModelUpdates += 1
                    progress.sinceRecord.rewardModelSteps += update.optimizerSteps
                    if let loss = update.meanLoss {
                        progress.sinceRecord.rewardModelLossSum += loss
                        progress.sinceRecord.rewardModelLosses += 1
                    }
                }
            }
            if step % configuration.evaluationInterval == 0 || step == configuration.steps {
                let record = try evaluate(wallSeconds: wallSeconds())
                progress.records.append(record)
                try onRecord(record)
            }
            if let checkpointPath, step % configuration.checkpointInterval == 0 || step == configuration.steps {
                progress.wallSeconds = wallSeconds()
                try saveCheckpoint(to: checkpointPath)
                checkpointedStep = step
            }
        }
    }

    private func beginEpisode() throws {
        progress.observation = try environment.reset(
            seed: SeedStream.trainingEpisodes.seed(configuration.seed, index: UInt64(progress.episode)))
        progress.episodeSucceeded = false
    }

    private func collectOneStep() throws {
        let state = progress.observation.map(Float.init)
        let action = agent.explorationAction(observation: state, environmentStep: step)
        let result = try environment.step(action.map(Double.init))
        let features = environment.classifierFeatures(result.observation).map(Float.init)
        var reward: Float = 0
        if rewards.timing == .storedAtCollection {
            reward = try rewards.reward(reaching: result.observation, features: features, success: result.info.success)
            progress.sinceRecord.rewardSum += Double(reward)
            progress.sinceRecord.rewardCount += 1
        }
        // Time limits are not terminal states: the critic keeps bootstrapping through them.
        replay.append(observation: state, action: action, nextObservation: result.observation.map(Float.init),
                      terminal: result.terminated, timeLimit: result.truncated, features: features, reward: reward)
        progress.step += 1
        progress.episodeSucceeded = progress.episodeSucceeded || result.info.success
        if result.terminated || result.truncated {
            progress.sinceRecord.finishedEpisodes += 1
            if progress.episodeSucceeded { progress.sinceRecord.successfulEpisodes += 1 }
            progress.episode += 1
            try beginEpisode()
        } else {
            progress.observation = result.observation
        }
    }

    private func train() {
        let statistics: SACUpdateStatistics
        if rewards.timing == .recomputedPerBatch {
            let source = rewards
            var batchMean = 0.0
            statistics = agent.update(from: replay) { batch in
                source.relabel(batch)
                batchMean = batch.rewards.reduce(0.0) { $0 + Double($1) } / Double(batch.size)
            }
            progress.sinceRecord.rewardSum += batchMean
            progress.sinceRecord.rewardCount += 1
        } else {
            statistics = agent.update(from: replay)
        }
        progress.sinceRecord.criticLossSum += Double(statistics.criticLoss)
        progress.sinceRecord.temperatureSum += Double(statistics.temperature)
        progress.sinceRecord.updates += 1
    }

    /// Evaluates the deterministic policy and summarises training since the last record.
    private func evaluate(wallSeconds: Double) throws -> TrainingRecord {
        var successAny = 0, successFinal = 0
        var metrics: [String: Double] = [:]
        for j in 0..<configuration.evaluationEpisodes {
            let seed = SeedStream.evaluationEpisodes.seed(configuration.seed, index: UInt64(j))
            let outcome = try Evaluator.episode(evaluationEnvironment, seed: seed) { [agent] _, observation in
                agent.act(observation: observation.map(Float.init), deterministic: true).map(Double.init)
            }
            if outcome.successAny { successAny += 1 }
            if outcome.successFinal { successFinal += 1 }
            metrics.merge(outcome.finalMetrics, uniquingKeysWith: +)
        }
        let n = Double(configuration.evaluationEpisodes)
        let s = progress.sinceRecord
        progress.sinceRecord = TrainingProgress.Statistics()
        return TrainingRecord(
            step: step, epoch: step / configuration.epochLength, wallSeconds: wallSeconds,
            trainingEpisodes: progress.episode, successAny: Double(successAny) / n, successFinal: Double(successFinal) / n,
            finalMetrics: metrics.mapValues { $0 / n },
            meanTrainingReward: s.rewardCount > 0 ? s.rewardSum / Double(s.rewardCount) : .nan,
            trainingSuccess: s.finishedEpisodes > 0 ? Double(s.successfulEpisodes) / Double(s.finishedEpisodes) : .nan,
            criticLoss: s.updates > 0 ? s.criticLossSum / Double(s.updates) : .nan,
            temperature: s.updates > 0 ? s.temperatureSum / Double(s.updates) : .nan,
            rewardModelSteps: s.rewardModelUpdates > 0 ? s.rewardModelSteps : nil,
            rewardModelLoss: s.rewardModelLosses > 0 ? s.rewardModelLossSum / Double(s.rewardModelLosses) : nil)
    }
}
