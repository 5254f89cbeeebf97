import Foundation
import Testing
@testable import TaskSuite

/// A valve observation at `angle`: the 32 finger features at zero, then (cos, sin, rate 0).
private func valveObservation(_ angle: Double) -> [Double] {
    [Double](repeating: 0, count: 32) + [cos(angle), sin(angle), 0]
}

@Suite("Success predicates and classifier features")
struct PredicateTests {
    @Test func mazeSuccessIsDistanceToGoalBelowHalf() throws {
        let env = try registry.makeEnvironment("maze-zigzag-v1")
        #expect(env.isSuccess([3, 3.49, 0, 0]))
        #expect(env.isSuccess([2.6, 2.8, 9, 9]))  // velocities do not matter
        #expect(!env.isSuccess([3, 3.5, 0, 0]))
        #expect(!env.isSuccess([-3, -3, 0, 0]))
        let spiral = try registry.makeEnvironment("maze-spiral-v3")
        #expect(spiral.isSuccess([-0.5, 1.25, 0, 0]))
        #expect(!spiral.isSuccess([3, 3, 0, 0]))
    }

    @Test func pusherSuccessIsPuckWithinThreeCentimetres() throws {
        let env = try registry.makeEnvironment("pusher-v1")
        // [hand xyz, puck xy, velocities]; the hand's position does not matter.
        #expect(env.isSuccess([0.2, 0.3, 0.02, 0.0, 0.779, 0, 0, 0, 0]))
        #expect(env.isSuccess([0, 0.7, 0.02, 0.02, 0.77, 0, 0, 0, 0]))
        #expect(!env.isSuccess([0, 0.7, 0.02, 0.0, 0.781, 0, 0, 0, 0]))
        #expect(!env.isSuccess([0, 0.75, 0.02, 0.0, 0.6, 0, 0, 0, 0]))
    }

    @Test func doorSuccessIsAngleAtLeastThreshold() throws {
        let env = try registry.makeEnvironment("door-v1")
        #expect(env.isSuccess([0, 0.5, 0.2, 0.78, 0, 0, 0, 0]))
        #expect(env.isSuccess([0, 0.5, 0.2, 0.83, 0, 0, 0, 0]))
        #expect(!env.isSuccess([0, 0.5, 0.2, 0.7799, 0, 0, 0, 0]))
        #expect(!env.isSuccess([0, 0.5, 0.2, 0, 0, 0, 0, 0]))
    }

    @Test func valveSuccessIsWithinTheToleranceOfAQuarterTurnAcrossTheWrap() throws {
        let env = try registry.makeEnvironment("hand-valve-v3")
        #expect(env.isSuccess(valveObservation(Double.pi / 2)))
        #expect(env.isSuccess(valveObservation(Double.pi / 2 + 0.19)))
        #expect(env.isSuccess(valveObservation(Double.pi / 2 - 0.19)))
        #expect(!env.isSuccess(valveObservation(Double.pi / 2 + 0.21)))
        #expect(!env.isSuccess(valveObservation(0)))
        // A full extra turn is the same valve angle.
        #expect(env.isSuccess(valveObservation(Double.pi / 2 + 2 * Double.pi)))
        #expect(env.reward(.dense, valveObservation(1.5)) > env.reward(.dense, valveObservation(0.5)))
    }

    /// The valve's dense oracle is −|error|, plus the task's success bonus (1 from version 3 on)
    /// inside the success tolerance, where −|error| alone barely rewards holding the valve.
    @Test func valveDenseRewardAddsTheSuccessBonusInsideTheTolerance() throws {
        let env = try registry.makeEnvironment("hand-valve-v3")
        let inside = env.reward(.dense, valveObservation(Double.pi / 2 + 0.1))
        let outside = env.reward(.dense, valveObservation(Double.pi / 2 + 0.3))
        #expect(abs(inside - 0.9) < 1e-9, "0.1 rad from the target: \(inside), expected 1 − 0.1")
        #expect(abs(outside + 0.3) < 1e-9, "0.3 rad from the target: \(outside), expected −0.3")
    }

    /// The environment adds the definition's bonus to every family's shaping term, in successes only.
    @Test("the dense oracle adds the task's success bonus to a success, and only to a success, on every family", arguments: allTaskIDs)
    func denseRewardAddsTheDefinitionsBonus(id: String) throws {
        var definition = try registry.definition(id)
        let shipped = try TaskRegistry.makeEnvironment(definition, reward: .dense)
        definition.denseSuccessBonus += 2.5
        let raised = try TaskRegistry.makeEnvironment(definition, reward: .dense)
        let start = try shipped.reset(seed: 1)
        #expect(!shipped.isSuccess(start) && raised.reward(.dense, start) == shipped.reward(.dense, start), "\(id) at its start")
        let success = try ExampleGenerator.generate(shipped, count: 1, seed: 5, strategy: .teleport).observations[0]
        let added = raised.reward(.dense, success) - shipped.reward(.dense, success)
        #expect(abs(added - 2.5) < 1e-12, "\(id) at a success: the bonus added \(added), not 2.5")
    }

    @Test func sparseRewardIsThePredicateAndDenseRewardImprovesTowardSuccess() throws {
        let env = try registry.makeEnvironment("pusher-v1")
        let near: [Double] = [0, 0.7, 0.02, 0, 0.75, 0, 0, 0, 0]
        let far: [Double] = [0, 0.4, 0.02, 0, 0.6, 0, 0, 0, 0]
        #expect(env.reward(.successIndicator, near) == 1)
        #expect(env.reward(.successIndicator, far) == 0)
        #expect(env.reward(.dense, near) > env.reward(.dense, far))
        let maze = try registry.makeEnvironment("maze-zigzag-v1")
        #expect(maze.reward(.dense, [3, 3, 0, 0]) > maze.reward(.dense, [-3, -3, 0, 0]))
    }

    /// The spiral has a success bonus of 1 (from version 3 on), the zigzag none.
    @Test("the mazes' dense reward is the fraction of the way still to go, −1 at the start and 0 at the goal, plus the task's bonus inside the success radius")
    func mazeDenseRewardIsScaled() throws {
        for (task, goal, bonus) in [("maze-zigzag-v1", [3.0, 3], 0.0), ("maze-spiral-v3", [-0.5, 1.25], 1)] {
            let maze = try registry.makeEnvironment(task)
            let start = try maze.reset(seed: 0)
            #expect(abs(maze.reward(.dense, start) + 1) < 1e-12, "\(task): \(maze.reward(.dense, start)) at the start")
            #expect(abs(maze.reward(.dense, goal + [0, 0]) - bonus) < 0.01, "\(task) goal: \(maze.reward(.dense, goal + [0, 0]))")
        }
        // Against the wall 0.5 above the spiral's goal, just outside the radius, no bonus: −d/d(start) alone is within 0.03 of 0.
        let atWall = try registry.makeEnvironment("maze-spiral-v3").reward(.dense, [-0.5, 1.75, 0, 0])
        #expect(atWall < 0 && atWall > -0.03, "the spiral's wall beside the goal: \(atWall)")
    }

    @Test(arguments: [
        ("maze-zigzag-v1", ["ball_x", "ball_y"]),
        ("maze-spiral-v3", ["ball_x", "ball_y"]),
        ("pusher-v1", ["hand_x", "hand_y", "hand_z", "puck_x", "puck_y"]),
        ("door-v1", ["hand_x", "hand_y", "hand_z", "door_angle"]),
        ("hand-valve-v3", ["valve_cos", "valve_sin"]),
    ])
    func classifierFeaturesArePositionsWithoutVelocities(id: String, names: [String]) throws {
        let env = try registry.makeEnvironment(id)
        #expect(env.classifierFeatureSpec.names == names)
        #expect(!env.classifierFeatureSpec.names.contains { $0.contains("_v") || $0.hasSuffix("_rate") }, "no velocities")
        let observation = try env.reset(seed: 3)
        let features = env.classifierFeatures(observation)
        #expect(features.count == names.count)
        for (i, name) in names.enumerated() {
            #expect(features[i] == observation[env.observationSpec.names.firstIndex(of: name)!])
        }
        #expect(env.observationSpec.names.contains { $0.contains("_v") || $0.hasSuffix("_rate") },
                "policy observations carry velocities")
    }

    @Test func specsHaveANameAndBoundsForEveryComponent() throws {
        for id in allTaskIDs {
            let env = try registry.makeEnvironment(id)
            for spec in [env.observationSpec, env.actionSpec, env.classifierFeatureSpec] {
                #expect(spec.shape == [spec.names.count])
                #expect(spec.lower.count == spec.count && spec.upper.count == spec.count)
                #expect(Set(spec.names).count == spec.count)
                #expect(zip(spec.lower, spec.upper).allSatisfy { $0 <= $1 })
            }
            #expect(env.actionSpec.lower.allSatisfy { $0 == -1 } && env.actionSpec.upper.allSatisfy { $0 == 1 })
            #expect(env.horizon == (id == "hand-valve-v3" ? 200 : 100))
            #expect(abs(env.controlTimestep - env.physicsTimestep * Double(env.definition.timing.substeps)) < 1e-15)
        }
    }
}
