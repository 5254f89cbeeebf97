import Randomness

/// The random streams of a run, each with its own seed derived from the run's one seed
/// (`Randomness.derivedSeed`), so that adding a stream or changing one never shifts another.
public enum SeedStream: UInt64, Sendable {
    case agent = 1
    case trainingEpisodes = 2
    case evaluationEpisodes = 3
    case rewardModel = 4

    /// The seed of element `index` of this stream for a run seeded with `seed`.
    public func seed(_ seed: UInt64, index: UInt64 = 0) -> UInt64 {
        derivedSeed(seed, stream: rawValue, index: index)
    }
}
