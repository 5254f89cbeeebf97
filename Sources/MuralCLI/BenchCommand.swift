import ArgumentParser
import COpenBLAS
import Experiments
import Foundation
import Physics

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure Mural's speed. Run release builds: swift build -c release.",
        subcommands: [BenchPhysicsCommand.self, BenchTasksCommand.self, BenchRenderCommand.self, BenchNNCommand.self, BenchRewardsCommand.self])
}

/// Where a benchmark ran: printed with every table and embedded in every JSON report.
struct BenchMachine: Codable {
    var cpu: String
    var cores: Int
    var build: String
    var odeVersion: String
    var openblasCore: String
    var openblasCoreTypeEnvironment: String?

    static func current() -> BenchMachine {
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let model = cpuinfo.split(separator: "\n").first { $0.hasPrefix("model name") }
            .map { $0.split(separator: ":", maxSplits: 1).last!.trimmingCharacters(in: .whitespaces) } ?? "unknown"
        #if DEBUG
        let build = "debug (numbers are not representative: use swift build -c release)"
        #else
        let build = "release"
        #endif
        return BenchMachine(
            cpu: model, cores: ProcessInfo.processInfo.activeProcessorCount, build: build,
            odeVersion: ODEInfo.version, openblasCore: String(cString: openblas_get_corename()),
            openblasCoreTypeEnvironment: ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"])
    }

    var summary: String {
        "\(cpu), \(cores) cores, \(build) build, ODE \(odeVersion), OpenBLAS core \(openblasCore)"
            + (openblasCoreTypeEnvironment.map { " (OPENBLAS_CORETYPE=\($0))" } ?? "")
    }
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

/// Writes a value as pretty-printed, key-sorted JSON to standard output.
func printJSON<T: Encodable>(_ value: T) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}

/// Seconds taken by `work`, on the monotonic clock.
func measure(_ work: () throws -> Void) rethrows -> Double {
    let start = ContinuousClock.now
    try work()
    let elapsed = ContinuousClock.now - start
    return elapsed.inSeconds
}
