import Experiments

/// An `ExperimentError` told in terms of `mural`'s options: the library names settings and
/// situations, the command line says which option gives or resolves them.
struct OptionError: Error, CustomStringConvertible {
    let description: String

    /// The options of `mural compare` and `mural train` that give each setting of `ComparisonSettings`.
    static let options = [
        "tasks": "--tasks", "rewards": "--rewards", "seeds": "--seeds", "steps": "--steps",
        "evaluationInterval": "--evaluation-interval", "evaluationEpisodes": "--evaluation-episodes", "hiddenSizes": "--hidden",
    ]

    init(_ error: ExperimentError) {
        func option(_ setting: String) -> String { Self.options[setting] ?? setting }
        switch error {
        case .configurationMismatch, .taskSettingMismatch:
            description = "\(error); pass --force to overwrite it, or choose another directory"
        case .incompleteRunExists:
            description = "\(error); pass --resume to continue it or --force to start again"
        case let .invalidSetting(setting, problem):
            description = "\(option(setting)) \(problem)"
        case .missingSettings(let settings):
            description = "without --preset, give \(settings.map(option).joined(separator: ", ")) (or choose a preset: "
                + ComparisonPreset.all.map(\.name).joined(separator: ", ") + ")"
        default:
            description = error.description
        }
    }

    /// Runs `body`, rethrowing an `ExperimentError` as an `OptionError`.
    static func translating<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as ExperimentError { throw OptionError(error) }
    }
}
