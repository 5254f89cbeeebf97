/// A colour with straight (not premultiplied) alpha; components in [0, 1], in display
/// (sRGB-encoded) space, as they would be picked from a colour chooser.
public struct Color: Hashable, Sendable, Codable {
    public var red: Float
    public var green: Float
    public var blue: Float
    /// Opacity: 1 is opaque; anything less is alpha-blended and casts no shadow by default.
    public var alpha: Float

    public init(red: Float, green: Float, blue: Float, alpha: Float = 1) {
        self.red = red
        self.green = green
        self.blue = blue
        self.alpha = alpha
    }

    /// A colour from a 0xRRGGBB literal, e.g. `Color(hex: 0x4C72B0)`.
    public init(hex: UInt32, alpha: Float = 1) {
        self.init(red: Float((hex >> 16) & 0xFF) / 255, green: Float((hex >> 8) & 0xFF) / 255,
                  blue: Float(hex & 0xFF) / 255, alpha: alpha)
    }

    /// The same colour with another opacity.
    public func withAlpha(_ alpha: Float) -> Color {
        Color(red: red, green: green, blue: blue, alpha: alpha)
    }

    public static let white = Color(red: 1, green: 1, blue: 1)
    public static let black = Color(red: 0, green: 0, blue: 0)

    var rgb: SIMD3<Float> { SIMD3(red, green, blue) }
}

/// An 8-bit RGB colour as stored in an `RGBImage`.
public struct RGB8: Hashable, Sendable {
    public var red: UInt8
    public var green: UInt8
    public var blue: UInt8

    public init(_ red: UInt8, _ green: UInt8, _ blue: UInt8) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    public init(_ color: Color) {
        self.init(Self.quantize(color.red), Self.quantize(color.green), Self.quantize(color.blue))
    }

    @inline(__always)
    static func quantize(_ value: Float) -> UInt8 {
        UInt8(min(max(value, 0), 1) * 255 + 0.5)
    }
}
