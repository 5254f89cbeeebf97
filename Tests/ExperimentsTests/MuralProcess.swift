import Foundation

/// Starts the `mural` built next to the tests, its output and errors appended to `log`.
func mural(_ arguments: [String], log: URL) throws -> Process {
    let products = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    // The test bundle may live one level deeper (PackageTests.xctest/...).
    let candidates = [products, products.deletingLastPathComponent()].map { $0.appendingPathComponent("mural") }
    guard let executable = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
        throw TestFailure("mural executable not found next to the tests; looked at \(candidates.map(\.path))")
    }
    if !FileManager.default.fileExists(atPath: log.path) { _ = FileManager.default.createFile(atPath: log.path, contents: nil) }
    let output = try FileHandle(forWritingTo: log)
    output.seekToEndOfFile()
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    process.standardOutput = output
    process.standardError = output
    try process.run()
    return process
}

/// A file's contents as text; empty when it does not exist.
func text(_ url: URL) -> String {
    String(decoding: FileManager.default.contents(atPath: url.path) ?? Data(), as: UTF8.self)
}

extension Process {
    func waitForExit() -> Int32 {
        waitUntilExit()
        return terminationStatus
    }
}
