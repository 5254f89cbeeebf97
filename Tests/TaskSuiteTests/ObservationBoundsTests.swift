@testable import TaskSuite
import Testing

/// Count grids and reward maps are built over the observation spec's bounds, so a state
/// outside them would be clamped into the wrong cell or drawn off the map.
@Suite("Observation bounds")
struct ObservationBoundsTests {
    /// Components of `observation` outside `spec`'s bounds, as "name = value ∉ [lower, upper]".
    static func violations(_ observation: [Double], _ spec: ArraySpec) -> [String] {
        spec.names.indices.compactMap { i in
            let value = observation[i]
            guard !(spec.lower[i]...spec.upper[i]).contains(value) else { return nil }
            return "\(spec.names[i]) = \(value) ∉ [\(spec.lower[i]), \(spec.upper[i])]"
        }
    }

    /// Tasks known to leave their bounds, and how; reported, to be fixed in Tasks/ (then the
    /// known issue goes unrecorded and this test asks for the entry's removal).
    static let knownViolations: [String: String] = [
        "door-v1": "hand_y reaches 0.29999999999999993, one rounding below its lower bound 0.3",
        "hand-valve-v3": "finger joints pass their limits under contact (ODE's limits are soft): joint 0 up to ±0.81 "
            + "against ±0.6, joint 1 up to 0.98 against 0.7",
    ]

    @Test("observations on seeded random and expert rollouts stay inside the spec", arguments: allTaskIDs)
    func rolloutsStayInBounds(task: String) throws {
        let env = try registry.makeEnvironment(task)
        var found: [String] = []
        for kind in [PolicyKind.random, .expert] {
            for seed: UInt64 in 0..<4 {
                var policy = Policy(kind, seed: 100 + seed)
                found += Self.violations(try env.reset(seed: seed), env.observationSpec).map { "\(kind) seed \(seed) reset: \($0)" }
                for (step, result) in try rollout(env, seed: seed, policy: { policy.action(for: $0) }).enumerated() {
                    found += Self.violations(result.observation, env.observationSpec).map { "\(kind) seed \(seed) step \(step): \($0)" }
                }
            }
        }
        let check = { #expect(found.isEmpty, "\(task): \(found.count) observation components out of bounds, first \(found.prefix(5))") }
        if let known = Self.knownViolations[task] {
            withKnownIssue(Comment(rawValue: known), check)
        } else {
            check()
        }
    }
}
