import ArgumentParser
import Foundation

/// `mural bench`: the benchmarks of the `Benchmarks` module, their options parsed and their
/// reports printed as tables or JSON.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure Mural's speed. Run release builds: swift build -c release.",
        subcommands: [BenchPhysicsCommand.self, BenchTasksCommand.self, BenchRenderCommand.self, BenchNNCommand.self, BenchRewardsCommand.self, BenchThreadsCommand.self])
}

/// Prints rows as an aligned text table.
func printTable(_ header: [String], _ rows: [[String]]) {
    let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
    func line(_ cells: [String]) -> String {
        zip(cells, widths).enumerated().map { i, cell in
            i == 0 ? cell.0.padding(toLength: cell.1, withPad: " ", startingAt: 0)
                : String(repeating: " ", count: cell.1 - cell.0.count) + cell.0
        }.joined(separator: "  ")
    }
    print(line(header))
    print(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  "))
    rows.forEach { print(line($0)) }
}

/// Prints (label, value) pairs, the labels padded to one width.
func printLabelled(_ rows: [(String, String)]) {
    let width = rows.map(\.0.count).max() ?? 0
    for (label, value) in rows {
        print(label.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + value)
    }
}

/// Writes a value as pretty-printed, key-sorted JSON to standard output.
func printJSON<T: Encodable>(_ value: T) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}
