import CGIF

/// Animated GIFs of episodes through giflib: one global 256-colour palette, median-cut
/// quantised by giflib's `GifQuantizeBuffer` from a sample of the frames, and the
/// NETSCAPE2.0 extension so that viewers loop the animation.
public enum AnimatedGIF {
    /// Frames sampled (evenly spaced) to build the palette; enough to see every object
    /// the episode shows, few enough to keep quantisation quick.
    static let paletteSampleFrames = 8

    /// Encodes `frames` (all the same size), showing each for `frameDelay` hundredths of a
    /// second; `loopCount` 0 loops forever.
    public static func encode(_ frames: [RGBImage], frameDelay: Int = 4, loopCount: Int = 0) throws -> [UInt8] {
        guard let first = frames.first else { throw RenderError.invalidArgument("an animated GIF needs at least one frame") }
        guard frames.allSatisfy({ $0.width == first.width && $0.height == first.height }) else {
            throw RenderError.invalidArgument("all GIF frames must be \(first.width)×\(first.height)")
        }
        guard (0...65535).contains(frameDelay), (0...65535).contains(loopCount) else {
            throw RenderError.invalidArgument("GIF frame delay and loop count must be in 0...65535")
        }
        guard first.width <= 65535, first.height <= 65535 else {
            throw RenderError.invalidArgument("GIF frames must be at most 65535 pixels on a side")
        }
        let palette = try Palette(sampling: frames)
        let sink = ByteSink()
        var status: Int32 = 0
        let opened = EGifOpen(Unmanaged.passUnretained(sink).toOpaque(), { gif, bytes, count in
            let sink = Unmanaged<ByteSink>.fromOpaque(gif!.pointee.UserData).takeUnretainedValue()
            sink.bytes.append(contentsOf: UnsafeBufferPointer(start: bytes, count: Int(count)))
            return count
        }, &status)
        guard let gif = opened else { throw RenderError.codec("giflib could not start a GIF: \(errorString(status))") }
        var closed = false
        defer { if !closed { EGifCloseFile(gif, nil) } }
        func check(_ result: Int32, _ step: String) throws {
            guard result == GIF_OK else {
                throw RenderError.codec("giflib failed to \(step): \(errorString(gif.pointee.Error))")
            }
        }

        EGifSetGifVersion(gif, true)
        let colorMap = palette.colors.withUnsafeBufferPointer { GifMakeMapObject(256, $0.baseAddress) }
        defer { GifFreeMapObject(colorMap) }
        try check(EGifPutScreenDesc(gif, Int32(first.width), Int32(first.height), 8, 0, colorMap), "write the screen descriptor")
        try putLoopExtension(gif, loopCount: loopCount, check: check)

        var graphicsControl = GraphicsControlBlock(
            DisposalMode: DISPOSE_DO_NOT, UserInputFlag: false, DelayTime: Int32(frameDelay),
            TransparentColor: NO_TRANSPARENT_COLOR)
        var extensionBytes = [GifByteType](repeating: 0, count: 4)
        let extensionLength = EGifGCBToExtension(&graphicsControl, &extensionBytes)
        var indices = [GifPixelType](repeating: 0, count: first.width * first.height)
        for frame in frames {
            palette.map(frame, into: &indices)
            try check(EGifPutExtension(gif, GRAPHICS_EXT_FUNC_CODE, Int32(extensionLength), extensionBytes),
                      "write a frame delay")
            try check(EGifPutImageDesc(gif, 0, 0, Int32(first.width), Int32(first.height), false, nil),
                      "write an image descriptor")
            try check(EGifPutLine(gif, &indices, Int32(indices.count)), "compress a frame")
        }
        closed = true
        var closeError: Int32 = 0
        guard EGifCloseFile(gif, &closeError) == GIF_OK else {
            throw RenderError.codec("giflib failed to finish the GIF: \(errorString(closeError))")
        }
        return sink.bytes
    }

    /// Encodes `frames` and writes them to `path`, creating missing parent directories.
    public static func write(_ frames: [RGBImage], to path: String, frameDelay: Int = 4, loopCount: Int = 0) throws {
        try OutputFile.write(try encode(frames, frameDelay: frameDelay, loopCount: loopCount), to: path)
    }

    /// The application extension "NETSCAPE2.0" with sub-block 1: the loop count.
    private static func putLoopExtension(_ gif: UnsafeMutablePointer<GifFileType>, loopCount: Int,
                                         check: (Int32, String) throws -> Void) throws {
        let identifier = Array("NETSCAPE2.0".utf8)
        let loop: [GifByteType] = [1, GifByteType(loopCount & 0xFF), GifByteType(loopCount >> 8)]
        try check(EGifPutExtensionLeader(gif, APPLICATION_EXT_FUNC_CODE), "start the loop extension")
        try check(EGifPutExtensionBlock(gif, Int32(identifier.count), identifier), "write the loop extension")
        try check(EGifPutExtensionBlock(gif, Int32(loop.count), loop), "write the loop count")
        try check(EGifPutExtensionTrailer(gif), "finish the loop extension")
    }

    static func errorString(_ code: Int32) -> String {
        GifErrorString(code).map { String(cString: $0) } ?? "giflib error \(code)"
    }

    /// Collects giflib's output.
    private final class ByteSink {
        var bytes: [UInt8] = []
    }
}

/// A 256-colour palette and a lookup table from 15-bit colour (5 bits per channel, the
/// precision `GifQuantizeBuffer` works at) to the nearest palette entry.
struct Palette {
    private(set) var colors: [GifColorType]
    private var lookup: [UInt8]

    init(sampling frames: [RGBImage]) throws {
        let count = min(frames.count, AnimatedGIF.paletteSampleFrames)
        let samples = (0..<count).map { frames[$0 * (frames.count - 1) / max(count - 1, 1)] }
        let width = samples[0].width, height = samples[0].height * samples.count
        var red = [GifByteType](), green = [GifByteType](), blue = [GifByteType]()
        for channel in [0, 1, 2] {
            var plane = [GifByteType]()
            plane.reserveCapacity(width * height)
            for frame in samples {
                for i in stride(from: channel, to: frame.pixels.count, by: 3) { plane.append(frame.pixels[i]) }
            }
            switch channel {
            case 0: red = plane
            case 1: green = plane
            default: blue = plane
            }
        }
        var size: Int32 = 256
        var quantised = [GifByteType](repeating: 0, count: width * height)
        colors = [GifColorType](repeating: GifColorType(Red: 0, Green: 0, Blue: 0), count: 256)
        let status = GifQuantizeBuffer(UInt32(width), UInt32(height), &size, &red, &green, &blue, &quantised, &colors)
        guard status == GIF_OK else { throw RenderError.codec("giflib could not quantise the frames' colours") }
        lookup = Self.nearestTable(colors, used: Int(size))
    }

    private static func nearestTable(_ colors: [GifColorType], used: Int) -> [UInt8] {
        var table = [UInt8](repeating: 0, count: 1 << 15)
        for key in 0..<(1 << 15) {
            // The centre of the 5-bit cell, in 8-bit units.
            let r = (key >> 10) << 3 | 4, g = ((key >> 5) & 31) << 3 | 4, b = (key & 31) << 3 | 4
            var best = 0, bestDistance = Int.max
            for i in 0..<used {
                let c = colors[i]
                let dr = r - Int(c.Red), dg = g - Int(c.Green), db = b - Int(c.Blue)
                let distance = dr * dr + dg * dg + db * db
                if distance < bestDistance { (best, bestDistance) = (i, distance) }
            }
            table[key] = UInt8(best)
        }
        return table
    }

    /// Palette indices of `image`'s pixels.
    func map(_ image: RGBImage, into indices: inout [GifPixelType]) {
        image.pixels.withUnsafeBufferPointer { p in
            lookup.withUnsafeBufferPointer { table in
                for i in indices.indices {
                    let key = Int(p[3 * i] >> 3) << 10 | Int(p[3 * i + 1] >> 3) << 5 | Int(p[3 * i + 2] >> 3)
                    indices[i] = table[key]
                }
            }
        }
    }
}
