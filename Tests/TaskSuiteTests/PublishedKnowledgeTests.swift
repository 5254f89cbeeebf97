import Physics
@testable import TaskSuite
import Testing

/// What TaskSuite publishes for other modules agrees with the task it describes.
@Suite("Published task knowledge")
struct PublishedKnowledgeTests {
    @Test("every task reports its goal metric", arguments: allTaskIDs)
    func goalMetricIsReported(task: String) throws {
        let env = try registry.makeEnvironment(task)
        let observation = try env.reset(seed: 0)
        #expect(env.metrics(observation)[env.goalMetric] != nil, "\(task) does not report \(env.goalMetric)")
    }

    /// The layout's walls are the world's static boxes, its start is where a reset puts the ball,
    /// and its indices name the ball's x and y.
    @Test("a maze's planar layout matches its world", arguments: ["maze-zigzag-v1", "maze-spiral-v3"])
    func mazeLayoutMatchesTheWorld(task: String) throws {
        let env = try registry.makeEnvironment(task)
        let layout = try #require(env.planarLayout)
        let boxes = env.world.geoms.compactMap { geom -> Rectangle? in
            guard geom.body == nil, case .box(let size) = geom.shape else { return nil }
            let centre = SIMD2(geom.position.x, geom.position.y), half = SIMD2(size.x, size.y) / 2
            return Rectangle(lower: centre - half, upper: centre + half)
        }
        #expect(layout.walls == boxes)
        let observation = try env.reset(seed: 0)
        #expect(SIMD2(observation[layout.observationIndices.x], observation[layout.observationIndices.y]) == layout.start)
        #expect(env.observationSpec.names[layout.observationIndices.x] == "ball_x")
        #expect(env.classifierFeatureSpec.names[layout.featureIndices.y] == "ball_y")
        #expect(layout.bounds == Rectangle(lower: SIMD2(env.observationSpec.lower[0], env.observationSpec.lower[1]),
                                           upper: SIMD2(env.observationSpec.upper[0], env.observationSpec.upper[1])))
        let goal = try #require(env.goalMarkers().first)
        #expect(SIMD2(goal.position.x, goal.position.y) == layout.goal)
    }

    @Test("only mazes are planar", arguments: ["pusher-v1", "door-v1", "hand-valve-v3"])
    func otherTasksHaveNoLayout(task: String) throws {
        #expect(try registry.makeEnvironment(task).planarLayout == nil)
    }
}
