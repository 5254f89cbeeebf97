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

    public init(mural: String, blasCore: String, steps: Int, evaluationInterval: Int, evaluationEpisodes: Int, hiddenSizes: [Int],
                rewardPreset: RewardPreset, taskSteps: [String: Int]?, rewardTuning: RewardTuning?, blasThreads: Int? = nil) {
        self.blasThreads = blasThreads
        (self.mural, self.blasCore, self.steps, self.evaluationInterval, self.evaluationEpisodes) =
            (mural, blasCore, steps, evaluationInterval, evaluationEpisodes)
        (self.hiddenSizes, self.rewardPreset, self.taskSteps, self.rewardTuning) = (hiddenSizes, rewardPreset, taskSteps, rewardTuning)
    }

    /// The record of the comparison already in `directory`, if it holds one. Anything else there
    /// is left to `RunDirectory.prepare`, which refuses it with advice.
    public static func existing(in directory: URL) -> ComparisonRecord? {
        let url = directory.appendingPathComponent(RunDirectory.configurationFile)
        return FileManager.default.contents(atPath: url.path).flatMap { try? JSONDecoder().decode(ComparisonRecord.self, from: $0) }
    }

    /// This record joined to an earlier one of the same directory: the grid may grow by tasks with
    /// their own budgets, but every shared setting, and every budget both give, must be equal.
    /// Otherwise the cells would not be comparable, and `prepare` refuses the directory.
    public func growing(_ earlier: ComparisonRecord?) -> ComparisonRecord {
        guard let earlierSteps = earlier?.taskSteps, let steps = taskSteps,
              earlierSteps.allSatisfy({ steps[$0.key] == nil || steps[$0.key] == $0.value }) else { return self }
        var joined = self
        joined.taskSteps = earlierSteps.merging(steps) { _, new in new }
        return joined
    }
}
