import Testing
@testable import TaskSuite

@Suite("Bad input is an error, never a crash")
struct BadInputTests {
    @Test func stepBeforeResetIsAnError() throws {
        let env = try registry.makeEnvironment("maze-zigzag-v1")
        #expect(throws: EnvironmentError.notReset(task: "maze-zigzag-v1")) { try env.step([0, 0]) }
    }

    @Test func wrongActionDimensionIsAnError() throws {
        let env = try registry.makeEnvironment("door-v1")
        _ = try env.reset(seed: 0)
        #expect(throws: EnvironmentError.wrongActionDimension(task: "door-v1", expected: 3, got: 2)) { try env.step([0, 0]) }
        #expect(throws: EnvironmentError.wrongActionDimension(task: "door-v1", expected: 3, got: 0)) { try env.step([]) }
        #expect(env.stepCount == 0)
    }

    @Test(arguments: [Double.nan, .infinity, -.infinity])
    func nonFiniteActionsAreErrors(value: Double) throws {
        let env = try registry.makeEnvironment("pusher-v1")
        _ = try env.reset(seed: 0)
        #expect(throws: EnvironmentError.self) { try env.step([0, value]) }
        do { _ = try env.step([0, value]) } catch let error as EnvironmentError {
            guard case .nonFiniteAction(_, let index, _) = error else { Issue.record("wrong error \(error)"); return }
            #expect(index == 1)
        }
        // The rejected actions left the episode untouched.
        #expect(env.stepCount == 0)
        _ = try env.step([0, 0])
        #expect(env.stepCount == 1)
    }

    @Test func outOfRangeActionsAreClippedToTheBounds() throws {
        let a = try registry.makeEnvironment("maze-zigzag-v1")
        let b = try registry.makeEnvironment("maze-zigzag-v1")
        _ = try a.reset(seed: 1)
        _ = try b.reset(seed: 1)
        let big = try a.step([7, -3]).observation
        let clipped = try b.step([1, -1]).observation
        #expect(big.map(\.bitPattern) == clipped.map(\.bitPattern))
    }

    @Test func steppingAfterTheHorizonIsAnError() throws {
        let env = try registry.makeEnvironment("maze-spiral-v3")
        let results = try rollout(env, seed: 0) { _ in [0.3, -0.2] }
        #expect(results.count == env.horizon)
        #expect(results.last!.truncated && !results.last!.terminated)
        #expect(results.dropLast().allSatisfy { !$0.truncated && !$0.terminated })
        #expect(throws: EnvironmentError.episodeEnded(task: "maze-spiral-v3", step: 100)) { try env.step([0, 0]) }
        _ = try env.reset(seed: 0)
        _ = try env.step([0, 0])
    }

    @Test func terminatingOnSuccessEndsTheEpisode() throws {
        let env = try registry.makeEnvironment("door-v1", terminatesOnSuccess: true)
        let results = try rollout(env, seed: 3) { $0.expertAction() }
        let last = try #require(results.last)
        #expect(last.terminated && !last.truncated && last.info.success)
        #expect(results.count < env.horizon)
        #expect(throws: EnvironmentError.self) { try env.step([0, 0, 0]) }
    }

    @Test func snapshotsOfAnotherTaskAreRejected() throws {
        let maze = try registry.makeEnvironment("maze-zigzag-v1")
        let door = try registry.makeEnvironment("door-v1")
        _ = try door.reset(seed: 0)
        #expect(throws: EnvironmentError.self) { try maze.restore(door.snapshot()) }
    }

    @Test func infoCarriesSuccessAndTaskMetrics() throws {
        let maze = try registry.makeEnvironment("maze-zigzag-v1")
        _ = try maze.reset(seed: 0)
        let info = try maze.step([0, 0]).info
        #expect(!info.success)
        let euclid = try #require(info.metrics["distance"])
        let geodesic = try #require(info.metrics["geodesic_distance"])
        #expect(abs(euclid - 72.0.squareRoot()) < 1e-9)
        #expect(geodesic > euclid + 2)
        let pusher = try registry.makeEnvironment("pusher-v1")
        _ = try pusher.reset(seed: 0)
        #expect(try pusher.step([0, 0]).info.metrics["puck_distance"] != nil)
        let door = try registry.makeEnvironment("door-v1")
        _ = try door.reset(seed: 0)
        #expect(try door.step([0, 0, 0]).info.metrics["angle"] != nil)
    }
}
