import FuzzDriver
import Glibc
import Experiments

/// A `mural train --config` file (YAML or JSON), applied and validated as the command does.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard let file = try? TrainingConfigurationFile(contents: text, path: "fuzz.yaml") else { return 0 }
    var configuration = TrainingConfiguration(task: "maze-zigzag-v1", reward: "dense", steps: 1, seed: 0)
    file.apply(to: &configuration)
    try? configuration.validate()
    return 0
}

runFuzzer(fuzz)
