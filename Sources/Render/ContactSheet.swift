/// Tiles an episode's frames into one image: each tile framed and labelled with its step
/// number, successful steps framed in green and marked with a check mark.
public struct ContactSheet: Sendable {
    public struct Tile: Sendable {
        public var image: RGBImage
        public var step: Int
        public var success: Bool

        public init(image: RGBImage, step: Int, success: Bool) {
            self.image = image
            self.step = step
            self.success = success
        }
    }

    public var font: BitmapFont
    /// Size of each font pixel in image pixels; `nil` picks 1 per 128 pixels of tile width.
    public var labelScale: Int?
    public var background = RGB8(250, 250, 248)
    public var labelColor = RGB8(40, 40, 40)
    public var successColor = RGB8(44, 160, 44)
    public var plainBorderColor = RGB8(200, 200, 196)
    /// Frame width around each tile, and the gap between tiles and around the sheet.
    public var border = 3
    public var gap = 6

    public init(font: BitmapFont) {
        self.font = font
    }

    /// Composes `tiles` (all the same size) in `columns` columns (default: as square as possible).
    public func compose(_ tiles: [Tile], columns: Int? = nil) throws -> RGBImage {
        guard let first = tiles.first?.image else { throw RenderError.invalidArgument("a contact sheet needs at least one frame") }
        guard tiles.allSatisfy({ $0.image.width == first.width && $0.image.height == first.height }) else {
            throw RenderError.invalidArgument("all contact sheet frames must be \(first.width)×\(first.height)")
        }
        let columnCount = columns ?? Int(Double(tiles.count).squareRoot().rounded(.up))
        guard columnCount > 0 else { throw RenderError.invalidArgument("a contact sheet needs at least one column") }
        let rowCount = (tiles.count + columnCount - 1) / columnCount
        let labelScale = self.labelScale ?? max(1, first.width / 128)
        let labelPadding = 3
        let labelHeight = font.lineHeight * labelScale + 2 * labelPadding
        let cellWidth = first.width + 2 * border
        let cellHeight = first.height + 2 * border + labelHeight
        var sheet = RGBImage(
            width: gap + columnCount * (cellWidth + gap), height: gap + rowCount * (cellHeight + gap), fill: background)
        for (i, tile) in tiles.enumerated() {
            let x = gap + (i % columnCount) * (cellWidth + gap)
            let y = gap + (i / columnCount) * (cellHeight + gap)
            let frameColor = tile.success ? successColor : plainBorderColor
            sheet.fill(x: x, y: y, width: cellWidth, height: first.height + 2 * border, with: frameColor)
            sheet.paste(tile.image, x: x + border, y: y + border)
            let textY = y + first.height + 2 * border + labelPadding
            font.draw("step \(tile.step)", in: &sheet, x: x + border, y: textY, color: labelColor, scale: labelScale)
            if tile.success {
                let mark = font.hasGlyph("✓") ? "✓" : "S"
                font.draw(mark, in: &sheet, x: x + cellWidth - border - font.width(of: mark, scale: labelScale),
                          y: textY, color: successColor, scale: labelScale)
            }
        }
        return sheet
    }
}
