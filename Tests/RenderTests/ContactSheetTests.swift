import Foundation
import Render
import Testing

@Suite struct ContactSheetTests {
    /// The search never looks at the working directory, so it works from any.
    @Test func assetsAreFoundNextToTheExecutableOrTheSources() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("mural-assets-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: "\(root)/Assets", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: "\(root)/.build/debug", withIntermediateDirectories: true)

        #expect(try Assets.directory(environment: [:], executable: "\(root)/.build/debug/mural", sourceFile: "/nowhere/x.swift")
            == "\(root)/Assets")
        #expect(try Assets.directory(environment: [:], executable: nil, sourceFile: "\(root)/Sources/Render/Assets.swift")
            == "\(root)/Assets")
        // The environment variable wins.
        #expect(try Assets.directory(environment: ["MURAL_ASSETS_DIR": "\(root)/.build"], executable: nil, sourceFile: "/x.swift")
            == "\(root)/.build")
        // From this test's own executable and sources: the checkout's Assets.
        #expect(FileManager.default.fileExists(atPath: "\(try Assets.directory())/fonts/mural-5x7.txt"))
    }

    @Test func missingAssetsGiveAClearError() {
        do {
            _ = try Assets.directory(environment: [:], executable: "/no/such/bin/mural", sourceFile: "/no/such/src/a.swift")
            Issue.record("no Assets/ anywhere should throw")
        } catch {
            let message = "\(error)"
            #expect(message.contains("MURAL_ASSETS_DIR") && message.contains("/no/such/bin/Assets"), "\(message)")
        }
        do {
            _ = try Assets.directory(environment: ["MURAL_ASSETS_DIR": "/no/such/dir"])
            Issue.record("a MURAL_ASSETS_DIR that is not a directory should throw")
        } catch {
            #expect("\(error)".contains("/no/such/dir"))
        }
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
