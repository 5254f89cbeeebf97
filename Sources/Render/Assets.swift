import Foundation

/// Finds Mural's `Assets/` directory (fonts and other data files read at run time) from
/// any working directory, in this order:
///
/// 1. `$MURAL_ASSETS_DIR`, if set (it must then be a directory);
/// 2. `Assets/` in the directory of the running executable (`/proc/self/exe`) or any parent,
///    which covers `.build/<config>/mural` inside a checkout and installs that ship
///    `Assets/` next to the binary;
/// 3. `Assets/` in any parent of this source file, for tests and tools run from a checkout
///    whose binaries live elsewhere.
public enum Assets {
    public static let environmentVariable = "MURAL_ASSETS_DIR"

    /// The path of the `Assets` directory. The parameters exist for tests; callers use the defaults.
    public static func directory(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        executable: String? = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"),
        sourceFile: String = #filePath
    ) throws -> String {
        if let configured = environment[environmentVariable], !configured.isEmpty {
            guard isDirectory(configured) else {
                throw RenderError.assetsNotFound(searched: ["\(environmentVariable)=\(configured) (not a directory)"])
            }
            return configured
        }
        var searched: [String] = []
        let starts = [executable, sourceFile].compactMap { $0.map { ($0 as NSString).deletingLastPathComponent } }
        for start in starts {
            var directory = start
            while true {
                let candidate = (directory as NSString).appendingPathComponent("Assets")
                if isDirectory(candidate) { return candidate }
                searched.append(candidate)
                let parent = (directory as NSString).deletingLastPathComponent
                if parent == directory || parent.isEmpty { break }
                directory = parent
            }
        }
        throw RenderError.assetsNotFound(searched: searched)
    }

    /// The path of `relativePath` inside `Assets/`, which must exist.
    public static func path(_ relativePath: String, sourceFile: String = #filePath) throws -> String {
        let path = (try directory(sourceFile: sourceFile) as NSString).appendingPathComponent(relativePath)
        guard FileManager.default.fileExists(atPath: path) else {
            throw RenderError.cannotRead(path: path, reason: "missing from Mural's Assets directory")
        }
        return path
    }

    private static func isDirectory(_ path: String) -> Bool {
        var directory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &directory) && directory.boolValue
    }
}
