import Foundation

/// A small, fast, seeded generator (Steele, Lea & Flood's SplitMix64). Every random choice in
/// the task suite draws from one of these, so the same seed always gives the same bits. The
/// whole state is one public word, which makes snapshots trivial.
public struct SplitMix64: RandomNumberGenerator, Hashable, Sendable, Codable {
    public var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A double uniform in [0, 1), from the top 53 bits (independent of the standard library's
    /// `Double.random(in:using:)`, whose algorithm is not specified across versions).
    public mutating func unit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// A double uniform in `range`.
    public mutating func uniform(_ range: ClosedRange<Double>) -> Double {
        range.lowerBound + (range.upperBound - range.lowerBound) * unit()
    }

    /// An integer uniform in `0..<bound` (bound > 0), by rejection so it is unbiased.
    public mutating func index(below bound: Int) -> Int {
        precondition(bound > 0)
        let b = UInt64(bound)
        let limit = UInt64.max - UInt64.max % b
        while true {
            let x = next()
            if x < limit { return Int(x % b) }
        }
    }

    /// A standard normal variate (Box–Muller; one of the pair is discarded to keep the state
    /// a single word).
    public mutating func normal() -> Double {
        let u1 = max(unit(), 0x1.0p-53)
        let u2 = unit()
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }

    /// An independent generator for a sub-stream (for example one per episode), so adding
    /// draws to one stream does not shift another.
    public mutating func split() -> SplitMix64 { SplitMix64(seed: next()) }
}
