import ArgumentParser

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Measure Mural's throughput on this machine.",
        subcommands: [BenchRenderCommand.self])
}
