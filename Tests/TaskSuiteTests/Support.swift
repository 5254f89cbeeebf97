import Foundation
@testable import TaskSuite

/// The repository's task registry, shared by the tests (loading parses five small files).
let registry: TaskRegistry = {
    do { return try TaskRegistry.located() } catch { fatalError("cannot load the task registry: \(error)") }
}()

let allTaskIDs = ["door-v1", "hand-valve-v3", "maze-spiral-v3", "maze-zigzag-v1", "pusher-v1"]

/// The repository root (above Tests/TaskSuiteTests).
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// Runs one episode with `policy` and returns every step's result.
func rollout(_ env: TaskEnvironment, seed: UInt64, policy: (TaskEnvironment) -> [Double]) throws -> [StepResult] {
    _ = try env.reset(seed: seed)
    var results: [StepResult] = []
    while true {
        let r = try env.step(policy(env))
        results.append(r)
        if r.terminated || r.truncated { return results }
    }
}
