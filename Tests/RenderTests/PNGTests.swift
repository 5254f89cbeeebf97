import Foundation
import Physics
import Render
import Testing

@Suite struct PNGTests {
    static func sampleImage() -> RGBImage {
        var image = RGBImage(width: 37, height: 23)
        for y in 0..<image.height {
            for x in 0..<image.width {
                image[x, y] = RGB8(UInt8(x * 7 % 256), UInt8(y * 11 % 256), UInt8((x * y) % 256))
            }
        }
        return image
    }

    @Test(arguments: [PNG.Compression.fast, .small])
    func roundTripThroughLibpng(compression: PNG.Compression) throws {
        let image = Self.sampleImage()
        let bytes = try PNG.encode(image, compression: compression)
        #expect(Array(bytes.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], "PNG signature")
        #expect(try PNG.decode(bytes) == image)
    }

    @Test func roundTripThroughAFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("mural-png-\(getpid())/a/b.png").path
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        try PNG.write(Self.sampleImage(), to: path)
        #expect(try PNG.read(from: path) == Self.sampleImage())
    }

    @Test func decodingGarbageThrows() {
        #expect(throws: RenderError.self) { try PNG.decode([1, 2, 3, 4, 5, 6, 7, 8, 9]) }
    }

    /// The same scene and camera give the same PNG bytes, from a fresh renderer or a reused one.
    @Test func renderingIsDeterministic() throws {
        let camera = Camera.orbit(target: .zero, azimuth: 20, elevation: 35, distance: 1.2)
        let scene = Scene(primitives: [
            Primitive(shape: .plane(normal: Vector3(0, 0, 1), offset: 0), appearance: Style.defaultFloor),
            Primitive(shape: .capsule(radius: 0.05, length: 0.2), position: Vector3(0, 0, 0.2),
                      orientation: Quaternion(axis: Vector3(1, 0, 0), angle: 1), color: Color(hex: 0x8172B3)),
            Primitive(shape: .sphere(radius: 0.1), position: Vector3(0.1, 0.1, 0.3), color: Color(hex: 0x55A868, alpha: 0.5)),
        ])
        let renderer = try Renderer(width: 48, height: 36)
        let first = try PNG.encode(renderer.render(scene, camera: camera))
        _ = try renderer.render(Scene(primitives: [scene.primitives[1]]), camera: camera)
        let again = try PNG.encode(renderer.render(scene, camera: camera))
        let fresh = try PNG.encode(Renderer(width: 48, height: 36).render(scene, camera: camera))
        #expect(first == again)
        #expect(first == fresh)
    }

    /// Writing below a regular file fails (even for root, unlike permission bits), and the
    /// error names the path.
    @Test func unwritableOutputDirectoryNamesThePath() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("mural-not-a-dir-\(getpid())").path
        _ = FileManager.default.createFile(atPath: file, contents: Data([1]))
        defer { try? FileManager.default.removeItem(atPath: file) }
        let directory = "\(file)/frames"
        do {
            try PNG.write(Self.sampleImage(), to: "\(directory)/000.png")
            Issue.record("writing under a regular file should fail")
        } catch let error as RenderError {
            guard case .cannotWrite(let path, _) = error else {
                Issue.record("expected cannotWrite, got \(error)")
                return
            }
            #expect(path == directory)
            #expect(error.description.contains(directory))
        }
        #expect(throws: RenderError.self) { try OutputFile.prepareDirectory(file) }
    }
}
