import Foundation
import Render
import Testing

/// Golden-image comparison. Goldens live in `Tests/RenderTests/Golden/<name>.png`.
///
/// To regenerate them after an intended change in the renderer's output, run
///
///     MURAL_UPDATE_GOLDEN=1 swift test --filter RenderTests
///
/// then look at the new PNGs before committing them.
enum GoldenImage {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    /// Mean absolute difference allowed, in 8-bit levels per channel: a tenth of what moving
    /// one small object by a pixel would cause.
    static let meanTolerance = 0.5
    /// Per-channel difference above which a pixel counts as different, and how many
    /// such pixels are allowed (a few anti-aliased edge pixels may round differently on
    /// another compiler or CPU).
    static let pixelTolerance = 24
    static let allowedDifferentPixels = 3

    static func check(_ image: RGBImage, named name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let url = directory.appendingPathComponent("\(name).png")
        if ProcessInfo.processInfo.environment["MURAL_UPDATE_GOLDEN"] == "1" {
            try PNG.write(image, to: url.path, compression: .small)
            return
        }
        guard FileManager.default.fileExists(atPath: url.path) else {
            Issue.record("missing golden \(url.path); run with MURAL_UPDATE_GOLDEN=1 to create it", sourceLocation: sourceLocation)
            return
        }
        let golden = try PNG.read(from: url.path)
        guard golden.width == image.width, golden.height == image.height else {
            Issue.record("\(name): rendered \(image.width)×\(image.height), golden is \(golden.width)×\(golden.height)",
                         sourceLocation: sourceLocation)
            return
        }
        let difference = Difference(golden, image)
        if difference.mean >= meanTolerance || difference.pixelsOverTolerance > allowedDifferentPixels {
            let actualPath = FileManager.default.temporaryDirectory.appendingPathComponent("\(name).actual.png").path
            try? PNG.write(image, to: actualPath)
            Issue.record(
                """
                \(name) differs from its golden: mean |Δ| \(String(format: "%.3f", difference.mean)) levels \
                (limit \(meanTolerance)), \(difference.pixelsOverTolerance) pixels off by more than \(pixelTolerance) \
                (limit \(allowedDifferentPixels)); worst pixels: \(difference.worst.map(\.description).joined(separator: "; ")). \
                Rendered image written to \(actualPath). If the change is intended, regenerate with MURAL_UPDATE_GOLDEN=1.
                """, sourceLocation: sourceLocation)
        }
    }

    struct PixelDifference: CustomStringConvertible {
        let x: Int, y: Int, expected: RGB8, actual: RGB8, magnitude: Int
        var description: String {
            "(\(x), \(y)) expected \(expected.red),\(expected.green),\(expected.blue) got \(actual.red),\(actual.green),\(actual.blue)"
        }
    }

    struct Difference {
        var mean = 0.0
        var pixelsOverTolerance = 0
        /// Up to five pixels with the largest difference, largest first.
        var worst: [PixelDifference] = []

        init(_ expected: RGBImage, _ actual: RGBImage) {
            var total = 0
            var all: [PixelDifference] = []
            for y in 0..<expected.height {
                for x in 0..<expected.width {
                    let e = expected[x, y], a = actual[x, y]
                    let deltas = [Int(e.red) - Int(a.red), Int(e.green) - Int(a.green), Int(e.blue) - Int(a.blue)].map(abs)
                    total += deltas.reduce(0, +)
                    let magnitude = deltas.max()!
                    if magnitude > GoldenImage.pixelTolerance { pixelsOverTolerance += 1 }
                    if magnitude > 0 { all.append(PixelDifference(x: x, y: y, expected: e, actual: a, magnitude: magnitude)) }
                }
            }
            mean = Double(total) / Double(expected.pixels.count)
            worst = Array(all.sorted { $0.magnitude > $1.magnitude }.prefix(5))
        }
    }
}
