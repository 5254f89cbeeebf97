import Agents
import Foundation
import NeuralNet
import Rewards
import TaskSuite

extension RunDirectory {
    /// A training run open in its directory, from its first or resumed step to its finished files.
    ///
    /// `open` locks the directory (no other process may write the run meanwhile), writes or checks
    /// its `config.json`, and builds the loop: from the checkpoint when the directory holds an
    /// unfinished run with this configuration, otherwise from the first step. `run` trains to the
    /// end, keeping the metrics and the checkpoint current, then finishes the run: the final policy,
    /// the learned reward model and a sample of the visited states, then `final.json`, which marks
    /// the run complete, and last the checkpoint is deleted.
    public final class Training {
        public let directory: RunDirectory
        public let configuration: RunConfiguration
        public let loop: TrainingLoop
        /// The checkpoint's step when the run continues an earlier process; nil when it starts at step 0.
        public let resumedStep: Int?
        private let log: MetricsLog
        /// Held until the run is released: see `RunDirectory.lock`.
        private let lock: Lock

        /// Opens the run of `training` in the directory at `url`, or returns nil when the directory
        /// already holds it finished (and `mode` is not `.force`). `mural` is the version that
        /// trains, recorded in config.json.
        public static func open(_ url: URL, training: TrainingConfiguration, mode: Mode, registry: TaskRegistry,
                                mural: String) throws -> Training? {
            try training.validate()
            BLASRuntime.setThreadCount(training.blasThreads ?? 1)
            // The environments' own reward feeds only their reported returns; learning uses `training.reward`.
            let reported = training.reward.environmentReward
            let environment = try registry.makeEnvironment(training.task, reward: reported)
            let evaluationEnvironment = try registry.makeEnvironment(training.task, reward: reported)
            let configuration = RunConfiguration(mural: mural, taskVersion: environment.taskID, blasCore: BLASRuntime.coreName,
                                                 training: training)
            let lock = try RunDirectory.lock(url)
            let (directory, existing) = try prepare(url, configuration: canonicalJSON(configuration), mode: mode)
            if existing && directory.isComplete { return nil }

            let checkpoint = directory.file(checkpointFile).path
            directory.removeAbandonedTemporaries(of: checkpointFile)
            let rewards = { (agent: SACAgent) in
                try training.reward.makeSource(environment: environment, agent: agent, preset: training.rewardPreset,
                                               tuning: training.rewardTuning ?? RewardTuning(), exampleCount: training.successExamples,
                                               seed: SeedStream.rewardModel.seed(training.seed))
            }
            let loop: TrainingLoop, resumedStep: Int?
            if existing && FileManager.default.fileExists(atPath: checkpoint) {
                loop = try TrainingLoop(resumingFrom: checkpoint, configuration: training, environment: environment,
                                        evaluationEnvironment: evaluationEnvironment, rewards: rewards)
                resumedStep = loop.step
            } else {
                loop = try TrainingLoop(configuration: training, environment: environment,
                                        evaluationEnvironment: evaluationEnvironment, rewards: rewards)
                resumedStep = nil
            }
            // Rows an interrupted process wrote after its last checkpoint are dropped; the loop makes them again.
            let log = MetricsLog(directory: directory, records: loop.records)
            try log.write()
            return Training(directory: directory, configuration: configuration, loop: loop, resumedStep: resumedStep,
                            log: log, lock: lock)
        }

        private init(directory: RunDirectory, configuration: RunConfiguration, loop: TrainingLoop, resumedStep: Int?,
                     log: MetricsLog, lock: Lock) {
            (self.directory, self.configuration, self.loop, self.resumedStep, self.log, self.lock)
                = (directory, configuration, loop, resumedStep, log, lock)
        }

        /// Trains to the configured steps, calling `onRecord` after every evaluation, then finishes
        /// the run and returns its last evaluation. When `stop` reports a signal (by default, one the
        /// process caught), it ends with `Interruption` after a checkpoint (see `TrainingLoop.run`),
        /// and the run resumes where it stopped.
        @discardableResult
        public func run(onRecord: (TrainingRecord) -> Void = { _ in },
                        stop: () -> Int32? = { StopRequest.signal }) throws -> TrainingRecord {
            try loop.run(checkpointPath: directory.file(checkpointFile).path, stop: stop) { record in
                try log.append(record)
                onRecord(record)
            }
            return try finish()
        }

        private func finish() throws -> TrainingRecord {
            try loop.agent.save(to: directory.file(policyFile).path)
            if let learned = loop.rewards as? LearnedReward {
                try learned.model.save(to: directory.file(rewardModelFile).path)
                try directory.write(Self.visitedFeatures(loop.replay), to: visitedFile)
            }
            let last = log.records.last!
            try directory.write(canonicalJSON(last), to: completionFile)
            // A complete run is never resumed, and its checkpoint holds the whole replay buffer.
            try? FileManager.default.removeItem(at: directory.file(checkpointFile))
            return last
        }

        /// Classifier features of up to 20 000 replay states, evenly spaced through the buffer, as a
        /// float32 `.npy` matrix (what reward maps draw as the visited states).
        static func visitedFeatures(_ replay: ReplayBuffer) -> Data {
            let stride = max(1, (replay.count + 19_999) / 20_000)
            let rows = Swift.stride(from: 0, to: replay.count, by: stride).map { replay.features(at: $0).map(Double.init) }
            return NPY.float32Matrix(rows, columns: replay.featureSize)
        }
    }
}

/// What a finished run leaves, read back.
extension RunDirectory {
    /// The final agent of the run (`policy.bin`).
    public func finalPolicy() throws -> SACAgent {
        try SACAgent.load(from: existing(RunDirectory.policyFile))
    }

    /// The final learned reward model of the run (`reward-model.bin`), checked against the reward
    /// its configuration names.
    public func finalRewardModel() throws -> any RewardModel {
        let path = try existing(RunDirectory.rewardModelFile)
        let model: RewardModel
        do { model = try RewardCheckpoint.load(from: path) } catch {
            throw ExperimentError.invalidFile(path: path, reason: "not a reward model checkpoint (\(error))")
        }
        let reward = try configuration().training.reward
        let kind = type(of: model).kind
        guard kind == reward.modelKind else {
            throw ExperimentError.invalidFile(
                path: path, reason: "holds a '\(kind)' model, but \(RunDirectory.configurationFile) says the run learned '\(reward.rawValue)'")
        }
        return model
    }

    /// The path of the file `name`, which must exist.
    private func existing(_ name: String) throws -> String {
        let path = file(name).path
        guard FileManager.default.fileExists(atPath: path) else { throw ExperimentError.missingFile(path: path) }
        return path
    }
}
