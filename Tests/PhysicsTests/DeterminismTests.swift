import CODE
import Foundation
import Physics
import TestSupport
import Testing

@Suite("Determinism contract")
struct DeterminismTests {
    @Test("same scene and seed give bitwise-identical states in one process", arguments: ReferenceScene.Kind.allCases)
    func sameSeedSameBits(kind: ReferenceScene.Kind) throws {
        let a = try trajectory(ReferenceScene(kind, seed: 7), steps: 300)
        let b = try trajectory(ReferenceScene(kind, seed: 7), steps: 300)
        #expect(firstDivergence(a, b) == nil, "two runs of the \(kind) scene diverged")
    }

    @Test("different seeds give different trajectories (the seed reaches the solver)")
    func seedMatters() throws {
        let a = try trajectory(ReferenceScene(.articulated, seed: 1), steps: 200)
        let b = try trajectory(ReferenceScene(.articulated, seed: 2), steps: 200)
        #expect(a.last != b.last, "seeds 1 and 2 gave identical articulated trajectories")
    }

    @Test("worlds stepped concurrently on two threads match sequential runs")
    func threadsDoNotShareSolverRNG() async throws {
        let expected = try ReferenceScene.Kind.allCases.map { try fingerprint($0, seed: 3, steps: 300) }
        let concurrent = try await withThrowingTaskGroup(of: (Int, String).self) { group in
            for (i, kind) in ReferenceScene.Kind.allCases.enumerated() {
                group.addTask { (i, try fingerprint(kind, seed: 3, steps: 300)) }
            }
            var out = Array(repeating: "", count: expected.count)
            for try await (i, hex) in group { out[i] = hex }
            return out
        }
        #expect(concurrent == expected)
    }

    @Test("two processes give the same fingerprint as this one", .tags(.slow), .skippedInFastTier,
          arguments: ReferenceScene.Kind.allCases)
    func acrossProcesses(kind: ReferenceScene.Kind) throws {
        let here = try fingerprint(kind, seed: 11, steps: 400)
        let first = try runMural(["fingerprint", "--scene", kind.rawValue, "--seed", "11", "--steps", "400"])
        let second = try runMural(["fingerprint", "--scene", kind.rawValue, "--seed", "11", "--steps", "400"])
        #expect(first == here, "child process 1 printed \(first), this process computed \(here)")
        #expect(second == here, "child process 2 printed \(second), this process computed \(here)")
    }

    @Test("restore then replay matches the original continuation bit for bit", arguments: ReferenceScene.Kind.allCases)
    func snapshotRestoreIsExact(kind: ReferenceScene.Kind) throws {
        let scene = try ReferenceScene(kind, seed: 5)
        _ = try trajectory(scene, steps: 137)
        let snapshot = scene.world.snapshot()
        let original = try trajectory(scene, steps: 250)
        try scene.world.restore(snapshot)
        let replay = try trajectory(scene, steps: 250)
        #expect(firstDivergence(original, replay) == nil, "replay after restore diverged")

        // Restoring the same snapshot into a freshly built world continues identically too.
        let fresh = try ReferenceScene(kind, seed: 999)
        try fresh.world.restore(snapshot)
        let freshReplay = try trajectory(fresh, steps: 250)
        #expect(firstDivergence(original, freshReplay) == nil, "replay in a fresh world diverged")
    }

    @Test("a snapshot survives a JSON round trip exactly")
    func snapshotCodable() throws {
        let scene = try ReferenceScene(.articulated, seed: 2)
        _ = try trajectory(scene, steps: 50)
        let snapshot = scene.world.snapshot()
        let decoded = try JSONDecoder().decode(WorldSnapshot.self, from: JSONEncoder().encode(snapshot))
        #expect(decoded == snapshot)
    }

    @Test("contact order does not depend on the collision space's history")
    func canonicalContactOrder() throws {
        let a = try ReferenceScene(.articulated, seed: 4)
        let b = try ReferenceScene(.articulated, seed: 4)
        _ = try trajectory(a, steps: 120)
        let snapshot = a.world.snapshot()
        try b.world.restore(snapshot)

        // Give b's space a different history: remove and re-add geoms, which moves them to the
        // front of ODE's internal list and changes the order dSpaceCollide reports pairs in.
        let space = dGeomGetSpace(b.world.geoms[0].id)!
        for geom in b.world.geoms.reversed() where geom.index % 2 == 0 {
            dSpaceRemove(space, geom.id)
            dSpaceAdd(space, geom.id)
        }
        #expect(rawPairOrder(a.world) != rawPairOrder(b.world),
                "test precondition: the two spaces should report pairs in different orders")

        let continuationA = try trajectory(a, steps: 200)
        let continuationB = try trajectory(b, steps: 200)
        #expect(firstDivergence(continuationA, continuationB) == nil,
                "trajectories depend on the collision space's internal order")
    }
}

func fingerprint(_ kind: ReferenceScene.Kind, seed: UInt64, steps: Int) throws -> String {
    let scene = try ReferenceScene(kind, seed: seed)
    var fingerprint = StateFingerprint()
    for _ in 0..<steps {
        try scene.step()
        fingerprint.combine(scene.world)
    }
    return fingerprint.hex
}

/// The order in which ODE's broad phase reports geom pairs, as geom indices.
func rawPairOrder(_ world: World) -> [[Int]] {
    final class Collector { var pairs: [[Int]] = [] }
    let collector = Collector()
    let space = dGeomGetSpace(world.geoms[0].id)!
    dSpaceCollide(space, Unmanaged.passUnretained(collector).toOpaque()) { data, o1, o2 in
        let c = Unmanaged<Collector>.fromOpaque(data!).takeUnretainedValue()
        c.pairs.append([Int(bitPattern: dGeomGetData(o1)), Int(bitPattern: dGeomGetData(o2))])
    }
    return collector.pairs
}

@Suite("Direct-ODE baseline")
struct DirectODELoopTests {
    /// `mural bench physics` reports the wrapper's overhead over this loop; it must do the same work.
    @Test("the direct-ODE baseline does exactly the wrapper's work", arguments: ReferenceScene.Kind.allCases)
    func directLoopIsEquivalent(kind: ReferenceScene.Kind) throws {
        let scene = try ReferenceScene(kind, seed: 1)
        for _ in 0..<50 { try scene.step() }
        let start = scene.world.snapshot()
        let actions = (0..<60).map { scene.action(at: start.stepCount + $0) }
        for action in actions {
            try scene.apply(action)
            try scene.world.step()
        }
        var wrapper = StateFingerprint()
        wrapper.combine(scene.world)

        try scene.world.restore(start)
        var seed = UInt(start.solverSeed)
        try DirectODELoop(scene).run(actions, solverSeed: &seed)
        var direct = StateFingerprint()
        direct.combine(scene.world)
        #expect(direct == wrapper, "\(kind): the direct loop's final state differs from the wrapper's")
    }
}
