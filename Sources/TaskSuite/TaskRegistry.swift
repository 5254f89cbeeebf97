import Foundation

/// An id that names no task.
public struct UnknownTaskError: Error, Equatable, CustomStringConvertible {
    public var id: String
    public var validIDs: [String]
    public var description: String {
        "unknown task '\(id)'; valid ids: \(validIDs.joined(separator: ", "))"
    }
}

/// The tasks defined in a `Tasks/` directory, looked up by id.
public struct TaskRegistry: Sendable {
    public let directory: URL
    /// Sorted by id.
    public let definitions: [TaskDefinition]

    /// Loads every `*.yaml` file in `directory`; each file must be named after its task id.
    public init(directory: URL) throws {
        self.directory = directory
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: directory.path) } catch {
            throw TaskLocationError(message: "cannot list task directory \(directory.path): \(error.localizedDescription)")
        }
        definitions = try names.filter { $0.hasSuffix(".yaml") }.sorted().map { name in
            let url = directory.appendingPathComponent(name)
            let definition = try TaskDefinition.load(contentsOf: url)
            guard name == "\(definition.id).yaml" else {
                throw TaskDefinitionError(file: url.path, key: "id",
                                          message: "the file must be named '\(definition.id).yaml' after its id")
            }
            return definition
        }
    }

    /// The registry of the task directory found by `TaskLocator`.
    public static func located() throws -> TaskRegistry {
        try TaskRegistry(directory: try TaskLocator.tasksDirectory())
    }

    public var ids: [String] { definitions.map(\.id) }

    public func definition(_ id: String) throws -> TaskDefinition {
        guard let d = definitions.first(where: { $0.id == id }) else {
            throw UnknownTaskError(id: id, validIDs: ids)
        }
        return d
    }

    /// A new environment for task `id`.
    public func makeEnvironment(_ id: String, reward: RewardKind = .successIndicator,
                                terminatesOnSuccess: Bool = false) throws -> TaskEnvironment {
        try TaskRegistry.makeEnvironment(try definition(id), reward: reward, terminatesOnSuccess: terminatesOnSuccess)
    }

    /// Those of `ids` whose deterministic evaluation episodes repeat each other, so that reports
    /// count their seeds, not their episodes.
    public func tasksWhoseEvaluationEpisodesRepeat(_ ids: some Sequence<String>) throws -> Set<String> {
        try Set(ids.filter { try makeEnvironment($0).evaluationEpisodesRepeat })
    }

    /// A new environment for a definition (for example one parsed from a modified file).
    public static func makeEnvironment(_ definition: TaskDefinition, reward: RewardKind = .successIndicator,
                                       terminatesOnSuccess: Bool = false) throws -> TaskEnvironment {
        let scene: any TaskScene
        switch definition.parameters {
        case .maze(let p): scene = try MazeScene(definition: definition, parameters: p)
        case .pusher(let p): scene = try PusherScene(definition: definition, parameters: p)
        case .door(let p): scene = try DoorScene(definition: definition, parameters: p)
        case .handValve(let p): scene = try HandValveScene(definition: definition, parameters: p)
        }
        return try TaskEnvironment(definition: definition, scene: scene, rewardKind: reward,
                                   terminatesOnSuccess: terminatesOnSuccess)
    }
}
