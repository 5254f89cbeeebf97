/// Where a training run stands, apart from its agent, replay buffer, reward source and
/// environment: the loop's counters, accumulators and records. One Codable value, so a
/// checkpoint stores a counter added here without further code.
struct TrainingProgress: Codable, Equatable {
    /// Training statistics accumulated since the last record.
    struct Statistics: Codable, Equatable {
        var rewardSum = 0.0, rewardCount = 0
        var finishedEpisodes = 0, successfulEpisodes = 0
        var criticLossSum = 0.0, temperatureSum = 0.0, updates = 0
        /// Reward-model updates (one per epoch for a learned model) and their optimiser steps and losses.
        var rewardModelUpdates = 0, rewardModelSteps = 0, rewardModelLossSum = 0.0, rewardModelLosses = 0
    }

    /// Environment steps taken.
    var step = 0
    /// Training episodes begun before the current one; it indexes their reset seeds.
    var episode = 0
    /// The current episode's latest observation; empty before the first reset.
    var observation: [Double] = []
    var episodeSucceeded = false
    var sinceRecord = Statistics()
    var records: [TrainingRecord] = []
    /// Wall-clock seconds spent on the steps taken, across interruptions (work lost to a kill
    /// after the last checkpoint is not counted).
    var wallSeconds = 0.0
}
