/// An 8-bit RGB raster, rows top to bottom, three bytes per pixel with no row padding.
public struct RGBImage: Hashable, Sendable {
    public let width: Int
    public let height: Int
    /// `width * height * 3` bytes: R, G, B of pixel (x, y) at `3 * (y * width + x)`.
    public var pixels: [UInt8]

    /// An image filled with one colour.
    public init(width: Int, height: Int, fill: RGB8 = RGB8(0, 0, 0)) {
        precondition(width > 0 && height > 0, "image size must be positive, got \(width)×\(height)")
        self.width = width
        self.height = height
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for i in stride(from: 0, to: pixels.count, by: 3) {
            pixels[i] = fill.red
            pixels[i + 1] = fill.green
            pixels[i + 2] = fill.blue
        }
        self.pixels = pixels
    }

    /// Wraps existing RGB bytes; `pixels.count` must be `width * height * 3`.
    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(width > 0 && height > 0, "image size must be positive, got \(width)×\(height)")
        precondition(pixels.count == width * height * 3,
                     "expected \(width * height * 3) bytes for \(width)×\(height) RGB, got \(pixels.count)")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    public subscript(x: Int, y: Int) -> RGB8 {
        get {
            let i = 3 * (y * width + x)
            return RGB8(pixels[i], pixels[i + 1], pixels[i + 2])
        }
        set {
            let i = 3 * (y * width + x)
            pixels[i] = newValue.red
            pixels[i + 1] = newValue.green
            pixels[i + 2] = newValue.blue
        }
    }

    /// Fills the rectangle `x..<x+w, y..<y+h`, clipped to the image.
    public mutating func fill(x: Int, y: Int, width w: Int, height h: Int, with color: RGB8) {
        let x0 = max(x, 0), x1 = min(x + w, width)
        let y0 = max(y, 0), y1 = min(y + h, height)
        guard x0 < x1, y0 < y1 else { return }
        for row in y0..<y1 {
            for column in x0..<x1 { self[column, row] = color }
        }
    }

    /// Copies `image` with its top-left corner at (x, y), clipped to this image.
    public mutating func paste(_ image: RGBImage, x: Int, y: Int) {
        let x0 = max(x, 0), x1 = min(x + image.width, width)
        let y0 = max(y, 0), y1 = min(y + image.height, height)
        guard x0 < x1, y0 < y1 else { return }
        for row in y0..<y1 {
            let source = 3 * ((row - y) * image.width + (x0 - x))
            let target = 3 * (row * width + x0)
            pixels.replaceSubrange(target..<target + 3 * (x1 - x0), with: image.pixels[source..<source + 3 * (x1 - x0)])
        }
    }
}
