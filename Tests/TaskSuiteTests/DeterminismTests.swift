import Testing
@testable import TaskSuite

/// The bit patterns of a sequence of observations.
private func bits(_ results: [StepResult]) -> [[UInt64]] {
    results.map { $0.observation.map(\.bitPattern) }
}

@Suite("Determinism")
struct DeterminismTests {
    @Test(arguments: allTaskIDs)
    func sameSeedGivesBitwiseIdenticalEpisodes(id: String) throws {
        // Two environments, a noisy expert whose noise is seeded too.
        func run() throws -> [[UInt64]] {
            let env = try registry.makeEnvironment(id)
            var policy = Policy(.expert, seed: 9, noise: 0.3)
            return bits(try rollout(env, seed: 42) { policy.action(for: $0) })
        }
        let a = try run(), b = try run()
        #expect(a == b)
        #expect(a.count == (try registry.makeEnvironment(id)).horizon)
    }

    @Test func differentSeedsGiveDifferentResets() throws {
        let env = try registry.makeEnvironment("pusher-v1")
        let starts = try (0..<8).map { try env.reset(seed: $0)[3] }
        #expect(Set(starts).count == starts.count)
        #expect(starts.allSatisfy { (-0.1...0.1).contains($0) })
    }

    @Test func doorResetsOpenAboutHalfTheTime() throws {
        let env = try registry.makeEnvironment("door-v1")
        let angles = try (0..<40).map { try env.reset(seed: $0)[3] }
        let open = angles.filter { $0 > 0 }.count
        #expect((10...30).contains(open))
        #expect(angles.allSatisfy { (0...0.3).contains($0) })
    }

    @Test(arguments: allTaskIDs)
    func snapshotRestoreContinuesBitForBit(id: String) throws {
        let env = try registry.makeEnvironment(id)
        var policy = Policy(.expert, seed: 4, noise: 0.2)
        _ = try env.reset(seed: 8)
        for _ in 0..<15 { _ = try env.step(policy.action(for: env)) }
        let snapshot = env.snapshot()
        let savedPolicy = policy
        var first: [StepResult] = []
        for _ in 0..<20 { first.append(try env.step(policy.action(for: env))) }
        // Wander off into another episode, then come back.
        _ = try env.reset(seed: 99)
        _ = try env.step([Double](repeating: 1, count: env.actionSpec.count))
        try env.restore(snapshot)
        #expect(env.stepCount == 15)
        policy = savedPolicy
        var second: [StepResult] = []
        for _ in 0..<20 { second.append(try env.step(policy.action(for: env))) }
        #expect(bits(first) == bits(second))
        #expect(first.map(\.reward) == second.map(\.reward))
    }

    @Test func resetAfterAnEpisodeMatchesAFreshEnvironment() throws {
        let used = try registry.makeEnvironment("door-v1")
        _ = try rollout(used, seed: 1) { $0.expertAction() }
        let fresh = try registry.makeEnvironment("door-v1")
        let a = try rollout(used, seed: 77) { $0.expertAction() }
        let b = try rollout(fresh, seed: 77) { $0.expertAction() }
        #expect(bits(a) == bits(b))
    }
}
