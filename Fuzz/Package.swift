// swift-tools-version:6.0
import Foundation
import PackageDescription

// libFuzzer targets for the readers that take users' files. Not part of Mural's own build: each
// target defines `LLVMFuzzerTestOneInput` and gets its `main` from libFuzzer, so it links only with
// `-sanitize=fuzzer`. Build and run them with `scripts/fuzz` (see docs/fuzzing.md).

// SwiftPM names a path dependency after its directory, whatever the clone is called.
let mural = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent

func fuzzer(_ name: String, _ products: [String]) -> Target {
    .executableTarget(name: name, dependencies: ["FuzzDriver"] + products.map { .product(name: $0, package: mural) },
                      path: "Sources/\(name)")
}

let package = Package(
    name: "MuralFuzz",
    dependencies: [.package(path: "..")],
    targets: [
        .target(name: "FuzzDriver", path: "Sources/FuzzDriver"),
        fuzzer("fuzz-task-yaml", ["TaskSuite"]),
        fuzzer("fuzz-npy", ["TaskSuite"]),
        fuzzer("fuzz-archive", ["Randomness", "NeuralNet", "Agents", "Rewards", "Experiments", "TaskSuite"]),
        fuzzer("fuzz-train-config", ["Experiments"]),
    ]
)
