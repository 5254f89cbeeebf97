import Foundation
@testable import Render
import Testing

@Suite("Line plots")
struct LinePlotTests {
    let series = [
        LinePlot.Series(name: "metanml", color: LinePlot.palette[0], x: [0, 5000, 10000, 20000],
                        y: [0, 0.4, 0.8, 0.9], lower: [0, 0.2, 0.6, 0.85], upper: [0, 0.6, 1, 0.95]),
        LinePlot.Series(name: "vice", color: LinePlot.palette[1], x: [0, 5000, 10000, 20000],
                        y: [0, 0.1, 0.1, 0.2], lower: [0, 0, 0, 0.1], upper: [0, 0.2, 0.2, 0.3]),
    ]

    @Test("draws each line where its value lies, and is deterministic")
    func drawsCurves() throws {
        let plot = LinePlot(title: "maze-zigzag-v1", xLabel: "environment steps", yLabel: "success")
        let font = try BitmapFont.standard()
        let image = plot.render(series, font: font)
        #expect(image == plot.render(series, font: font))
        if let directory = ProcessInfo.processInfo.environment["MURAL_PLOT_OUTPUT"] {
            try PNG.write(image, to: directory + "/learning-curves.png")
        }
        // Find the plot's pixel for (20000, 0.9) and (20000, 0.2): the last points of each line.
        func hasColor(_ color: RGB8, nearRow row: Int, column: Int) -> Bool {
            (row - 3...row + 3).contains { r in (column - 3...column + 3).contains { c in image[c, r] == color } }
        }
        // The axes span the plot area; locate them from the known layout via the colours on the right edge.
        let rightColumn = (0..<image.width).last { c in (0..<image.height).contains { image[c, $0] == series[0].color } }!
        let rowsA = (0..<image.height).filter { image[rightColumn, $0] == series[0].color }
        let rowsB = (0..<image.height).filter { image[rightColumn, $0] == series[1].color }
        #expect(!rowsA.isEmpty && !rowsB.isEmpty, "both series should reach the right edge")
        #expect(rowsA.max()! < rowsB.min()!, "metanml (0.9) should be drawn above vice (0.2)")
        #expect(hasColor(series[0].color, nearRow: rowsA[0], column: rightColumn))
    }

    @Test("a title too long to start over the plot is drawn whole, within the image")
    func longTitleFits() throws {
        let font = try BitmapFont.standard()
        for title in ["Performance profiles: fraction of runs with score above tau",
                      String(repeating: "a much longer title ", count: 4)] {
            let plot = LinePlot(title: title, xLabel: "x", yLabel: "y")
            let image = plot.render(series, font: font)
            let band = 10..<(10 + font.glyphHeight * 2)
            let inked = (0..<image.width).filter { c in band.contains { image[c, $0] != RGB8(255, 255, 255) } }
            #expect(inked.max().map { $0 < image.width - 4 } == true, "'\(title)' runs to the image's edge (ink up to column \(inked.max() ?? -1))")
            #expect(inked.min().map { $0 >= 8 } == true, "'\(title)' starts before the margin")
        }
    }

    /// The top-left pixel of the legend's swatch of `color`: the one 18 × 10 block of it.
    func swatch(of color: RGB8, in image: RGBImage) -> (x: Int, y: Int)? {
        for y in 0..<(image.height - 10) {
            for x in 0..<(image.width - 18) where image[x, y] == color
                && (0..<10).allSatisfy({ r in (0..<18).allSatisfy { image[x + $0, y + r] == color } }) {
                return (x, y)
            }
        }
        return nil
    }

    @Test("the legend goes to the corner that hides the least of the data: top left over rising curves, elsewhere over falling ones")
    func legendAvoidsTheData() throws {
        let font = try BitmapFont.standard()
        let plot = LinePlot(title: "t", xLabel: "x", yLabel: "y")
        let rising = plot.render(series, font: font)
        let risingSwatch = try #require(swatch(of: series[0].color, in: rising), "no legend swatch over rising curves")
        #expect(risingSwatch.x < plot.width / 2 && risingSwatch.y < plot.height / 2, "rising curves leave the top left free: \(risingSwatch)")

        // A performance profile: every run scores above a low threshold, none above a high one.
        let falling = [LinePlot.Series(name: "metanml", color: LinePlot.palette[0], x: [0, 0.25, 0.5, 0.75, 1],
                                       y: [1, 1, 0.9, 0.3, 0], lower: [1, 0.9, 0.7, 0.1, 0], upper: [1, 1, 1, 0.5, 0])]
        let image = plot.render(falling, font: font)
        let fallingSwatch = try #require(swatch(of: falling[0].color, in: image), "no legend swatch over a falling curve")
        #expect(!(fallingSwatch.x < plot.width / 2 && fallingSwatch.y < plot.height / 2),
                "the legend sits on the falling curve's top left: \(fallingSwatch)")
    }

    @Test("where every corner would hide data, the legend goes in one row under the title, unless the row is too wide")
    func legendLeavesCrowdedAxes() throws {
        let font = try BitmapFont.standard()
        let plot = LinePlot(title: "t", xLabel: "x", yLabel: "y")
        // Bands over the whole plot: no corner is free.
        func crowded(_ names: [String]) -> [LinePlot.Series] {
            names.enumerated().map { index, name in
                LinePlot.Series(name: name, color: LinePlot.palette[index], x: [0, 1], y: [0.5, 0.5], lower: [0, 0], upper: [1, 1])
            }
        }
        let image = plot.render(crowded(["metanml", "vice"]), font: font)
        let first = try #require(swatch(of: LinePlot.palette[0], in: image), "no legend swatch for metanml")
        let second = try #require(swatch(of: LinePlot.palette[1], in: image), "no legend swatch for vice")
        #expect(first.y == second.y && first.x < second.x, "the legend is not one row: \(first), \(second)")
        // Where the plot's top edge is when the legend is inside it (LinePlot's layout).
        let plotTop = 20 + font.lineHeight * 2 * 2
        #expect(first.y + 10 <= plotTop, "the legend row (y \(first.y)) is not above the plot (top \(plotTop))")

        let long = crowded((0..<4).map { "a long series name \($0)" })
        #expect(LinePlot.legendRowWidth(long, font: font) > plot.width - 16)
        let inside = try #require(swatch(of: LinePlot.palette[0], in: plot.render(long, font: font)), "no swatch for a long name")
        #expect(inside.y > plotTop, "a legend too wide for one row should stay inside the axes, at y \(inside.y)")
    }

    @Test("axis labels are compact, axis tops round")
    func labels() {
        #expect(LinePlot.compactLabel(1500) == "1.5k")
        #expect(LinePlot.compactLabel(200_000) == "200k")
        #expect(LinePlot.compactLabel(1_000_000) == "1M")
        #expect(LinePlot.compactLabel(0) == "0")
        #expect(LinePlot.niceCeiling(3.1) == 5 && LinePlot.niceCeiling(0.21) == 0.25 && LinePlot.niceCeiling(10) == 10)
    }
}
