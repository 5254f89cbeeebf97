// swift-tools-version:6.0
import PackageDescription

// Mural: a physics-simulated benchmark suite for outcome-driven reinforcement learning.
//
// Layering (each module owns one idea; see docs/architecture.md):
//   CODE, COpenBLAS, CPNG   system libraries from Debian, found through pkg-config
//   Physics                 a typed, deterministic Swift layer over ODE
//   Render                  CPU rasterizer for scenes and worlds; PNG (libpng), GIF (giflib), contact sheets
//   MuralCLI                the `mural` command
let package = Package(
    name: "Mural",
    products: [
        .library(name: "Physics", targets: ["Physics"]),
        .library(name: "Render", targets: ["Render"]),
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
        // giflib ships no pkg-config file; its module map links "gif" directly.
        .systemLibrary(name: "CGIF", providers: [.apt(["libgif-dev"])]),
        // libpng's low-level writer longjmps on error; the setjmp lives in this C target.
        .target(name: "CPNGWriter", dependencies: ["CPNG"]),

        .target(name: "Physics", dependencies: ["CODE"]),
        .target(name: "Render", dependencies: ["Physics", "CPNG", "CPNGWriter", "CGIF"]),

        .executableTarget(
            name: "MuralCLI",
            dependencies: [
                "Physics", "CODE", "COpenBLAS", "CPNG",
                "Render",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        .testTarget(name: "PhysicsTests", dependencies: ["Physics", "CODE", "MuralCLI"]),
        .testTarget(name: "RenderTests", dependencies: ["Render", "Physics", "CGIF", "MuralCLI"], exclude: ["Golden"]),
    ]
)
