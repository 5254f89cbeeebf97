import Foundation
import NeuralNet
import Physics

/// Where a benchmark ran: printed with every table and embedded in every JSON report.
public struct Machine: Codable, Sendable {
    public var cpu: String
    public var cores: Int
    public var build: String
    public var odeVersion: String
    public var openblasCore: String
    public var openblasCoreTypeEnvironment: String?

    public static func current() -> Machine {
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let model = cpuinfo.split(separator: "\n").first { $0.hasPrefix("model name") }
            .map { $0.split(separator: ":", maxSplits: 1).last!.trimmingCharacters(in: .whitespaces) } ?? "unknown"
        #if DEBUG
        let build = "debug (numbers are not representative: use swift build -c release)"
        #else
        let build = "release"
        #endif
        return Machine(
            cpu: model, cores: ProcessInfo.processInfo.activeProcessorCount, build: build,
            odeVersion: ODEInfo.version, openblasCore: BLASRuntime.coreName,
            openblasCoreTypeEnvironment: ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"])
    }

    /// One line for the head of a table.
    public var summary: String {
        "\(cpu), \(cores) cores, \(build) build, ODE \(odeVersion), OpenBLAS core \(openblasCore)"
            + (openblasCoreTypeEnvironment.map { " (OPENBLAS_CORETYPE=\($0))" } ?? "")
    }

    /// The one-minute load average (/proc/loadavg): above the core count, timings are contended.
    public static func loadAverage() -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) else { return nil }
        return text.split(separator: " ").first.flatMap { Double($0) }
    }
}
