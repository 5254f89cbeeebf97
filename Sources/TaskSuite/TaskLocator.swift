import Foundation

/// The task directory could not be found or read.
public struct TaskLocationError: Error, Equatable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

/// Finds the `Tasks/` directory from any working directory: `$MURAL_TASKS_DIR` first, then
/// the directories above the running executable's real path (`/proc/self/exe`, so symlinks
/// and installed copies inside the repository work), then those above this source file.
public enum TaskLocator {
    public static let environmentVariable = "MURAL_TASKS_DIR"

    public static func tasksDirectory(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        sourceFile: String = #filePath
    ) throws -> URL {
        if let explicit = environment[environmentVariable], !explicit.isEmpty {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: explicit, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw TaskLocationError(message: "\(environmentVariable)=\(explicit) is not a directory")
            }
            return URL(fileURLWithPath: explicit)
        }
        var starts: [URL] = []
        if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            starts.append(URL(fileURLWithPath: exe).deletingLastPathComponent())
        }
        starts.append(URL(fileURLWithPath: sourceFile).deletingLastPathComponent())
        for start in starts {
            if let found = searchUpward(from: start) { return found }
        }
        throw TaskLocationError(
            message: "cannot find the Tasks/ directory: set \(environmentVariable), or run a mural built inside the "
                + "repository (searched above \(starts.map(\.path).joined(separator: " and ")))")
    }

    /// The first `Tasks/` directory holding YAML files in `start` or any directory above it.
    static func searchUpward(from start: URL) -> URL? {
        var dir = start.standardizedFileURL
        while true {
            let candidate = dir.appendingPathComponent("Tasks")
            if let files = try? FileManager.default.contentsOfDirectory(atPath: candidate.path),
               files.contains(where: { $0.hasSuffix(".yaml") }) {
                return candidate
            }
            let parent = dir.deletingLastPathComponent()
            if parent.path == dir.path { return nil }
            dir = parent
        }
    }
}
