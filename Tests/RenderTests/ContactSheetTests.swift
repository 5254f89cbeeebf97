import Foundation
import Render
import Testing

@Suite struct ContactSheetTests {
    @Test func assetsAreFoundFromAnyWorkingDirectory() throws {
        let previous = FileManager.default.currentDirectoryPath
        defer { FileManager.default.changeCurrentDirectoryPath(previous) }
        FileManager.default.changeCurrentDirectoryPath("/")
        let directory = try Assets.directory()
        #expect(FileManager.default.fileExists(atPath: "\(directory)/fonts/mural-5x7.txt"))
    }

    @Test func missingAssetsGiveAClearError() {
        // A source path with no Assets/ above it, and an executable path that has none either
        // (the test runner lives in the build directory inside the checkout, so only the
        // source-file fallback is exercised here).
        do {
            _ = try Assets.path("fonts/does-not-exist.txt")
            Issue.record("a missing asset should throw")
        } catch {
            #expect("\(error)".contains("does-not-exist.txt"))
        }
    }

    @Test func standardFontHasDigitsLettersAndCheckMark() throws {
        let font = try BitmapFont.standard()
        #expect(font.glyphWidth == 5 && font.glyphHeight == 7)
        for character in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ ?✓" {
            #expect(font.hasGlyph(character), "missing glyph '\(character)'")
        }
    }

    @Test func fontErrorsNameTheLine() {
        let text = "size 3 2\nglyph ?\n###\n#x#\n"
        do {
            _ = try BitmapFont(parsing: text, path: "bad.txt")
            Issue.record("a malformed glyph row should throw")
        } catch {
            #expect("\(error)".hasPrefix("bad.txt:4:"), "\(error)")
        }
    }

    /// Glyphs land where the font says: the digit 1 of the standard font at scale 2.
    @Test func drawsGlyphPixels() throws {
        let font = try BitmapFont.standard()
        var image = RGBImage(width: 12, height: 16, fill: RGB8(255, 255, 255))
        font.draw("1", in: &image, x: 0, y: 0, color: RGB8(0, 0, 0), scale: 2)
        let ink = (0..<7).map { row in
            String((0..<5).map { column in image[column * 2 + 1, row * 2 + 1].red == 0 ? "#" : "." })
        }
        #expect(ink == ["..#..", ".##..", "..#..", "..#..", "..#..", "..#..", ".###."])
    }

    @Test func tilesFramesWithLabelsAndSuccessBorders() throws {
        let sheet = ContactSheet(font: try BitmapFont.standard())
        let tiles = (0..<5).map { i in
            ContactSheet.Tile(image: RGBImage(width: 20, height: 16, fill: RGB8(UInt8(40 * i), 90, 160)),
                              step: i * 10, success: i >= 3)
        }
        let image = try sheet.compose(tiles)
        // 5 tiles: 3 columns, 2 rows.
        let cellWidth = 20 + 2 * sheet.border, cellHeight = 16 + 2 * sheet.border + sheet.font.lineHeight + 6
        #expect(image.width == sheet.gap + 3 * (cellWidth + sheet.gap))
        #expect(image.height == sheet.gap + 2 * (cellHeight + sheet.gap))
        func origin(_ i: Int) -> (Int, Int) { (sheet.gap + (i % 3) * (cellWidth + sheet.gap), sheet.gap + (i / 3) * (cellHeight + sheet.gap)) }
        for (i, tile) in tiles.enumerated() {
            let (x, y) = origin(i)
            #expect(image[x, y] == (tile.success ? sheet.successColor : sheet.plainBorderColor), "border of tile \(i)")
            #expect(image[x + sheet.border, y + sheet.border] == tile.image[0, 0], "tile \(i) pasted inside its border")
            // The label strip has ink in the label colour, and successful tiles a green mark at the right.
            let labelRows = (y + 16 + 2 * sheet.border)..<(y + cellHeight)
            let labelInk = labelRows.contains { row in (x..<(x + cellWidth / 2)).contains { image[$0, row] == sheet.labelColor } }
            let mark = labelRows.contains { row in ((x + cellWidth / 2)..<(x + cellWidth)).contains { image[$0, row] == sheet.successColor } }
            #expect(labelInk, "tile \(i) has a step label")
            #expect(mark == tile.success, "tile \(i) success mark")
        }
    }
}
