import Experiments
import Foundation
@testable import MuralCLI
import Testing

@Suite("Child mural commands")
struct MuralInvocationTests {
    /// Settings with a task of its own budget, and tuning that the training file must carry.
    static let settings = ComparisonSettings(
        tasks: ["maze-zigzag-v1", "door-v1"], rewards: ["vice"], seeds: 1, steps: 300, evaluationInterval: 100,
        evaluationEpisodes: 2, hiddenSizes: [16, 8], rewardPreset: .fast, taskSteps: ["door-v1": 500],
        rewardTuning: RewardTuning(viceLearningRate: 1e-3))

    @Test("a grid cell's invocation is the mural train its run directory records: the shared file, the cell and its task's steps")
    func trainInvocation() throws {
        let directory = try temporaryDirectory()
        try RunDirectory(directory).write(Self.settings.cellTrainingFile(), to: ComparisonSettings.cellTrainingFileName)
        let grid = ComparisonGrid(settings: Self.settings, directory: directory)
        let cell = GridCell(task: "door-v1", reward: "vice", seed: 0)
        let invocation = grid.invocation(cell)
        #expect(invocation.directory == grid.runDirectory(cell).path)
        #expect(invocation.arguments.first == "train" && invocation.arguments.contains("--resume"))

        let command = try TrainCommand.parse(Array(invocation.arguments.dropFirst()))
        #expect(command.output == grid.runDirectory(cell).path && command.resume)
        var expected = TrainingConfiguration(task: "door-v1", reward: .vice, steps: 500, seed: 0)
        expected.evaluationInterval = 100
        expected.evaluationEpisodes = 2
        expected.sac.hiddenSizes = [16, 8]
        expected.rewardTuning = RewardTuning(viceLearningRate: 1e-3)
        #expect(try command.resolvedConfiguration() == expected)
        #expect(grid.invocation(GridCell(task: "maze-zigzag-v1", reward: "vice", seed: 0)).arguments.contains(["--steps", "300"]))
    }

    @Test("a task's own target entropy reaches its cells' mural train, in the plan too; other tasks' cells are spelled as before")
    func targetEntropyInvocation() throws {
        var settings = Self.settings
        settings.taskTargetEntropies = ["door-v1": -0.5, "pusher-v1": 0]
        let directory = try temporaryDirectory()
        try RunDirectory(directory).write(settings.cellTrainingFile(), to: ComparisonSettings.cellTrainingFileName)
        let grid = ComparisonGrid(settings: settings, directory: directory), before = ComparisonGrid(settings: Self.settings, directory: directory)
        let door = GridCell(task: "door-v1", reward: "vice", seed: 0), maze = GridCell(task: "maze-zigzag-v1", reward: "vice", seed: 0)
        #expect(grid.invocation(door).arguments.contains(["--target-entropy", "-0.5"]), "\(grid.invocation(door).arguments)")
        let command = try TrainCommand.parse(Array(grid.invocation(door).arguments.dropFirst()))
        #expect(try command.resolvedConfiguration().sac.targetEntropy == -0.5, "the cell must train with its task's target entropy")
        #expect(grid.invocation(maze) == before.invocation(maze), "a task without its own entropy keeps its arguments")

        let cost = try ComparisonCost(settings: settings, families: ["maze-zigzag-v1": .maze, "door-v1": .door])
        let plan = ComparisonPlan(grid: grid, mural: "0", threads: 1, cost: cost)
        let planBefore = ComparisonPlan(grid: before, mural: "0", threads: 1, cost: cost)
        for (cell, earlier) in zip(plan.cells, planBefore.cells) {
            var expected = earlier
            if cell.id.hasPrefix("door-v1/") {
                expected.arguments.insert(contentsOf: ["--target-entropy", "-0.5"], at: try #require(earlier.arguments.firstIndex(of: "--out")))
            }
            #expect(cell == expected, "\(cell.id): only the door's cells gain their task's target entropy")
        }
        #expect(!String(decoding: try canonicalJSON(planBefore), as: UTF8.self).contains("entropy"),
                "a plan without target entropies must be written as before")
    }

    @Test("without a training file or steps, a cell's invocation gives only the cell")
    func bareTrainInvocation() {
        let cell = GridCell(task: "maze-zigzag-v1", reward: "sparse", seed: 3)
        #expect(MuralInvocation.train(cell, configurationFile: nil, steps: nil, runDirectory: "/runs/x").arguments
                == ["train", "--task", "maze-zigzag-v1", "--reward", "sparse", "--seed", "3", "--out", "/runs/x", "--resume"])
    }

    @Test("the pictures' invocations parse as mural render and mural reward-map with the values given")
    func pictureInvocations() throws {
        let filmstrip = MuralInvocation.filmstrip(task: "maze-zigzag-v1", runDirectory: "/runs/a", every: 7, width: 200, height: 150,
                                                  outputDirectory: "/cmp/pictures/a")
        #expect(filmstrip.arguments.first == "render" && filmstrip.directory == "/cmp/pictures/a")
        let render = try RenderCommand.parse(Array(filmstrip.arguments.dropFirst()))
        #expect(render.task == "maze-zigzag-v1" && render.policy.description == "/runs/a" && render.output == "/cmp/pictures/a")
        #expect(render.every == 7 && render.width == 200 && render.height == 150)

        let map = MuralInvocation.rewardMap(runDirectory: "/runs/a", image: "/cmp/pictures/a-reward-map.png")
        #expect(map.arguments.first == "reward-map" && map.directory == "/cmp/pictures")
        let command = try RewardMapCommand.parse(Array(map.arguments.dropFirst()))
        #expect(command.runDirectory == "/runs/a" && command.output == "/cmp/pictures/a-reward-map.png")
    }

    @Test("an invocation is plain data: it survives JSON")
    func codable() throws {
        let invocation = MuralInvocation.rewardMap(runDirectory: "/runs/a b", image: "/out/map.png")
        let decoded = try JSONDecoder().decode(MuralInvocation.self, from: JSONEncoder().encode(invocation))
        #expect(decoded == invocation)
    }
}
