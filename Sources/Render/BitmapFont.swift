import Foundation

/// A fixed-width bitmap font read from a text file in `Assets/fonts` (the format is
/// described at the top of `mural-5x7.txt`), for labelling images without a font engine.
public struct BitmapFont: Sendable {
    public let glyphWidth: Int
    public let glyphHeight: Int
    /// Ink rows per character; row r's bit (glyphWidth - 1 - c) is column c.
    private let glyphs: [Character: [UInt32]]

    /// Horizontal and vertical advance per character at scale 1 (one pixel of spacing).
    public var advance: Int { glyphWidth + 1 }
    public var lineHeight: Int { glyphHeight + 1 }

    /// Mural's standard 5×7 font from `Assets/fonts/mural-5x7.txt`.
    public static func standard() throws -> BitmapFont {
        try BitmapFont(contentsOf: try Assets.path("fonts/mural-5x7.txt"))
    }

    public init(contentsOf path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw RenderError.cannotRead(path: path, reason: "no such file, or not readable")
        }
        try self.init(parsing: String(decoding: data, as: UTF8.self), path: path)
    }

    /// Parses the font format; `path` only labels errors.
    public init(parsing text: String, path: String = "<font>") throws {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.hasSuffix("\r") ? String($0.dropLast()) : String($0)
        }
        func fail(_ line: Int, _ problem: String) -> RenderError { .malformedFont(path: path, line: line + 1, problem: problem) }
        var size: (Int, Int)?
        var glyphs: [Character: [UInt32]] = [:]
        var i = 0
        while i < lines.count {
            let line = lines[i]
            if line.isEmpty || line.hasPrefix("#") {
                i += 1
                continue
            }
            let words = line.split(separator: " ", maxSplits: 1).map(String.init)
            switch words.first {
            case "size":
                let numbers = words.count == 2 ? words[1].split(separator: " ").compactMap { Int($0) } : []
                guard numbers.count == 2, (1...32).contains(numbers[0]), (1...64).contains(numbers[1]) else {
                    throw fail(i, "expected `size W H` with 1 ≤ W ≤ 32 and 1 ≤ H ≤ 64")
                }
                size = (numbers[0], numbers[1])
                i += 1
            case "glyph":
                guard let (width, height) = size else { throw fail(i, "`glyph` before `size`") }
                guard words.count == 2 else { throw fail(i, "expected `glyph C`") }
                let name = words[1]
                guard name == "space" || name.count == 1, let character = name == "space" ? " " : name.first else {
                    throw fail(i, "glyph name '\(name)' must be one character or `space`")
                }
                guard glyphs[character] == nil else { throw fail(i, "glyph '\(name)' is defined twice") }
                guard i + height < lines.count else { throw fail(i, "glyph '\(name)' needs \(height) rows") }
                var rows: [UInt32] = []
                for r in 1...height {
                    let row = lines[i + r]
                    guard row.count == width, row.allSatisfy({ $0 == "#" || $0 == "." }) else {
                        throw fail(i + r, "glyph '\(name)' row must be \(width) characters of '#' and '.', got '\(row)'")
                    }
                    rows.append(row.reduce(0) { $0 << 1 | ($1 == "#" ? 1 : 0) })
                }
                glyphs[character] = rows
                i += height + 1
            default:
                throw fail(i, "expected `size`, `glyph` or a comment, got '\(line)'")
            }
        }
        guard let (width, height) = size else { throw fail(0, "no `size` line") }
        guard glyphs["?"] != nil else { throw fail(lines.count - 1, "the font needs a '?' glyph for unknown characters") }
        glyphWidth = width
        glyphHeight = height
        self.glyphs = glyphs
    }

    /// Whether the font has its own glyph for `character`.
    public func hasGlyph(_ character: Character) -> Bool { glyphs[character] != nil }

    /// The glyph drawn for `character`: its own, else its upper-case form's, else '?'.
    private func glyph(for character: Character) -> [UInt32] {
        if let rows = glyphs[character] { return rows }
        let upper = character.uppercased()
        if upper.count == 1, let rows = glyphs[Character(upper)] { return rows }
        return glyphs["?"]!
    }

    /// The width in pixels of `text` drawn at `scale`.
    public func width(of text: String, scale: Int = 1) -> Int {
        text.isEmpty ? 0 : (text.count * advance - 1) * scale
    }

    /// Draws `text` with its top-left corner at (x, y), each font pixel a `scale`×`scale`
    /// block; pixels outside the image are skipped.
    public func draw(_ text: String, in image: inout RGBImage, x: Int, y: Int, color: RGB8, scale: Int = 1) {
        var penX = x
        for character in text {
            for (r, bits) in glyph(for: character).enumerated() {
                for c in 0..<glyphWidth where bits & (1 << UInt32(glyphWidth - 1 - c)) != 0 {
                    image.fill(x: penX + c * scale, y: y + r * scale, width: scale, height: scale, with: color)
                }
            }
            penX += advance * scale
        }
    }
}
