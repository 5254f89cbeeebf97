import ArgumentParser
import Foundation
import TaskSuite

struct ExamplesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "examples",
        abstract: "Generate success examples and export them as .npy (float32) with a JSON sidecar.",
        discussion: """
            Writes FILE.npy (N×D classifier features), FILE.observations.npy (N×O full observations) \
            and FILE.json (task id, version, seed, strategy, feature names).
            """)

    @Option(help: "Task id (see `mural tasks`).")
    var task: String

    @Option(help: "Number of examples.")
    var count = ExampleGenerator.defaultCount

    @Option(parsing: .unconditional, help: "Seed; the same seed gives the same bits (default 0).", transform: parseSeed)
    var seed: UInt64 = 0

    @Option(help: "Output features file, FILE.npy.")
    var out: String

    @Option(help: "teleport (place in a success configuration and settle) or expert (noisy expert rollouts).")
    var strategy: ExampleStrategy = .teleport

    func validate() throws {
        guard count > 0 else { throw ValidationError("--count must be positive") }
        guard out.hasSuffix(".npy") else { throw ValidationError("--out must name a .npy file") }
    }

    func run() throws {
        let env = try TaskRegistry.located().makeEnvironment(task)
        let set = try ExampleGenerator.generate(env, count: count, seed: seed, strategy: strategy)
        let urls = try set.export(featuresFile: URL(fileURLWithPath: out))
        print("\(set.count) \(strategy.rawValue) examples of \(task) (seed \(seed)): features "
              + set.featureNames.joined(separator: ", "))
        urls.forEach { print("wrote \($0.path)") }
    }
}

extension ExampleStrategy: ExpressibleByArgument {}
