import Testing
@testable import TaskSuite

@Suite("Mazes")
struct MazeTests {
    private func scene(_ env: TaskEnvironment) throws -> MazeScene {
        try #require(env.scene as? MazeScene)
    }

    /// Pushes the ball straight at every wall from both sides at full speed and checks that
    /// it never sinks deeper than one substep's travel, far from the wall's mid-line.
    @Test(arguments: ["maze-zigzag-v1", "maze-spiral-v3"])
    func ballNeverPassesAWall(id: String) throws {
        let env = try registry.makeEnvironment(id)
        let maze = try scene(env)
        let p = maze.parameters
        let substepTravel = p.maxDisplacement / Double(env.definition.timing.substeps)
        for wall in p.walls {
            let vertical = wall.from.x == wall.to.x
            let middle = (wall.from + wall.to) / 2
            for side in [-1.0, 1.0] {
                // Start 0.6 from the wall's line, opposite the middle of the segment.
                let start = vertical ? SIMD2(middle.x + side * 0.6, middle.y) : SIMD2(middle.x, middle.y + side * 0.6)
                guard p.isClear(start, clearance: p.ballRadius) else { continue }
                _ = try env.reset(seed: 0)
                try maze.placeForTest(start)
                let push: [Double] = vertical ? [-side, 0] : [0, -side]
                for _ in 0..<20 {
                    let o = try env.step(push).observation
                    let across = vertical ? (o[0] - wall.from.x) * side : (o[1] - wall.from.y) * side
                    // At most one substep's travel deep, so far from the mid-line.
                    #expect(across >= p.ballRadius + p.wallThickness / 2 - substepTravel - 1e-9,
                            "\(id): ball crossed into wall \(wall) (\(across))")
                }
            }
        }
    }

    @Test func randomWalksStayInsideFreeSpaceAndOnThePlane() throws {
        let env = try registry.makeEnvironment("maze-spiral-v3")
        let p = try scene(env).parameters
        let substepTravel = p.maxDisplacement / Double(env.definition.timing.substeps)
        var policy = Policy(.random, seed: 3)
        for episode in 0..<3 {
            for r in try rollout(env, seed: UInt64(episode), policy: { policy.action(for: $0) }) {
                let xy = SIMD2(r.observation[0], r.observation[1])
                // The ball may sink one substep's travel into a wall, never deeper.
                #expect(p.isClear(xy, clearance: p.ballRadius - substepTravel), "ball at \(xy) is deep in a wall")
            }
            #expect(abs(env.world.body(named: "ball_body")!.position.z) < 1e-9)
        }
    }

    @Test func geodesicDistanceFollowsTheCorridors() throws {
        let zigzag = try scene(try registry.makeEnvironment("maze-zigzag-v1")).field
        #expect(zigzag.distance(from: SIMD2(3, 3)) < 0.1)
        // Start to goal around both walls' ends: about 17, twice the straight 8.5.
        let fromStart = zigzag.distance(from: SIMD2(-3, -3))
        #expect(fromStart > 15 && fromStart < 20, "\(fromStart)")
        // Either side of a wall: close in space, far in the maze.
        let left = zigzag.distance(from: SIMD2(-1.8, -3)), right = zigzag.distance(from: SIMD2(-0.9, -3))
        #expect(left - right > 5)
        let spiral = try scene(try registry.makeEnvironment("maze-spiral-v3")).field
        #expect(spiral.distance(from: SIMD2(-0.5, 1.25)) < 0.1)
        #expect(spiral.distance(from: SIMD2(-3, -3)) > 15)
    }
}

extension MazeScene {
    /// Moves the ball (tests only).
    func placeForTest(_ p: SIMD2<Double>) throws {
        try world.body(named: "ball_body")!.setPosition(SIMD3(p.x, p.y, 0))
    }
}
