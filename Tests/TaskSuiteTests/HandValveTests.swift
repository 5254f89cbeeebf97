import Testing
@testable import TaskSuite

@Suite("Dexterous hand")
struct HandValveTests {
    /// ODE's QuickStep fingers explode when strong motors meet the joint stops (with 1 N·m
    /// servos this test saw joints 1.2 rad past their stops at 220 rad/s). Under random
    /// actions, joints must stay near their stops and move no faster than a sane bound.
    @Test func fingersStayInsideTheirStopsAndNeverRunAway() throws {
        let env = try registry.makeEnvironment("hand-valve-v3")
        let scene = try #require(env.scene as? HandValveScene)
        let p = scene.parameters
        var policy = Policy(.random, seed: 21)
        var worstOvershoot = 0.0, fastest = 0.0
        for episode in 0..<2 {
            for r in try rollout(env, seed: UInt64(episode), policy: { policy.action(for: $0) }) {
                for j in 0..<16 {
                    let range = p.jointRanges[j % 4]
                    let angle = r.observation[j]
                    worstOvershoot = max(worstOvershoot, range.lowerBound - p.limitMargin - angle,
                                         angle - range.upperBound - p.limitMargin)
                    fastest = max(fastest, abs(r.observation[16 + j]))
                }
            }
        }
        #expect(worstOvershoot < 0.3, "a joint went \(worstOvershoot) rad past its stop")
        #expect(fastest < 3 * p.servo.maxVelocity, "a joint reached \(fastest) rad/s")
    }

    @Test func actionsAreJointTargetsMappedOntoTheRanges() throws {
        let env = try registry.makeEnvironment("hand-valve-v3")
        let scene = try #require(env.scene as? HandValveScene)
        _ = try env.reset(seed: 0)
        // Hold every joint at the middle of its range for a while: the servos get there.
        var last: [Double] = []
        for _ in 0..<25 { last = try env.step([Double](repeating: 0, count: 16)).observation }
        for j in 0..<16 {
            let range = scene.parameters.jointRanges[j % 4]
            #expect(abs(last[j] - (range.lowerBound + range.upperBound) / 2) < 0.1, "joint \(j) at \(last[j])")
        }
    }
}
