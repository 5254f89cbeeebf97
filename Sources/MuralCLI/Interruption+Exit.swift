import ArgumentParser
import Experiments
import Foundation

extension Interruption {
    /// Reports the interruption on standard error, with how to continue, and returns the exit
    /// code that ends the command: 128 + the signal's number, as a shell reports a signal.
    func exit(advice: String) -> ExitCode {
        FileHandle.standardError.write(Data("mural: \(self); \(advice)\n".utf8))
        return ExitCode(exitStatus)
    }
}
