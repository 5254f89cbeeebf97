import FuzzDriver
import Glibc
import TaskSuite

/// A `.npy` file of success examples or visited states.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    _ = try? NPY.parseFloat32Matrix(Array(UnsafeBufferPointer(start: data, count: size)), file: "fuzz.npy")
    return 0
}

runFuzzer(fuzz)
