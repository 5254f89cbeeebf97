/// Everything that can go wrong while rendering or writing frames.
public enum RenderError: Error, Equatable, CustomStringConvertible {
    /// A camera that cannot produce an image, or a `--camera` string that does not parse.
    case invalidCamera(String)
    /// An image size or option outside its valid range.
    case invalidArgument(String)
    /// A file or directory could not be written; carries the path and the system's reason.
    case cannotWrite(path: String, reason: String)
    /// A file could not be read or decoded.
    case cannotRead(path: String, reason: String)
    /// libpng or giflib reported an error.
    case codec(String)
    /// `Assets/` was not found; lists where Mural looked.
    case assetsNotFound(searched: [String])
    /// A bitmap font file is malformed; carries the file and line.
    case malformedFont(path: String, line: Int, problem: String)

    public var description: String {
        switch self {
        case .invalidCamera(let problem): "invalid camera \(problem)"
        case .invalidArgument(let problem): problem
        case .cannotWrite(let path, let reason): "cannot write '\(path)': \(reason)"
        case .cannotRead(let path, let reason): "cannot read '\(path)': \(reason)"
        case .codec(let problem): problem
        case .assetsNotFound(let searched):
            "cannot find Mural's Assets/ directory; set MURAL_ASSETS_DIR to it. Searched: \(searched.joined(separator: ", "))"
        case .malformedFont(let path, let line, let problem): "\(path):\(line): \(problem)"
        }
    }
}
