import ArgumentParser
import Physics

extension ReferenceScene.Kind: ExpressibleByArgument {}

struct FingerprintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fingerprint",
        abstract: "Print the state fingerprint of a reference-scene trajectory.",
        discussion: """
            The fingerprint hashes the exact bits of every body's state after every step. The same \
            scene, seed and step count give the same fingerprint in any process on any run of the \
            same build; compare it across builds and machines to check reproducibility.
            """)

    @Option(help: "Reference scene: \(ReferenceScene.Kind.allCases.map(\.rawValue).joined(separator: ", ")).")
    var scene: ReferenceScene.Kind = .contact

    @Option(parsing: .unconditional, help: "Seed of the solver's constraint-ordering RNG (default 0).", transform: parseSeed)
    var seed: UInt64 = 0

    @Option(help: "Number of physics steps.")
    var steps: Int = 500

    func validate() throws {
        guard steps >= 0 else { throw ValidationError("--steps must be ≥ 0, got \(steps)") }
    }

    func run() throws {
        let reference = try ReferenceScene(scene, seed: seed)
        var fingerprint = StateFingerprint()
        for _ in 0..<steps {
            try reference.step()
            fingerprint.combine(reference.world)
        }
        print(fingerprint.hex)
    }
}
