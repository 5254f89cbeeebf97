import ArgumentParser

@main
struct Mural: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mural",
        abstract: "A physics-simulated benchmark suite for outcome-driven reinforcement learning.",
        version: MuralVersion.string,
        subcommands: [VersionCommand.self, FingerprintCommand.self, BenchCommand.self])
}
