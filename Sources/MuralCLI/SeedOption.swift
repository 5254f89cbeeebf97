import ArgumentParser

/// Reads a `--seed` value. Every `--seed` option parses unconditionally and through this, so that
/// "-1" is read as a value and refused with what seeds are, rather than taken for an option
/// (ArgumentParser would answer "Missing value for '--seed'").
func parseSeed(_ text: String) throws -> UInt64 {
    guard let seed = UInt64(text) else {
        throw ValidationError("seeds are non-negative integers (0 to \(UInt64.max)), got '\(text)'")
    }
    return seed
}
