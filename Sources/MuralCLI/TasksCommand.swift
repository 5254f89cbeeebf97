import ArgumentParser
import Foundation
import TaskSuite

struct TasksCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tasks",
        abstract: "List the tasks: observation and action sizes, horizon, timing and success rule.")

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    struct Row: Codable {
        var id: String
        var version: Int
        var observationDimension: Int
        var actionDimension: Int
        var classifierFeatures: [String]
        var horizon: Int
        var controlTimestep: Double
        var physicsTimestep: Double
        var successRule: String
        var summary: String
    }

    func run() throws {
        let registry = try TaskRegistry.located()
        let rows = try registry.ids.map { id -> Row in
            let env = try registry.makeEnvironment(id)
            return Row(id: id, version: env.definition.version, observationDimension: env.observationSpec.count,
                       actionDimension: env.actionSpec.count, classifierFeatures: env.classifierFeatureSpec.names,
                       horizon: env.horizon, controlTimestep: env.controlTimestep, physicsTimestep: env.physicsTimestep,
                       successRule: env.definition.successRule, summary: env.definition.summary)
        }
        if json { return try printJSON(rows) }
        print("Tasks from \(registry.directory.path)")
        printTable(["id", "obs", "act", "features", "horizon", "control dt", "physics dt", "success"], rows.map {
            [$0.id, "\($0.observationDimension)", "\($0.actionDimension)", $0.classifierFeatures.joined(separator: ","),
             "\($0.horizon)", "\($0.controlTimestep) s", "\($0.physicsTimestep) s", $0.successRule]
        })
        print("Actions are clipped to [-1, 1]; success is evaluated on every step's new state.")
    }
}
