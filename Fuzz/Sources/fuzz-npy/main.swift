import Glibc
import TaskSuite

/// A `.npy` file of success examples or visited states.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    _ = try? NPY.parseFloat32Matrix(Array(UnsafeBufferPointer(start: data, count: size)), file: "fuzz.npy")
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
