@testable import Experiments
import Foundation
@testable import MuralCLI
import Render
import Rewards
import TaskSuite
import TestSupport
import Testing

/// Shared pieces of the reward-map tests: a tiny meta-NML (the real one meta-trains for
/// tens of seconds), negatives, and a scratch directory.
enum RewardMapFixture {
    static let registry: TaskRegistry = {
        do { return try TaskRegistry.located() } catch { fatalError("cannot load the task registry: \(error)") }
    }()

    /// Meta-NML with every pool and the network shrunk; the algorithm is unchanged.
    static var tinyMetaNML: MetaNMLRewardModel.Configuration {
        var c = MetaNMLRewardModel.Configuration(hiddenSize: 16, distanceThreshold: 0.5, queryPointWeight: 1)
        c.queryPoolNegatives = 8
        c.testPoolNegatives = 32
        c.testPoolPositives = 32
        c.outerNegatives = 16
        c.outerPositives = 16
        c.pointsPerTask = 8
        c.tasksPerMetaStep = 4
        c.initialMetaEpochs = 1
        c.finetuningNegatives = 16
        c.finetuningPositives = 16
        return c
    }

    /// Ball positions in zigzag's first corridor (x < −1.33), on a fixed lattice.
    static let corridorNegatives: [[Double]] = (0..<100).map { k -> [Double] in
        let column = Double(k % 5), row = Double(k / 5)
        return [-3.8 + 0.5 * column, -3.8 + 0.38 * row]
    }

    static func features(_ rows: [[Double]]) throws -> FeatureMatrix { try FeatureMatrix(rows.map { $0.map(Float.init) }) }

    /// A new empty directory, removed by the caller.
    static func scratchDirectory(_ name: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("mural-reward-map-\(getpid())-\(name)").path
        try? FileManager.default.removeItem(atPath: path)
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func writeNPY(_ rows: [[Double]], columns: Int = 2, to path: String) throws {
        try NPY.float32Matrix(rows, columns: columns).write(to: URL(fileURLWithPath: path))
    }

    /// A training run directory as `mural train` leaves it (config.json, reward-model.bin,
    /// visited.npy), with any model and states.
    static func makeRun(in directory: String, task: String = "maze-zigzag-v1", reward: RewardChoice, model: RewardModel,
                        visited: [[Double]] = corridorNegatives) throws {
        let configuration = TrainingConfiguration(task: task, reward: reward, steps: 1000, seed: 7)
        let resolved = RunConfiguration(mural: "test", taskVersion: task, blasCore: "test", training: configuration)
        try canonicalJSON(resolved).write(to: URL(fileURLWithPath: "\(directory)/config.json"))
        try model.save(to: "\(directory)/\(RunDirectory.rewardModelFile)")
        try writeNPY(visited, columns: model.featureDimension, to: "\(directory)/\(RunDirectory.visitedFile)")
    }
}

@Suite("Reward maps")
struct RewardMapTests {
    typealias Fixture = RewardMapFixture

    @Test func mazePlaneReadsTheTask() throws {
        let plane = try MazePlane(try Fixture.registry.makeEnvironment("maze-zigzag-v1"))
        let layout = plane.layout
        #expect(layout.start == SIMD2(-3, -3))
        #expect(layout.goal == SIMD2(3, 3))
        #expect(layout.successRadius == 0.5)
        #expect(plane.lower == SIMD2(-4, -4) && plane.upper == SIMD2(4, 4))
        // Two inner walls (x = ±4/3) and four around the arena.
        #expect(layout.walls.count == 6)
        #expect(layout.walls.contains { $0.lower.x < -4.0 / 3 && $0.upper.x > -4.0 / 3 && $0.upper.y > 1.9 && $0.lower.y < -3.9 })
        #expect(layout.walls.contains { $0.lower.x <= -4.2 + 1e-9 } && layout.walls.contains { $0.upper.y >= 4.2 - 1e-9 })
        #expect(plane.isSuccess(SIMD2(3.2, 3.2)) && !plane.isSuccess(SIMD2(2.4, 3)))
    }

    @Test func nonMazeTaskIsRefusedByName() throws {
        #expect {
            _ = try MazePlane(try Fixture.registry.makeEnvironment("pusher-v1"))
        } throws: { "\($0)".contains("'pusher-v1' is a pusher task") }
    }

    /// The count bonus is exact: 1/√N in visited cells, 1 elsewhere, plus the sparse reward.
    @Test func gridHoldsTheModelsRewards() throws {
        let environment = try Fixture.registry.makeEnvironment("maze-zigzag-v1")
        let plane = try MazePlane(environment)
        let model = try #require(try RewardChoice.count.makeModel(environment: environment, preset: .fast, seed: 0))
        // Four visits to the cell around (−3, −3).
        try model.observe(features: try plane.features(of: Array(repeating: SIMD2(-3, -3), count: 4)))
        let grid = try GridField(rewardsOf: model, over: plane, resolution: 50)
        #expect(grid.values.count == 2500)
        // Grid and count cells coincide (0.16 wide): (−3, −3) lies in row 6, column 6.
        #expect(grid.values[6 * 50 + 6] == -1 + 0.5)
        #expect(grid.values[6 * 50 + 7] == -1 + 1)
        #expect(grid.values[49 * 50 + 49] == -1 + 1)
        #expect(grid.values[43 * 50 + 43] == 0 + 1, "the goal (3, 3) is a success")
        #expect(grid.range == -0.5...1)
        // Halfway between the centres of cells (6, 6) and (6, 7), at (−2.88, −2.96).
        #expect(abs(grid.value(at: SIMD2(-2.88, -2.96)) - (-0.25)) < 1e-5)
    }

    /// Walls, markers and the colour bar sit where the plane puts them.
    @Test func pictureShowsWallsMarkersAndScale() throws {
        let environment = try Fixture.registry.makeEnvironment("maze-zigzag-v1")
        let plane = try MazePlane(environment)
        let model = try #require(try RewardChoice.count.makeModel(environment: environment, preset: .fast, seed: 0))
        let grid = try GridField(rewardsOf: model, over: plane, resolution: 40)
        let map = RewardMap.chart(title: "t", subtitle: "s", plane: plane, dots: [], dotsLabel: "dots")
        let image = map.render(grid, font: try BitmapFont.standard())
        #expect(image.width == 640 && image.height == 560)
        var colours: [RGB8: Int] = [:]
        for y in 0..<image.height { for x in 0..<image.width { colours[image[x, y], default: 0] += 1 } }
        // Walls (dark grey), the viridis minimum and maximum (colour bar ends and the map), white markers.
        #expect(colours[RGB8(58, 58, 64), default: 0] > 10_000)
        #expect(colours[RGB8(253, 231, 37), default: 0] > 100)
        #expect(colours[RGB8(68, 1, 84), default: 0] > 0)
        // The legend's 4×4 dot, then one 2×2 dot per state.
        #expect(colours[RGB8(255, 80, 50)] == 16)
        var dottedMap = map
        dottedMap.dots = [SIMD2(0, -3), SIMD2(2, 0)]
        let dotted = dottedMap.render(grid, font: try BitmapFont.standard())
        #expect(zip(dotted.pixels, image.pixels).filter { $0 != $1 }.count > 0)
        #expect((0..<(640 * 560)).filter { dotted[$0 % 640, $0 / 640] == RGB8(255, 80, 50) }.count == 16 + 2 * 4)
    }

    /// The same negatives and seed give the same PNG bytes; another seed gives another map.
    @Test func trainedMapIsDeterministic() throws {
        func png(seed: UInt64) throws -> [UInt8] {
            let environment = try Fixture.registry.makeEnvironment("maze-zigzag-v1")
            let subject = try RewardMapSubject.trained(
                environment: environment, reward: .metanml, negatives: try Fixture.features(Fixture.corridorNegatives),
                source: "test", metaNML: Fixture.tinyMetaNML, exampleCount: 20, seed: seed)
            #expect(subject.model.updatesCompleted == 1)
            return try PNG.encode(try subject.render(plane: try MazePlane(environment), resolution: 24, font: try BitmapFont.standard()))
        }
        let first = try png(seed: 3)
        #expect(try png(seed: 3) == first)
        #expect(try png(seed: 4) != first)
    }

    @Test func runDirectoryIsMapped() throws {
        let directory = try Fixture.scratchDirectory("run")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let environment = try Fixture.registry.makeEnvironment("maze-zigzag-v1")
        let trained = try RewardMapSubject.trained(
            environment: environment, reward: .vice, negatives: try Fixture.features(Fixture.corridorNegatives), source: "test",
            viceSteps: 3, exampleCount: 10, seed: 2)
        try Fixture.makeRun(in: directory, reward: .vice, model: trained.model)
        let (subject, runEnvironment) = try RewardMapSubject.run(directory: directory, registry: Fixture.registry)
        #expect(subject.taskID == "maze-zigzag-v1" && runEnvironment.taskID == "maze-zigzag-v1")
        #expect(subject.reward == .vice && subject.statesLabel == "visited states")
        #expect(subject.source.hasPrefix("seed 7, 1000 steps, run "), "the subtitle names the run's seed and budget: \(subject.source)")
        #expect(subject.states.rows == Fixture.corridorNegatives.count)
        // The loaded model gives the saved model's rewards.
        let probe = try Fixture.features([[0, 0], [3, 3], [-3, -3]])
        #expect(try subject.model.rewards(features: probe, successes: nil) == trained.model.rewards(features: probe, successes: nil))
    }

    @Test("a run's subtitle keeps the last two parts of its path, not the machine's absolute path")
    func runSubtitle() {
        let training = TrainingConfiguration(task: "maze-zigzag-v1", reward: .metanml, steps: 300_000, seed: 4)
        #expect(RewardMapSubject.describe(run: "/work/main/results/suite/runs/maze-zigzag-v1/metanml/seed-4", training)
                == "seed 4, 300000 steps, run .../metanml/seed-4")
        #expect(RewardMapSubject.describe(run: "runs/seed-4", training) == "seed 4, 300000 steps, run runs/seed-4")
    }

    /// `mural train` then `mural reward-map --run`: the PNG is written, and the same run gives
    /// the same bytes.
    @Test func commandMapsATrainingRun() throws {
        let directory = try Fixture.scratchDirectory("command-run")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let run = "\(directory)/run"
        try TrainCommand.parse(["--task", "maze-spiral-v3", "--reward", "count", "--steps", "200", "--evaluation-interval", "200",
                                "--evaluation-episodes", "1", "--hidden", "8,8", "--out", run]).run()
        let arguments = ["--run", run, "--resolution", "20", "--out", "\(directory)/map.png"]
        try RewardMapCommand.parse(arguments).run()
        let first = try Data(contentsOf: URL(fileURLWithPath: "\(directory)/map.png"))
        try RewardMapCommand.parse(arguments + ["--task", "maze-spiral-v3", "--reward", "count"]).run()
        #expect(try Data(contentsOf: URL(fileURLWithPath: "\(directory)/map.png")) == first)
        #expect(try PNG.read(from: "\(directory)/map.png").width == 640)
        let (subject, _) = try RewardMapSubject.run(directory: run, registry: Fixture.registry)
        #expect(subject.states.rows == 200 && subject.reward == .count)
    }

    @Test func commandMapsNegatives() throws {
        let directory = try Fixture.scratchDirectory("command-negatives")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try Fixture.writeNPY(Fixture.corridorNegatives, to: "\(directory)/negatives.npy")
        for reward in ["count", "vice"] {
            try RewardMapCommand.parse(["--task", "maze-zigzag-v1", "--reward", reward, "--negatives", "\(directory)/negatives.npy",
                                        "--vice-steps", "2", "--examples", "10", "--resolution", "12",
                                        "--out", "\(directory)/\(reward).png"]).run()
            #expect(try PNG.read(from: "\(directory)/\(reward).png").height == 560)
        }
    }

    /// Each bad input fails with a message naming the problem and a non-zero exit status.
    @Test(.tags(.slow), .skippedInFastTier) func badInputsFailNamingTheProblem() throws {
        let directory = try Fixture.scratchDirectory("errors")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let negatives = "\(directory)/negatives.npy", wide = "\(directory)/wide.npy", empty = "\(directory)/empty.npy"
        try Fixture.writeNPY(Fixture.corridorNegatives, to: negatives)
        try Fixture.writeNPY([[1, 2, 3]], columns: 3, to: wide)
        try Fixture.writeNPY([], to: empty)
        try Data("not numpy".utf8).write(to: URL(fileURLWithPath: "\(directory)/text.npy"))
        let out = ["--out", "\(directory)/map.png"]
        func fromNegatives(_ task: String, _ reward: String, _ file: String = negatives) -> [String] {
            ["--task", task, "--reward", reward, "--negatives", file] + out
        }

        // Runs: a good one, one whose model is not the reward its configuration names, one
        // without a model, and one on a door.
        let good = "\(directory)/good", mismatched = "\(directory)/mismatched", modelless = "\(directory)/modelless"
        let door = "\(directory)/door"
        for run in [good, mismatched, modelless, door] {
            try FileManager.default.createDirectory(atPath: run, withIntermediateDirectories: true)
        }
        func countModel(_ task: String) throws -> RewardModel {
            try #require(try RewardChoice.count.makeModel(environment: try Fixture.registry.makeEnvironment(task), preset: .fast, seed: 0))
        }
        try Fixture.makeRun(in: good, reward: .count, model: try countModel("maze-zigzag-v1"))
        try Fixture.makeRun(in: mismatched, reward: .metanml, model: try countModel("maze-zigzag-v1"))
        try Fixture.makeRun(in: modelless, reward: .count, model: try countModel("maze-zigzag-v1"))
        try FileManager.default.removeItem(atPath: "\(modelless)/\(RunDirectory.rewardModelFile)")
        let doorModel = try countModel("door-v1")
        try Fixture.makeRun(in: door, task: "door-v1", reward: .count, model: doorModel,
                            visited: [Array(repeating: 0, count: doorModel.featureDimension)])

        let cases: [([String], String)] = [
            (fromNegatives("door-v1", "metanml"), "'door-v1' is a door task"),
            (fromNegatives("maze-zigzag-v2", "count"), "maze-zigzag-v2"),
            (fromNegatives("maze-zigzag-v1", "curiosity"), "unknown reward 'curiosity'; valid rewards: metanml, vice"),
            (fromNegatives("maze-zigzag-v1", "dense"), "reward 'dense' has no learned model to map"),
            (fromNegatives("maze-zigzag-v1", "count", "\(directory)/absent.npy"), "\(directory)/absent.npy: does not exist"),
            (fromNegatives("maze-zigzag-v1", "count", "\(directory)/text.npy"), "text.npy: not a NumPy .npy file"),
            (fromNegatives("maze-zigzag-v1", "count", wide), "wide.npy: has 3 columns; maze-zigzag-v1's classifier features are (ball_x, ball_y)"),
            (fromNegatives("maze-zigzag-v1", "count", empty), "empty.npy: holds no states"),
            (["--run", "\(directory)/none"] + out, "\(directory)/none/config.json does not exist"),
            (["--run", modelless] + out, "modelless/reward-model.bin does not exist"),
            (["--run", mismatched] + out, "holds a 'count' model, but config.json says the run learned 'metanml'"),
            (["--run", door] + out, "'door-v1' is a door task"),
            (["--run", good, "--task", "maze-spiral-v3"] + out, "--task maze-spiral-v3 differs from the run's task maze-zigzag-v1"),
            (["--run", good, "--reward", "vice"] + out, "--reward vice differs from the run's reward count"),
            (["--run", negatives, "--negatives", negatives] + out, "exactly one of --run RUN_DIR and --negatives"),
            (["--negatives", negatives] + out, "--negatives needs --task and --reward"),
            (fromNegatives("maze-zigzag-v1", "metanml") + ["--preset", "huge"], "The value 'huge' is invalid for '--preset <preset>'"),
        ]
        for (arguments, expected) in cases {
            do {
                try RewardMapCommand.parse(arguments).run()
                Issue.record("\(arguments) should fail")
            } catch {
                let message = RewardMapCommand.fullMessage(for: error)
                #expect(message.contains(expected), "\(arguments): \(message)")
                #expect(RewardMapCommand.exitCode(for: error) != .success, "\(arguments)")
            }
        }
        #expect(!FileManager.default.fileExists(atPath: "\(directory)/map.png"))
    }
}
