import Foundation
import Testing

extension Tag {
    /// Tests that start `mural` processes or learn for seconds.
    @Tag public static var slow: Self
}

extension Trait where Self == ConditionTrait {
    /// Skips a slow test in the fast tier (`scripts/test-fast` sets MURAL_FAST_TESTS=1). This
    /// toolchain's `swift test` cannot filter by tag, so slow tests carry both this trait and
    /// `.tags(.slow)`.
    public static var skippedInFastTier: Self {
        .disabled(if: ProcessInfo.processInfo.environment["MURAL_FAST_TESTS"] == "1", "slow: the fast tier skips it")
    }
}
