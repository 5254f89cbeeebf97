import TaskSuite

/// N environments of one task, stepped together: one call from the caller per batch.
final class VectorBox {
    let members: [EnvironmentBox]
    init(_ members: [EnvironmentBox]) { self.members = members }
}

let vectors = HandleTable<VectorBox>(kind: "vector environment")

/// Groups the environments `handles[0..<count]` (one task, opened with `mural_env_create*`)
/// into a vector environment. They stay open and usable on their own.
@_cdecl("mural_vec_create")
public func mural_vec_create(_ handles: UnsafePointer<UInt64>?, _ count: Int64, _ handle: UnsafeMutablePointer<UInt64>?) -> Int32 {
    guarded {
        guard count > 0 else { throw InterfaceError(.invalidArgument, "a vector environment needs at least one environment, got \(count)") }
        let ids = try buffer(handles, Int(count), "handles")
        guard Set(ids).count == ids.count else {
            throw InterfaceError(.invalidArgument, "an environment appears twice in the vector environment")
        }
        let members = try ids.map { try environments.get($0) }
        let first = members[0]
        for (i, m) in members.enumerated() where m.environment.definition.file != first.environment.definition.file
            || m.environment.taskID != first.environment.taskID {
            throw InterfaceError(.invalidArgument,
                                 "environment \(i) runs \(m.environment.taskID), environment 0 runs \(first.environment.taskID); a vector environment runs one task")
        }
        try mutableBuffer(handle, 1, "handle")[0] = vectors.insert(VectorBox(members))
    }
}

@_cdecl("mural_vec_close")
public func mural_vec_close(_ handle: UInt64) -> Int32 {
    guarded { try vectors.remove(handle) }
}

/// Resets every environment, environment i from `seeds[i]`; writes `N × observation` float32
/// observations, N success flags and `N × metrics` metrics.
@_cdecl("mural_vec_reset")
public func mural_vec_reset(_ handle: UInt64, _ seeds: UnsafePointer<UInt64>?, _ observations: UnsafeMutablePointer<Float>?,
                            _ successes: UnsafeMutablePointer<UInt8>?, _ metrics: UnsafeMutablePointer<Double>?) -> Int32 {
    guarded {
        let v = try vectors.get(handle)
        let n = v.members.count, o = v.members[0].observationCount, m = v.members[0].metricNames.count
        let s = try buffer(seeds, n, "seeds")
        let obs = try mutableBuffer(observations, n * o, "observations")
        for (i, box) in v.members.enumerated() {
            try box.locked {
                box.write(try box.environment.reset(seed: s[i]), into: obs.baseAddress! + i * o,
                          success: successes.map { $0 + i }, metrics: metrics.map { $0 + i * m })
            }
        }
    }
}

/// One step of every environment: environment i resets from `reset_seeds[i]` instead when
/// `reset_mask[i]` is 1 (its action is ignored; reward 0, not terminated, not truncated), else
/// steps under row i of `actions` (`N × action` float32, `action_count` values in all).
/// Actions are checked before any environment moves.
@_cdecl("mural_vec_step")
public func mural_vec_step(_ handle: UInt64, _ actions: UnsafePointer<Float>?, _ actionCount: Int64,
                           _ resetMask: UnsafePointer<UInt8>?, _ resetSeeds: UnsafePointer<UInt64>?,
                           _ observations: UnsafeMutablePointer<Float>?, _ rewards: UnsafeMutablePointer<Double>?,
                           _ terminated: UnsafeMutablePointer<UInt8>?, _ truncated: UnsafeMutablePointer<UInt8>?,
                           _ successes: UnsafeMutablePointer<UInt8>?, _ metrics: UnsafeMutablePointer<Double>?) -> Int32 {
    guarded {
        let v = try vectors.get(handle)
        let first = v.members[0]
        let n = v.members.count, a = first.actionCount, o = first.observationCount, m = first.metricNames.count
        guard actionCount == Int64(n * a) else {
            throw InterfaceError(.invalidArgument, "\(first.environment.taskID): actions hold \(actionCount) values, expected \(n) × \(a)")
        }
        let mask = try resetMask.map { try buffer($0, n, "reset mask") }
        let seeds = try resetSeeds.map { try buffer($0, n, "reset seeds") }
        if mask != nil, seeds == nil { throw InterfaceError(.invalidArgument, "a reset mask needs reset seeds") }
        let obs = try mutableBuffer(observations, n * o, "observations")
        let r = try mutableBuffer(rewards, n, "rewards"), term = try mutableBuffer(terminated, n, "terminated")
        let trunc = try mutableBuffer(truncated, n, "truncated"), succ = try mutableBuffer(successes, n, "successes")
        let met = try mutableBuffer(metrics, n * m, "metrics")

        var checked: [[Double]?] = Array(repeating: nil, count: n)
        for i in 0..<n where mask?[i] ?? 0 == 0 {
            checked[i] = try v.members[i].action(actions.map { $0 + i * a }, count: a)
        }
        for (i, box) in v.members.enumerated() {
            let out = obs.baseAddress! + i * o
            guard let action = checked[i] else {
                try box.locked {
                    box.write(try box.environment.reset(seed: seeds![i]), into: out, success: succ.baseAddress! + i,
                              metrics: m > 0 ? met.baseAddress! + i * m : nil)
                }
                r[i] = 0
                term[i] = 0
                trunc[i] = 0
                continue
            }
            let result = try box.locked { try box.environment.step(action) }
            for k in 0..<o { out[k] = Float(result.observation[k]) }
            r[i] = result.reward
            term[i] = result.terminated ? 1 : 0
            trunc[i] = result.truncated ? 1 : 0
            succ[i] = result.info.success ? 1 : 0
            if m > 0 { box.writeMetrics(result.info.metrics, into: met.baseAddress! + i * m) }
        }
    }
}
