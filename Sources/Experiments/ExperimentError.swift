import Foundation

/// Errors of the experiment layer. Each names the file, directory or value at fault.
public enum ExperimentError: Error, Equatable, CustomStringConvertible {
    case unwritableDirectory(path: String, reason: String)
    case configurationMismatch(path: String)
    case incompleteRunExists(path: String)
    case directoryInUse(path: String)
    case missingFile(path: String)
    case invalidFile(path: String, reason: String)
    case invalidValue(String)
    case processLaunchFailed(executable: String, errno: Int32)

    public var description: String {
        switch self {
        case let .unwritableDirectory(path, reason):
            return "cannot write to \(path): \(reason)"
        case .configurationMismatch(let path):
            return "\(path) already holds a run with a different configuration; "
                + "pass --force to overwrite it, or choose another directory"
        case .incompleteRunExists(let path):
            return "\(path) already holds an unfinished run with this configuration; pass --resume to continue it "
                + "or --force to start again"
        case .directoryInUse(let path):
            return "\(path) is in use by another mural process; wait for it to finish or stop it first"
        case .missingFile(let path):
            return "\(path) does not exist"
        case let .invalidFile(path, reason):
            return "\(path): \(reason)"
        case .invalidValue(let message):
            return message
        case let .processLaunchFailed(executable, code):
            return "could not start \(executable): \(String(cString: strerror(code)))"
        }
    }
}
