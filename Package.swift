// swift-tools-version:6.0
import PackageDescription

// Mural: a physics-simulated benchmark suite for outcome-driven reinforcement learning.
//
// Layering (each module owns one idea; see docs/architecture.md):
//   CODE, COpenBLAS, CPNG   system libraries from Debian, found through pkg-config
//   Physics                 a typed, deterministic Swift layer over ODE
//   NeuralNet               BLAS-backed MLPs on flat parameter vectors, losses, Adam, checkpoints
//   Agents                  Soft Actor-Critic and its replay buffer
//   MuralCLI                the `mural` command
let package = Package(
    name: "Mural",
    products: [
        .library(name: "Physics", targets: ["Physics"]),
        .library(name: "NeuralNet", targets: ["NeuralNet"]),
        .library(name: "Agents", targets: ["Agents"]),
        .library(name: "Rewards", targets: ["Rewards"]),
        .executable(name: "mural", targets: ["MuralCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // System libraries. `providers` only produces an install hint when a .pc file is missing.
        .systemLibrary(name: "CODE", pkgConfig: "ode", providers: [.apt(["libode-dev"])]),
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng16", providers: [.apt(["libpng-dev"])]),

        .target(name: "Physics", dependencies: ["CODE"]),
        .target(name: "NeuralNet", dependencies: ["COpenBLAS"]),
        .target(name: "Agents", dependencies: ["NeuralNet"]),
        .target(name: "Rewards", dependencies: ["NeuralNet"]),

        .executableTarget(
            name: "MuralCLI",
            dependencies: [
                "Physics", "CODE", "COpenBLAS", "CPNG",
                "NeuralNet", "Agents",
                "Rewards",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        .testTarget(name: "PhysicsTests", dependencies: ["Physics", "CODE", "MuralCLI"]),
        .testTarget(name: "NeuralNetTests", dependencies: ["NeuralNet"]),
        .testTarget(name: "AgentsTests", dependencies: ["Agents", "NeuralNet"]),
        .testTarget(name: "RewardsTests", dependencies: ["Rewards", "NeuralNet"]),
    ]
)
