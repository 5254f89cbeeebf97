import CGIF
import Foundation
import Render
import Testing

@Suite struct AnimatedGIFTests {
    /// A red square sliding across a grey background over a blue stripe.
    static func frames(count: Int) -> [RGBImage] {
        (0..<count).map { i in
            var image = RGBImage(width: 40, height: 30, fill: RGB8(200, 200, 200))
            image.fill(x: 0, y: 20, width: 40, height: 10, with: RGB8(40, 80, 200))
            image.fill(x: 2 + 4 * i, y: 5, width: 8, height: 8, with: RGB8(220, 30, 30))
            return image
        }
    }

    @Test func decodesBackThroughGiflib() throws {
        let frames = Self.frames(count: 6)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("mural-\(getpid()).gif").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try AnimatedGIF.write(frames, to: path, frameDelay: 7)

        var error: Int32 = 0
        let gif = try #require(DGifOpenFileName(path, &error), "giflib cannot open the GIF (error \(error))")
        defer { DGifCloseFile(gif, nil) }
        #expect(DGifSlurp(gif) == GIF_OK)
        #expect(gif.pointee.SWidth == 40 && gif.pointee.SHeight == 30)
        #expect(gif.pointee.ImageCount == Int32(frames.count))
        let colorMap = try #require(gif.pointee.SColorMap)

        // NETSCAPE2.0 looping (loop count 0 = forever) precedes the first frame.
        let first = gif.pointee.SavedImages[0]
        let blocks = (0..<Int(first.ExtensionBlockCount)).map { first.ExtensionBlocks[$0] }
        let identifier = blocks.firstIndex {
            $0.Function == APPLICATION_EXT_FUNC_CODE
                && String(decoding: UnsafeBufferPointer(start: $0.Bytes, count: Int($0.ByteCount)), as: UTF8.self) == "NETSCAPE2.0"
        }
        let loopIndex = try #require(identifier, "no NETSCAPE2.0 extension") + 1
        let loop = blocks[loopIndex]
        #expect(Array(UnsafeBufferPointer(start: loop.Bytes, count: Int(loop.ByteCount))) == [1, 0, 0])

        for (index, frame) in frames.enumerated() {
            var control = GraphicsControlBlock()
            #expect(DGifSavedExtensionToGCB(gif, Int32(index), &control) == GIF_OK)
            #expect(control.DelayTime == 7)
            // The decoded pixels match the frame within the palette's precision.
            let saved = gif.pointee.SavedImages[index]
            var worst = 0
            for y in 0..<30 {
                for x in 0..<40 {
                    let c = colorMap.pointee.Colors[Int(saved.RasterBits[y * 40 + x])]
                    let e = frame[x, y]
                    worst = max(worst, abs(Int(c.Red) - Int(e.red)), abs(Int(c.Green) - Int(e.green)),
                                abs(Int(c.Blue) - Int(e.blue)))
                }
            }
            #expect(worst <= 8, "frame \(index) differs by up to \(worst) levels")
        }
    }

    @Test func rejectsMismatchedFrames() {
        #expect(throws: RenderError.self) { try AnimatedGIF.encode([]) }
        #expect(throws: RenderError.self) {
            try AnimatedGIF.encode([RGBImage(width: 4, height: 4), RGBImage(width: 5, height: 4)])
        }
    }

    @Test func sameFramesGiveSameBytes() throws {
        #expect(try AnimatedGIF.encode(Self.frames(count: 3)) == AnimatedGIF.encode(Self.frames(count: 3)))
    }
}
