import TaskSuite

/// Independent seeds for each random stream of a run, derived from its one seed, so that
/// adding a stream or changing one never shifts another.
public enum SeedStream: UInt64, Sendable {
    case agent = 1
    case trainingEpisodes = 2
    case evaluationEpisodes = 3
    case rewardModel = 4

    /// The seed of element `index` of this stream for a run seeded with `seed`.
    public func seed(_ seed: UInt64, index: UInt64 = 0) -> UInt64 {
        var mixer = SplitMix64(seed: seed ^ (rawValue &* 0x9E37_79B9_7F4A_7C15))
        _ = mixer.next()
        mixer.state ^= index &* 0xD1B5_4A32_D192_ED03
        return mixer.next()
    }
}
