// swift-tools-version:6.0
import PackageDescription

// Mural: a physics-simulated benchmark suite for outcome-driven reinforcement learning.
//
// Layering (each module owns one idea; see docs/architecture.md):
//   CODE, COpenBLAS, CPNG   system libraries from Debian, found through pkg-config
//   Randomness              the one seeded generator (xoshiro256**) and its specified draws
//   Physics                 a typed, deterministic Swift layer over ODE
//   TaskSuite               environments defined as data in Tasks/, experts, success examples
//   NeuralNet               BLAS-backed MLPs on flat parameter vectors, losses, Adam, checkpoints
//   Agents                  Soft Actor-Critic and its replay buffer
//   Rewards                 reward models learned from success examples: meta-NML (MURAL), VICE, CNML, baselines
//   Render                  CPU rasterizer for scenes and worlds; PNG (libpng), GIF (giflib), contact sheets
//   Render                  also general charts (line plots with bands, heat maps with colour bars)
//   Experiments             run directories, process pools, training and comparison
//   Benchmarks              speed measurements of the modules above, returning Codable reports
//   MuralCLI                the `mural` command: parses options, calls the modules, prints
//   MuralC                  a C interface (dynamic library) for the Python package in python/
let package = Package(
    name: "Mural",
    products: [
        .library(name: "Randomness", targets: ["Randomness"]),
        .library(name: "Physics", targets: ["Physics"]),
        .library(name: "TaskSuite", targets: ["TaskSuite"]),
        .library(name: "NeuralNet", targets: ["NeuralNet"]),
        .library(name: "Agents", targets: ["Agents"]),
        .library(name: "Rewards", targets: ["Rewards"]),
        .library(name: "Experiments", targets: ["Experiments"]),
        .library(name: "Render", targets: ["Render"]),
        .library(name: "Benchmarks", targets: ["Benchmarks"]),
        .executable(name: "mural", targets: ["MuralCLI"]),
        // The C interface the Python package (python/) loads with ctypes.
        .library(name: "MuralC", type: .dynamic, targets: ["MuralC"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
    ],
    targets: [
        // System libraries. `providers` only produces an install hint when a .pc file is missing.
        .systemLibrary(name: "CODE", pkgConfig: "ode", providers: [.apt(["libode-dev"])]),
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng16", providers: [.apt(["libpng-dev"])]),
        // zlib's CRC-32 seals every archive (checkpoints, policies, reward models).
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // giflib ships no pkg-config file; its module map links "gif" directly.
        .systemLibrary(name: "CGIF", providers: [.apt(["libgif-dev"])]),
        // libpng's low-level writer longjmps on error; the setjmp lives in this C target.
        .target(name: "CPNGWriter", dependencies: ["CPNG"]),
        // Adam's elementwise step, where C's compiler can vectorise the square root (see cadam.c);
        // optimised in debug builds too, so that the tests check the vectorised code releases run.
        .target(name: "CAdam", cSettings: [.unsafeFlags(["-O2"])]),

        .target(name: "Randomness"),
        .target(name: "Physics", dependencies: ["CODE"]),
        .target(name: "TaskSuite", dependencies: ["Physics", "Randomness", .product(name: "Yams", package: "Yams")]),
        .target(name: "Render", dependencies: ["Physics", "CPNG", "CPNGWriter", "CGIF"]),
        .target(name: "NeuralNet", dependencies: ["CAdam", "COpenBLAS", "CZlib", "Randomness"]),
        .target(name: "Agents", dependencies: ["NeuralNet", "Randomness"]),
        .target(name: "Rewards", dependencies: ["NeuralNet", "Randomness"]),
        .target(name: "Experiments", dependencies: ["TaskSuite", "NeuralNet", "Agents", "Rewards", "Render", "Randomness"]),
        .target(name: "Benchmarks", dependencies: ["Physics", "TaskSuite", "NeuralNet", "Agents", "Rewards", "Render", "Experiments", "Randomness"]),

        .executableTarget(
            name: "MuralCLI",
            dependencies: [
                "Physics", "TaskSuite", "NeuralNet", "Agents", "Rewards", "Render", "Experiments", "Benchmarks", "Randomness", "COpenBLAS", "CPNG",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        .target(name: "MuralC", dependencies: ["Physics", "TaskSuite", "NeuralNet", "Rewards", "Render", "Experiments"]),

        // Helpers every test target may share: failures, the built `mural`, the slow tier.
        .target(name: "TestSupport", path: "Tests/TestSupport"),

        .testTarget(name: "RandomnessTests", dependencies: ["Randomness"]),
        .testTarget(name: "PhysicsTests", dependencies: ["Physics", "CODE", "TestSupport"]),
        .testTarget(name: "NeuralNetTests", dependencies: ["NeuralNet", "Randomness"]),
        .testTarget(name: "AgentsTests", dependencies: ["Agents", "NeuralNet", "Randomness", "TestSupport"]),
        .testTarget(name: "ExperimentsTests", dependencies: ["Experiments", "TaskSuite", "Agents", "NeuralNet", "Render", "MuralCLI", "Randomness", "TestSupport"]),
        .testTarget(name: "TaskSuiteTests", dependencies: ["TaskSuite", "Physics", "Randomness"]),
        .testTarget(name: "RenderTests", dependencies: ["Render", "Physics", "CGIF", "MuralCLI"], exclude: ["Golden"]),
        .testTarget(name: "BenchmarksTests", dependencies: ["Benchmarks", "Render", "TaskSuite"]),
        .testTarget(name: "RewardsTests", dependencies: ["Rewards", "NeuralNet", "Randomness", "TestSupport"]),
    ]
)
