import Testing
@testable import TaskSuite

@Suite("Scripted experts")
struct ExpertTests {
    /// A few seeded episodes per task (the full 100-episode measurement is `mural evaluate`).
    @Test(arguments: allTaskIDs)
    func expertSucceedsInAtLeastNinetyPercentOfEpisodes(id: String) throws {
        let env = try registry.makeEnvironment(id)
        let report = try Evaluator.evaluate(env, policy: .expert, episodes: 10, seed: 2024)
        #expect(report.successAny.value >= 0.9, "\(id): expert success \(report.successAny.value)")
        #expect(report.successFinal.value >= 0.9, "\(id): expert final-step success \(report.successFinal.value)")
    }

    @Test func randomPolicyRarelySucceedsAndNeverBreaksThePhysics() throws {
        for id in allTaskIDs {
            let env = try registry.makeEnvironment(id)
            let report = try Evaluator.evaluate(env, policy: .random, episodes: 3, seed: 5)
            // Random fingers spin the light valve through the target now and then, so for the
            // hand only success on the final step is rare.
            let rate = id == "hand-valve-v3" ? report.successFinal.value : report.successAny.value
            #expect(rate < 0.5, "\(id): random success \(rate)")
        }
    }

    @Test func doorOpensTowardTheHandAndStaysInRange() throws {
        let env = try registry.makeEnvironment("door-v1")
        let results = try rollout(env, seed: 11) { $0.expertAction() }
        let angles = results.map { $0.observation[3] }
        // The hinge stops at 0.83, but ODE's limits are soft: swung from a partly open start (as
        // seed 11 starts), the door overshoots by up to 0.02 (0.850 here, the worst of seeds 0–59).
        #expect(angles.allSatisfy { $0 >= -0.01 && $0 <= 0.86 }, "door angles \(angles.min()!)...\(angles.max()!)")
        #expect(angles.last! >= 0.78)
        // The free edge has moved toward −y, where the hand works.
        let door = try #require(env.world.body(named: "door_body"))
        #expect(door.position.y < 0.7)
    }
}
