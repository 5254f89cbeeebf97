import Foundation

/// Records an episode's frames into a directory: numbered PNG frames (`frame_0000.png`,
/// `frame_0001.png`, … in recording order), and on `finish()` an animated GIF
/// (`episode.gif`) and a contact sheet of selected steps (`sheet.png`). This is what
/// `mural render` needs around a task's step loop:
///
///     let recorder = try EpisodeRecorder(directory: "out/door", width: 320, height: 240)
///     for step in 0..<horizon {
///         try recorder.record(Scene(world: task.world, style: task.style, overlays: task.markers),
///                             camera: camera, step: step, success: task.isSuccess)
///         try task.step(action)
///     }
///     let files = try recorder.finish()
public final class EpisodeRecorder {
    public let directory: String
    public let renderer: Renderer
    /// Write every frame as `frame_NNNN.png` (off to record only the GIF and sheet).
    public var writesFrames = true
    /// Hundredths of a second per GIF frame.
    public var gifFrameDelay = 4
    /// Tiles on the contact sheet: evenly spaced steps, always including the first and last.
    public var contactSheetTiles = 12

    private var frames: [RGBImage] = []
    private var steps: [(step: Int, success: Bool)] = []
    private var image: RGBImage

    /// Prepares `directory` (created if missing); throws `RenderError.cannotWrite` naming it
    /// if it cannot be written.
    public init(directory: String, width: Int, height: Int, supersampling: Int = 2,
                shadowFiltering: ShadowFiltering = .nearest) throws {
        try OutputFile.prepareDirectory(directory)
        self.directory = directory
        renderer = try Renderer(width: width, height: height, supersampling: supersampling, shadowFiltering: shadowFiltering)
        image = RGBImage(width: width, height: height)
    }

    /// Renders and keeps one frame; writes it as PNG if `writesFrames`.
    public func record(_ scene: Scene, camera: Camera, step: Int, success: Bool) throws {
        try renderer.render(scene, camera: camera, into: &image)
        if writesFrames {
            try PNG.write(image, to: Self.framePath(directory, index: frames.count))
        }
        frames.append(image)
        steps.append((step, success))
    }

    /// The files `finish()` wrote.
    public struct Output: Sendable {
        public let gif: String
        public let contactSheet: String
        public let frameCount: Int
    }

    /// Writes `episode.gif` and `sheet.png`.
    public func finish() throws -> Output {
        guard !frames.isEmpty else { throw RenderError.invalidArgument("no frames were recorded") }
        let gif = "\(directory)/episode.gif", sheetPath = "\(directory)/sheet.png"
        try AnimatedGIF.write(frames, to: gif, frameDelay: gifFrameDelay)
        let count = min(contactSheetTiles, frames.count)
        let picks = (0..<count).map { count == 1 ? 0 : $0 * (frames.count - 1) / (count - 1) }
        let tiles = picks.map { ContactSheet.Tile(image: frames[$0], step: steps[$0].step, success: steps[$0].success) }
        try PNG.write(try ContactSheet(font: try BitmapFont.standard()).compose(tiles), to: sheetPath, compression: .small)
        return Output(gif: gif, contactSheet: sheetPath, frameCount: frames.count)
    }

    /// Where the frame recorded `index`-th (from 0) goes: `frame_0000.png` and onwards.
    public static func framePath(_ directory: String, index: Int) -> String {
        "\(directory)/\(String(format: "frame_%04d.png", index))"
    }
}
