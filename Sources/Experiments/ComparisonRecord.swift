import Foundation

/// What a comparison directory's config.json holds: the settings every cell trains with.
public struct ComparisonRecord: Codable, Equatable, Sendable {
    public var mural: String
    /// The OpenBLAS kernel the cells ran with (it changes the bits of every result).
    public var blasCore: String
    public var steps: Int
    public var evaluationInterval: Int
    public var evaluationEpisodes: Int
    public var hiddenSizes: [Int]
    public var rewardPreset: RewardPreset
    /// Per-task step budgets of the grid's tasks, when tasks have their own.
    public var taskSteps: [String: Int]?
    public var rewardTuning: RewardTuning?
    /// OpenBLAS threads of each cell (nil: one): another count gives other bits.
    public var blasThreads: Int?
    /// SAC target entropies of the grid's tasks that have their own (nil: every task's is −|A|).
    /// Left out when nil, so that the records of grids without them keep their bytes.
    public var taskTargetEntropies: [String: Float]?

    public init(mural: String, blasCore: String, steps: Int, evaluationInterval: Int, evaluationEpisodes: Int, hiddenSizes: [Int],
                rewardPreset: RewardPreset, taskSteps: [String: Int]?, rewardTuning: RewardTuning?, blasThreads: Int? = nil,
                taskTargetEntropies: [String: Float]? = nil) {
        (self.blasThreads, self.taskTargetEntropies) = (blasThreads, taskTargetEntropies)
        (self.mural, self.blasCore, self.steps, self.evaluationInterval, self.evaluationEpisodes) =
            (mural, blasCore, steps, evaluationInterval, evaluationEpisodes)
        (self.hiddenSizes, self.rewardPreset, self.taskSteps, self.rewardTuning) = (hiddenSizes, rewardPreset, taskSteps, rewardTuning)
    }

    /// The record of a comparison of `settings` by `mural` (its version) on the OpenBLAS kernel `blasCore`.
    public init(settings: ComparisonSettings, mural: String, blasCore: String) {
        self.init(mural: mural, blasCore: blasCore, steps: settings.steps, evaluationInterval: settings.evaluationInterval,
                  evaluationEpisodes: settings.evaluationEpisodes, hiddenSizes: settings.hiddenSizes, rewardPreset: settings.rewardPreset,
                  taskSteps: settings.taskBudgets, rewardTuning: settings.rewardTuning, blasThreads: settings.blasThreads,
                  taskTargetEntropies: settings.taskEntropies)
    }

    /// What every cell trained with, for a report's preamble: "mural 0.2.0, OpenBLAS kernel Haswell;
    /// evaluated every 10000 steps on 30 episodes; SAC hidden sizes 64,64, learned rewards at the
    /// fast preset; tuned: …". The grid and its budgets are the caller's to describe.
    public var trainingDescription: String {
        "mural \(mural), OpenBLAS kernel \(blasCore)" + (blasThreads.map { " with \($0) threads" } ?? "")
            + "; evaluated every \(evaluationInterval) steps on \(evaluationEpisodes) episodes; SAC hidden sizes "
            + hiddenSizes.map(String.init).joined(separator: ",") + ", learned rewards at the \(rewardPreset.rawValue) preset"
            + (rewardTuning.map { "; tuned: \($0.description)" } ?? "")
    }

    /// The budgets the record holds: "300000 environment steps per run (hand-valve-v3: 500000)",
    /// then the tasks' own SAC target entropies, if any.
    public var budgetDescription: String {
        func own<Value>(_ values: [String: Value]?) -> String {
            (values ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ")
        }
        let steps = "\(self.steps) environment steps per run" + (taskSteps == nil ? "" : " (\(own(taskSteps)))")
        return steps + (taskTargetEntropies == nil ? "" : "; SAC target entropy \(own(taskTargetEntropies)) (−|A| on the other tasks)")
    }

    /// The record of the comparison already in `directory`, if it holds one. Anything else there
    /// is left to `RunDirectory.prepare`, which refuses it with advice.
    public static func existing(in directory: URL) -> ComparisonRecord? {
        let url = directory.appendingPathComponent(RunDirectory.configurationFile)
        return FileManager.default.contents(atPath: url.path).flatMap { try? JSONDecoder().decode(ComparisonRecord.self, from: $0) }
    }

    /// Prepares `directory` for the grid of `tasks` that this record describes (`RunDirectory.prepare`):
    /// a comparison already there must have been made with the same settings, but its grid may grow
    /// (`growing`), and then its config.json records what the new tasks add. `force` deletes it instead.
    public func prepare(_ directory: URL, tasks: [String], force: Bool) throws {
        var recorded = self
        if !force, let earlier = ComparisonRecord.existing(in: directory) {
            recorded = try growing(earlier, tasks: tasks, earlierTasks: Set(ComparisonRuns.tasks(in: directory)), directory: directory.path)
            if recorded != earlier, recorded.withTaskSettings(of: earlier) == earlier {
                // Only the tasks' own settings grew. Refuses a config.json that is not exactly the earlier
                // record (another build's, say) before replacing it, so that nothing but those is changed.
                _ = try RunDirectory.prepare(directory, configuration: canonicalJSON(earlier), mode: .resume)
                try RunDirectory(directory).write(canonicalJSON(recorded), to: RunDirectory.configurationFile)
            }
        }
        _ = try RunDirectory.prepare(directory, configuration: canonicalJSON(recorded), mode: force ? .force : .resume)
    }

    /// This record, of a grid of `tasks`, joined to `earlier`, the record of `directory`, which holds
    /// runs of `earlierTasks`: the grid may grow by tasks with their own budgets or target entropies,
    /// but a task the directory already has must keep the budget and the target entropy it ran with.
    /// Every shared setting must be equal too, but that is left to `RunDirectory.prepare`, which
    /// compares the records. Otherwise the cells would not be comparable.
    /// - Throws: `ExperimentError.taskSettingMismatch`, naming the first such task.
    public func growing(_ earlier: ComparisonRecord?, tasks: [String], earlierTasks: Set<String>,
                        directory: String) throws -> ComparisonRecord {
        guard let earlier else { return self }
        func joining<Value, Effective: Equatable>(_ values: KeyPath<ComparisonRecord, [String: Value]?>,
                                                  _ effective: (ComparisonRecord, String) -> Effective,
                                                  _ describe: (Effective) -> String) throws -> [String: Value]? {
            let (old, new) = (earlier[keyPath: values] ?? [:], self[keyPath: values] ?? [:])
            for task in tasks where earlierTasks.contains(task) || old[task] != nil {
                // A task with a value of its own in neither record has the shared one, which `prepare` compares.
                let (ran, given) = (effective(earlier, task), effective(self, task))
                guard (old[task] == nil && new[task] == nil) || ran == given else {
                    throw ExperimentError.taskSettingMismatch(path: directory, task: task, recorded: describe(ran), given: describe(given))
                }
            }
            let joined = old.merging(new) { _, given in given }
            return joined.isEmpty ? nil : joined
        }
        var joined = self
        joined.taskSteps = try joining(\.taskSteps, { $0.taskSteps?[$1] ?? $0.steps }, { "\($0) steps" })
        joined.taskTargetEntropies = try joining(\.taskTargetEntropies, { $0.taskTargetEntropies?[$1] },
                                                 { "SAC target entropy \($0.map { "\($0)" } ?? "−|A|")" })
        return joined
    }

    /// This record with `other`'s per-task settings.
    func withTaskSettings(of other: ComparisonRecord) -> ComparisonRecord {
        var record = self
        (record.taskSteps, record.taskTargetEntropies) = (other.taskSteps, other.taskTargetEntropies)
        return record
    }
}
