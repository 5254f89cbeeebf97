import Foundation
import Rewards

/// Everything a comparison varies: the grid (tasks × rewards × seeds) and the settings every
/// cell trains with.
public struct ComparisonSettings: Equatable, Sendable {
    public var tasks: [String]
    public var rewards: [String]
    /// Seeds per task and reward (seeds 0…seeds−1).
    public var seeds: Int
    /// Environment steps per run.
    public var steps: Int
    public var evaluationInterval: Int
    public var evaluationEpisodes: Int
    /// Hidden widths of the SAC networks.
    public var hiddenSizes: [Int]
    public var rewardPreset: RewardPreset
    /// Per-task replacements of `steps` and `seeds` (the suite gives each task its own budget).
    public var taskSteps: [String: Int] = [:]
    public var taskSeeds: [String: Int] = [:]
    /// Per-task SAC target entropies (a task without one keeps −|A|). The same for every reward of
    /// the task, so its comparison stays fair.
    public var taskTargetEntropies: [String: Float] = [:]
    /// The learned rewards' tuned settings (nil: the reward preset's).
    public var rewardTuning: RewardTuning?
    /// OpenBLAS threads of each cell (nil: one); see `TrainingConfiguration.blasThreads`.
    public var blasThreads: Int?

    public init(tasks: [String], rewards: [String], seeds: Int, steps: Int, evaluationInterval: Int,
                evaluationEpisodes: Int, hiddenSizes: [Int], rewardPreset: RewardPreset,
                taskSteps: [String: Int] = [:], taskSeeds: [String: Int] = [:], taskTargetEntropies: [String: Float] = [:],
                rewardTuning: RewardTuning? = nil) {
        self.tasks = tasks
        self.rewards = rewards
        self.seeds = seeds
        self.steps = steps
        self.evaluationInterval = evaluationInterval
        self.evaluationEpisodes = evaluationEpisodes
        self.hiddenSizes = hiddenSizes
        self.rewardPreset = rewardPreset
        self.taskSteps = taskSteps
        self.taskSeeds = taskSeeds
        self.taskTargetEntropies = taskTargetEntropies
        self.rewardTuning = rewardTuning
    }

    /// Environment steps of each run on `task`.
    public func steps(for task: String) -> Int { taskSteps[task] ?? steps }

    /// The per-task budgets of the grid's own tasks (nil when no task has its own): what a
    /// comparison directory records, so that the grid can later grow by other tasks.
    public var taskBudgets: [String: Int]? { ownTasks(taskSteps) }
    /// Seeds of `task` (seeds 0…n−1).
    public func seeds(for task: String) -> Int { taskSeeds[task] ?? seeds }

    /// The SAC target entropy of each run on `task` (nil: −|A|).
    public func targetEntropy(for task: String) -> Float? { taskTargetEntropies[task] }

    /// The per-task target entropies of the grid's own tasks (nil when no task has its own),
    /// recorded as `taskBudgets` are.
    public var taskEntropies: [String: Float]? { ownTasks(taskTargetEntropies) }

    private func ownTasks<Value>(_ values: [String: Value]) -> [String: Value]? {
        let own = values.filter { tasks.contains($0.key) }
        return own.isEmpty ? nil : own
    }

    /// The training settings every cell shares, as a `mural train --config` file (JSON); the
    /// cell's task, reward, seed and steps come on the command line.
    public func cellTrainingFile() throws -> Data {
        struct SAC: Encodable { var hiddenSizes: [Int] }
        struct File: Encodable {
            var evaluationInterval: Int
            var evaluationEpisodes: Int
            var rewardPreset: RewardPreset
            var rewardTuning: RewardTuning?
            var blasThreads: Int?
            var sac: SAC
        }
        return try canonicalJSON(File(evaluationInterval: evaluationInterval, evaluationEpisodes: evaluationEpisodes,
                                      rewardPreset: rewardPreset, rewardTuning: rewardTuning, blasThreads: blasThreads,
                                      sac: SAC(hiddenSizes: hiddenSizes)))
    }

    /// The name of that file in a comparison directory.
    public static let cellTrainingFileName = "cell-training.json"

    /// "3 seeds of 120000 steps", or each task's budget; then the tasks' own target entropies, if any.
    public var budgetDescription: String {
        let budgets = tasks.map { "\($0): \(seeds(for: $0)) seeds of \(steps(for: $0)) steps" }
        let uniform = Set(tasks.map { "\(seeds(for: $0)) \(steps(for: $0))" }).count <= 1
        return "\(tasks.count) task(s) × \(rewards.count) reward(s) (\(rewards.joined(separator: ", "))), "
            + (uniform ? "\(seeds(for: tasks[0])) seed(s) of \(steps(for: tasks[0])) environment steps" : budgets.joined(separator: "; "))
            + entropyDescription
    }

    /// "; SAC target entropy 0.0 on maze-spiral-v3 (−|A| on the other tasks)", or nothing when
    /// every task keeps −|A|, so that grids without their own entropies are described as before.
    private var entropyDescription: String {
        let own = tasks.compactMap { task in targetEntropy(for: task).map { "\($0) on \(task)" } }
        guard !own.isEmpty else { return "" }
        return "; SAC target entropy \(own.joined(separator: ", "))" + (own.count < tasks.count ? " (−|A| on the other tasks)" : "")
    }

    /// Every cell, task by task, reward by reward, seed by seed.
    public var cells: [GridCell] {
        tasks.flatMap { task in
            rewards.flatMap { reward in (0..<UInt64(seeds(for: task))).map { GridCell(task: task, reward: reward, seed: $0) } }
        }
    }

    /// Values given explicitly (on the command line); each replaces the preset's.
    public struct Overrides: Sendable {
        public var tasks: [String]?
        public var rewards: [String]?
        public var seeds: Int?
        public var steps: Int?
        public var evaluationInterval: Int?
        public var evaluationEpisodes: Int?
        public var hiddenSizes: [Int]?
        public var rewardPreset: RewardPreset?
        public var blasThreads: Int?
        /// VICE's loss, in place of the preset's (its other reward tuning stays).
        public var viceLoss: VICERewardModel.LossKind?

        public init(tasks: [String]? = nil, rewards: [String]? = nil, seeds: Int? = nil, steps: Int? = nil,
                    evaluationInterval: Int? = nil, evaluationEpisodes: Int? = nil, hiddenSizes: [Int]? = nil,
                    rewardPreset: RewardPreset? = nil, blasThreads: Int? = nil, viceLoss: VICERewardModel.LossKind? = nil) {
            (self.blasThreads, self.viceLoss) = (blasThreads, viceLoss)
            self.tasks = tasks
            self.rewards = rewards
            self.seeds = seeds
            self.steps = steps
            self.evaluationInterval = evaluationInterval
            self.evaluationEpisodes = evaluationEpisodes
            self.hiddenSizes = hiddenSizes
            self.rewardPreset = rewardPreset
        }
    }

    /// The settings of `preset` with `overrides` applied. Without a preset, tasks, rewards and
    /// steps must be given; the rest default to `mural train`'s defaults and three seeds.
    public static func resolve(preset: ComparisonPreset?, overrides: Overrides) throws -> ComparisonSettings {
        let base: ComparisonSettings
        if let preset {
            base = preset.settings
        } else {
            let missing = [("tasks", overrides.tasks == nil), ("rewards", overrides.rewards == nil),
                           ("steps", overrides.steps == nil)].filter(\.1).map(\.0)
            guard missing.isEmpty else { throw ExperimentError.missingSettings(missing) }
            base = ComparisonSettings(tasks: [], rewards: [], seeds: 3, steps: 0, evaluationInterval: 1000,
                                      evaluationEpisodes: 10, hiddenSizes: [256, 256], rewardPreset: .fast)
        }
        // An explicit --steps or --seeds applies to every task, replacing per-task values.
        var settings = ComparisonSettings(
            tasks: overrides.tasks ?? base.tasks, rewards: overrides.rewards ?? base.rewards,
            seeds: overrides.seeds ?? base.seeds, steps: overrides.steps ?? base.steps,
            evaluationInterval: overrides.evaluationInterval ?? base.evaluationInterval,
            evaluationEpisodes: overrides.evaluationEpisodes ?? base.evaluationEpisodes,
            hiddenSizes: overrides.hiddenSizes ?? base.hiddenSizes, rewardPreset: overrides.rewardPreset ?? base.rewardPreset,
            taskSteps: overrides.steps == nil ? base.taskSteps : [:], taskSeeds: overrides.seeds == nil ? base.taskSeeds : [:],
            // Not a budget: a task's target entropy stays whatever --steps and --seeds say.
            taskTargetEntropies: base.taskTargetEntropies, rewardTuning: base.rewardTuning)
        settings.blasThreads = overrides.blasThreads.map(TrainingConfiguration.blasThreads) ?? base.blasThreads
        if let viceLoss = overrides.viceLoss {
            var tuning = base.rewardTuning ?? RewardTuning()
            tuning.viceLoss = viceLoss
            settings.rewardTuning = tuning
        }
        try settings.validate()
        return settings
    }

    /// Fails naming the first setting out of range by its name here (`evaluationInterval`).
    public func validate() throws {
        func positive(_ value: Int, _ setting: String) throws {
            guard value > 0 else { throw ExperimentError.invalidSetting(setting: setting, problem: "must be positive, got \(value)") }
        }
        try positive(blasThreads ?? 1, "blasThreads")
        guard !tasks.isEmpty else { throw ExperimentError.invalidSetting(setting: "tasks", problem: "names no task") }
        guard !rewards.isEmpty else { throw ExperimentError.invalidSetting(setting: "rewards", problem: "names no reward") }
        try positive(seeds, "seeds")
        try positive(steps, "steps")
        for (task, value) in taskSteps.sorted(by: { $0.key < $1.key }) { try positive(value, "the step budget of \(task)") }
        for (task, value) in taskSeeds.sorted(by: { $0.key < $1.key }) { try positive(value, "the seed count of \(task)") }
        for (task, value) in taskTargetEntropies.sorted(by: { $0.key < $1.key }) where !value.isFinite {
            throw ExperimentError.invalidSetting(setting: "the target entropy of \(task)", problem: "must be finite, got \(value)")
        }
        try rewardTuning?.validate()
        try positive(evaluationInterval, "evaluationInterval")
        try positive(evaluationEpisodes, "evaluationEpisodes")
        guard !hiddenSizes.isEmpty, hiddenSizes.allSatisfy({ $0 > 0 }) else {
            throw ExperimentError.invalidSetting(setting: "hiddenSizes", problem: "must be positive widths, got \(hiddenSizes)")
        }
    }
}

/// A named comparison: `quick` to see the pipeline and the rewards' ordering on one maze, `paper`
/// for MURAL's benchmark at its reference budget. Every value of both lives here.
public struct ComparisonPreset: Sendable {
    public var name: String
    /// What the preset is for, in a few words.
    public var purpose: String
    public var settings: ComparisonSettings

    /// One line, for help texts and the report's preamble; the numbers come from `settings`, so
    /// they stay true when the preset is tuned.
    public var summary: String { "\(purpose): \(settings.budgetDescription)" }

    public static let quick = ComparisonPreset(
        name: "quick",
        purpose: "MURAL's central effect on the zigzag maze in minutes",
        // SAC at (64, 64) and meta-NML's fast preset keep nine cells of 120k steps near 11 minutes
        // on 2 cores; the maze's start is fixed, so 5 deterministic episodes per evaluation suffice.
        settings: ComparisonSettings(
            tasks: ["maze-zigzag-v1"], rewards: ["metanml", "vice", "sparse"], seeds: 3, steps: 120_000,
            evaluationInterval: 5000, evaluationEpisodes: 5, hiddenSizes: [64, 64], rewardPreset: .fast))

    public static let paper = ComparisonPreset(
        name: "paper",
        purpose: "MURAL's benchmark at its reference budget, 1000 epochs of 1000 steps, and model sizes",
        settings: ComparisonSettings(
            tasks: ["maze-zigzag-v1", "maze-spiral-v3", "pusher-v1", "door-v1", "hand-valve-v3"],
            rewards: ["metanml", "vice", "count", "sparse"], seeds: 5, steps: 1_000_000,
            evaluationInterval: 10_000, evaluationEpisodes: 10, hiddenSizes: [256, 256], rewardPreset: .paper))

    /// The suite's answer to "does MURAL beat VICE?": every task, the two classifiers, the
    /// exploration-only and sparse baselines and the dense oracle as the ceiling. Each task's step
    /// budget comes from the dense oracle's ceiling runs (results/ceiling/README.md): 300k where it
    /// holds ≥ 0.9 by then, 500k on the pusher and the hand; the mazes, whose start is fixed so
    /// that each seed is one sample, get 10 seeds. Each evaluation runs 30 episodes (the same 30
    /// in every evaluation of a run): 10 left a run's score at the mercy of one or two hard
    /// episodes, and evaluation never changes training's bits. The learned rewards run with the
    /// tuning sweep's choice (results/tuning), frozen here: meta-NML's inner step at a quarter of
    /// the fast preset's (α = 0.04 on the mazes and the pusher, 0.01 on the door and the hand),
    /// VICE with a 10× learning rate and without the discriminator's log π term (as in
    /// VICE-RAQ): the term evaluates the policy on teleported success examples it never visits,
    /// and on the door's tuning seeds it cut VICE from 0.56 to 0.07 (results/ablation-vice-loss);
    /// `--vice-loss discriminator` runs the paper's VICE. On the mazes, the pusher and the hand
    /// every reward trains SAC with target entropy 0 instead of −|A| (−2; −16 on the hand): with
    /// −|A| the dense oracle's policies stalled short of the goal on some seeds (along the mazes'
    /// walls, the zigzag's goal reached in 4 of 10 suite seeds; the pusher's puck left just
    /// outside the goal on one seed of five; the hand's valve stopped short of the target or
    /// pushed past it on one seed of five; results/suite-superseded). The door keeps −|A|.
    public static let suite = ComparisonPreset(
        name: "suite",
        purpose: "Does MURAL beat VICE? Every task, with baselines and the dense ceiling",
        settings: ComparisonSettings(
            tasks: ["maze-zigzag-v1", "maze-spiral-v3", "pusher-v1", "door-v1", "hand-valve-v3"],
            rewards: ["metanml", "vice", "count", "sparse", "dense"], seeds: 5, steps: 300_000,
            evaluationInterval: 10_000, evaluationEpisodes: 30, hiddenSizes: [64, 64], rewardPreset: .fast,
            taskSteps: ["maze-zigzag-v1": 300_000, "maze-spiral-v3": 300_000, "pusher-v1": 500_000, "hand-valve-v3": 500_000],
            taskSeeds: ["maze-zigzag-v1": 10, "maze-spiral-v3": 10],
            taskTargetEntropies: ["maze-zigzag-v1": 0, "maze-spiral-v3": 0, "pusher-v1": 0, "hand-valve-v3": 0],
            rewardTuning: RewardTuning(metaNMLInnerStepScale: 0.25, viceLearningRate: 1e-3, viceLoss: .binaryCrossEntropy)))

    public static let all = [quick, suite, paper]

    /// The preset called `name`, with an error that lists the valid ones.
    public init(named name: String) throws {
        guard let preset = ComparisonPreset.all.first(where: { $0.name == name }) else {
            throw ExperimentError.invalidValue(
                "unknown preset '\(name)'; valid presets: \(ComparisonPreset.all.map(\.name).joined(separator: ", "))")
        }
        self = preset
    }

    init(name: String, purpose: String, settings: ComparisonSettings) {
        self.name = name
        self.purpose = purpose
        self.settings = settings
    }
}
