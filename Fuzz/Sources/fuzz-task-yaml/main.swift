import FuzzDriver
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

runFuzzer(fuzz)
