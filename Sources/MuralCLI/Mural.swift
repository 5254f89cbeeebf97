import ArgumentParser
import NeuralNet

@main
struct Mural: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mural",
        abstract: "A physics-simulated benchmark suite for outcome-driven reinforcement learning.",
        version: MuralVersion.string,
        subcommands: [
            TasksCommand.self, ExamplesCommand.self, EvaluateCommand.self, TrainCommand.self, CompareCommand.self, RenderCommand.self,
            RewardMapCommand.self, RewardPathCommand.self, ReportCommand.self, RolloutCommand.self, RewardsCommand.self,
            BenchCommand.self, FingerprintCommand.self, VersionCommand.self,
        ])

    static func main() {
        // Processes are Mural's unit of parallelism, and RL-sized layers run fastest on one
        // thread: extra OpenBLAS threads would only contend with other runs for the cores.
        BLASRuntime.setThreadCount(1)
        main(nil)
    }
}
