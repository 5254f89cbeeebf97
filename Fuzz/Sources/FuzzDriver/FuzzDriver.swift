import Glibc

/// libFuzzer's driver. `-sanitize=fuzzer` links libFuzzer, whose own `main` calls the target's
/// `LLVMFuzzerTestOneInput`; SwiftPM links the target's `main` too (hence
/// `--allow-multiple-definition`, see scripts/fuzz), which hands the same function to this driver.
/// Either way libFuzzer runs.
@_silgen_name("LLVMFuzzerRunDriver")
func runDriver(_ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
               _ body: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32) -> Int32

/// Runs libFuzzer on `body` with the process's arguments, and exits with its status.
public func runFuzzer(_ body: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32) -> Never {
    var argc = CommandLine.argc
    var argv = CommandLine.unsafeArgv
    exit(runDriver(&argc, &argv, body))
}
