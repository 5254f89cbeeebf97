import Foundation

/// Writing rendered files, with errors that name the path and the system's reason.
public enum OutputFile {
    /// Creates `path` and its parents if needed and checks that files can be created in it.
    public static func prepareDirectory(_ path: String) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw RenderError.cannotWrite(path: path, reason: "it exists and is not a directory")
            }
        } else {
            try makeDirectories(path)
        }
        guard access(path, W_OK | X_OK) == 0 else {
            throw RenderError.cannotWrite(path: path, reason: String(cString: strerror(errno)))
        }
    }

    /// `mkdir -p` with the system's reason on failure (Foundation's errors for this are vague).
    private static func makeDirectories(_ path: String) throws {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/") {
            prefix += (prefix.isEmpty || prefix.hasSuffix("/") ? "" : "/") + component
            if mkdir(prefix, 0o777) != 0 && errno != EEXIST {
                throw RenderError.cannotWrite(path: path, reason: String(cString: strerror(errno)))
            }
        }
    }

    /// Writes `bytes` to `path` (atomically: readers never see a half-written file),
    /// creating missing parent directories.
    public static func write(_ bytes: [UInt8], to path: String) throws {
        let parent = (path as NSString).deletingLastPathComponent
        if !parent.isEmpty { try prepareDirectory(parent) }
        do {
            try Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw RenderError.cannotWrite(path: path, reason: reason(error))
        }
    }

    /// The most specific human-readable reason in a Foundation error.
    private static func reason(_ error: Error) -> String {
        let ns = error as NSError
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError,
           underlying.domain == NSPOSIXErrorDomain, let code = POSIXErrorCode(rawValue: Int32(underlying.code)) {
            return String(cString: strerror(code.rawValue))
        }
        if ns.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(ns.code))) }
        return ns.localizedDescription
    }
}
