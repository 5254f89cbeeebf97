import Foundation

/// Errors of the experiment layer. Each names the file, directory or value at fault.
public enum ExperimentError: Error, Equatable, CustomStringConvertible {
    case unwritableDirectory(path: String, reason: String)
    case configurationMismatch(path: String)
    /// A comparison directory holds runs of `task` trained with another budget or target entropy.
    case taskSettingMismatch(path: String, task: String, recorded: String, given: String)
    case incompleteRunExists(path: String)
    case directoryInUse(path: String)
    case missingFile(path: String)
    case invalidFile(path: String, reason: String)
    case invalidValue(String)
    /// A setting of a comparison is out of range; `setting` names it as `ComparisonSettings` does.
    case invalidSetting(setting: String, problem: String)
    /// Settings that must be given when no preset supplies them, named as `ComparisonSettings` does.
    case missingSettings([String])
    case processLaunchFailed(executable: String, errno: Int32)

    public var description: String {
        switch self {
        case let .unwritableDirectory(path, reason):
            return "cannot write to \(path): \(reason)"
        case .configurationMismatch(let path):
            return "\(path) already holds a run with a different configuration"
        case let .taskSettingMismatch(path, task, recorded, given):
            return "\(path) already holds runs of \(task) trained with \(recorded); this grid gives \(given)"
        case .incompleteRunExists(let path):
            return "\(path) already holds an unfinished run with this configuration"
        case .directoryInUse(let path):
            return "\(path) is in use by another mural process; wait for it to finish or stop it first"
        case .missingFile(let path):
            return "\(path) does not exist"
        case let .invalidFile(path, reason):
            return "\(path): \(reason)"
        case .invalidValue(let message):
            return message
        case let .invalidSetting(setting, problem):
            return "\(setting) \(problem)"
        case .missingSettings(let settings):
            return "without a preset, give \(settings.joined(separator: ", ")) (or choose a preset: "
                + ComparisonPreset.all.map(\.name).joined(separator: ", ") + ")"
        case let .processLaunchFailed(executable, code):
            return "could not start \(executable): \(String(cString: strerror(code)))"
        }
    }
}
