import Glibc
import TaskSuite

/// A task definition file: strict YAML, then every key and value checked. Errors are expected;
/// crashes, hangs and runaway allocations are not.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    _ = try? TaskDefinition.parse(text, file: "fuzz.yaml")
    return 0
}

// libFuzzer's entry points. `-sanitize=fuzzer` links libFuzzer, whose own `main` calls
// `LLVMFuzzerTestOneInput`; SwiftPM links this file's `main` too (hence `--allow-multiple-definition`,
// see scripts/fuzz), which hands the same function to libFuzzer's driver. Either way libFuzzer runs.
@_silgen_name("LLVMFuzzerRunDriver")
func runDriver(_ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
               _ body: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32) -> Int32

var argc = CommandLine.argc
var argv = CommandLine.unsafeArgv
exit(runDriver(&argc, &argv, fuzz))
