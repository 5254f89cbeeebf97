import CPNG
import CPNGWriter
import Foundation

/// PNG encoding and decoding through libpng: 8-bit RGB, no ancillary chunks, so equal
/// images always give equal bytes.
public enum PNG {
    /// zlib effort versus size. `.fast` (level 1, no row filters) is about five times faster
    /// than libpng's defaults and the right choice for recording episodes.
    public enum Compression: Sendable {
        case fast
        case small

        var level: Int32 { self == .fast ? 1 : 9 }
        /// libpng's PNG_NO_FILTERS and PNG_ALL_FILTERS masks.
        var filters: Int32 { self == .fast ? 0x08 : 0xF8 }
    }

    public static func encode(_ image: RGBImage, compression: Compression = .fast) throws -> [UInt8] {
        var buffer = cpng_buffer(data: nil, size: 0, capacity: 0)
        defer { cpng_buffer_free(&buffer) }
        var message = [CChar](repeating: 0, count: 256)
        let status = image.pixels.withUnsafeBufferPointer { pixels in
            cpng_encode_rgb8(pixels.baseAddress, UInt32(image.width), UInt32(image.height), image.width * 3,
                             compression.level, compression.filters, &buffer, &message, message.count)
        }
        guard status == 0 else {
            throw RenderError.codec("libpng could not encode a \(image.width)×\(image.height) image: \(string(message))")
        }
        return Array(UnsafeBufferPointer(start: buffer.data, count: buffer.size))
    }

    /// Encodes `image` and writes it to `path`, creating missing parent directories.
    public static func write(_ image: RGBImage, to path: String, compression: Compression = .fast) throws {
        try OutputFile.write(try encode(image, compression: compression), to: path)
    }

    /// Decodes any PNG libpng understands, converted to 8-bit RGB (alpha is composited on black).
    public static func decode(_ data: [UInt8]) throws -> RGBImage {
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        let began = data.withUnsafeBytes { png_image_begin_read_from_memory(&image, $0.baseAddress, $0.count) }
        guard began != 0 else { throw RenderError.codec("libpng could not read PNG header: \(message(of: &image))") }
        defer { png_image_free(&image) }
        image.format = UInt32(PNG_FORMAT_RGB)
        let width = Int(image.width), height = Int(image.height)
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        let finished = pixels.withUnsafeMutableBytes {
            png_image_finish_read(&image, nil, $0.baseAddress, Int32(width * 3), nil)
        }
        guard finished != 0 else { throw RenderError.codec("libpng could not decode PNG: \(message(of: &image))") }
        return RGBImage(width: width, height: height, pixels: pixels)
    }

    /// Reads and decodes the PNG file at `path`.
    public static func read(from path: String) throws -> RGBImage {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw RenderError.cannotRead(path: path, reason: "no such file, or not readable")
        }
        do { return try decode([UInt8](data)) } catch RenderError.codec(let problem) {
            throw RenderError.cannotRead(path: path, reason: problem)
        }
    }

    private static func message(of image: inout png_image) -> String {
        withUnsafeBytes(of: &image.message) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
    }

    private static func string(_ buffer: [CChar]) -> String {
        buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }
}
