import ArgumentParser

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Measure Mural's hot paths on this machine.",
        subcommands: [BenchNNCommand.self, BenchRewardsCommand.self])
}
