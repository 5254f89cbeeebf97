import Foundation

/// A test's own failure, with a message: thrown where a helper cannot go on.
public struct TestFailure: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// The `mural` executable built alongside the tests (`swift test` builds every product first).
public func muralExecutable() throws -> URL {
    let products = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    // The test bundle may live one level deeper (PackageTests.xctest/...).
    let candidates = [products, products.deletingLastPathComponent()].map { $0.appendingPathComponent("mural") }
    guard let executable = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
        throw TestFailure("mural executable not found next to the tests; looked at \(candidates.map(\.path))")
    }
    return executable
}

/// Starts `mural`, its output and errors appended to `log`, with `environment` added to this
/// process's.
public func mural(_ arguments: [String], log: URL, environment: [String: String] = [:]) throws -> Process {
    let executable = try muralExecutable()
    if !FileManager.default.fileExists(atPath: log.path) { _ = FileManager.default.createFile(atPath: log.path, contents: nil) }
    let output = try FileHandle(forWritingTo: log)
    output.seekToEndOfFile()
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    if !environment.isEmpty {
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, added in added }
    }
    process.standardOutput = output
    process.standardError = output
    try process.run()
    return process
}

/// Runs `mural` to its end and returns its trimmed standard output; fails unless it exits with 0.
public func runMural(_ arguments: [String]) throws -> String {
    let process = Process()
    process.executableURL = try muralExecutable()
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        throw TestFailure("mural \(arguments.joined(separator: " ")) exited with \(process.terminationStatus)")
    }
    return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
}

extension Process {
    public func waitForExit() -> Int32 {
        waitUntilExit()
        return terminationStatus
    }
}

/// A file's contents as text; empty when it does not exist.
public func text(_ url: URL) -> String {
    String(decoding: FileManager.default.contents(atPath: url.path) ?? Data(), as: UTF8.self)
}

/// Writes `script` to `path` as an executable file. The descriptor is close-on-exec: tests run in
/// parallel, and a child spawned by another test that inherited it would hold the file open for
/// writing, so executing it would fail with ETXTBSY ("Text file busy").
public func writeExecutableScript(_ script: String, to path: String) throws {
    let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o755)
    guard descriptor >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
    defer { close(descriptor) }
    let bytes = Array(script.utf8)
    guard write(descriptor, bytes, bytes.count) == bytes.count else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
}
