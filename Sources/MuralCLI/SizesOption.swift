import ArgumentParser
import Foundation

/// Reads an option's comma-separated positive integers, such as `--hidden 256,256`.
func parseSizes(_ text: String, option: String) throws -> [Int] {
    let sizes = text.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
    guard !sizes.isEmpty, sizes.allSatisfy({ ($0 ?? 0) > 0 }) else {
        throw ValidationError("\(option) expects positive comma-separated integers such as 256,256, got '\(text)'")
    }
    return sizes.map { $0! }
}
