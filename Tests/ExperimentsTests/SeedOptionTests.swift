import ArgumentParser
import Testing
@testable import MuralCLI

@Suite("--seed values")
struct SeedOptionTests {
    static let commands: [[String]] = [
        ["train", "--task", "maze-zigzag-v1", "--reward", "dense", "--steps", "10", "--out", "/tmp/unused"],
        ["examples", "--task", "maze-zigzag-v1", "--count", "1", "--out", "/tmp/unused.npy"],
        ["evaluate", "--task", "maze-zigzag-v1", "--policy", "random"],
        ["render", "--task", "maze-zigzag-v1", "--policy", "random", "--out", "/tmp/unused"],
        ["reward-map", "--run", "/tmp/unused", "--out", "/tmp/unused.png"],
        ["fingerprint"],
        ["bench", "rewards"],
    ]

    @Test("a negative or non-numeric --seed is refused with what seeds are, by every command that takes one",
          arguments: commands)
    func negativeSeedsAreNamed(command: [String]) {
        for value in ["-1", "-18446744073709551616", "1.5", "seven"] {
            #expect("\(command[0]) --seed \(value)") { _ = try Mural.parseAsRoot(command + ["--seed", value]) } throws: { error in
                let message = Mural.fullMessage(for: error)
                return message.contains("seeds are non-negative integers") && message.contains("'\(value)'")
            }
        }
    }

    @Test("the largest seed is accepted", arguments: commands)
    func largestSeed(command: [String]) throws {
        _ = try Mural.parseAsRoot(command + ["--seed", "18446744073709551615"])
    }
}
