import Glibc

/// The one random number generator of Mural: xoshiro256** (Blackman & Vigna 2018), seeded
/// through SplitMix64, with every derived draw specified here rather than left to the standard
/// library, whose `random(in:using:)` and `shuffle(using:)` algorithms may change between Swift
/// versions. A seed therefore fixes the same bits on every build.
///
/// - `init(seed:)`: the state is the first four outputs of SplitMix64 started at `seed`.
/// - `unit()`: the top 53 bits of `next()` times 2⁻⁵³, uniform in [0, 1).
/// - `uniform(a...b)`: `a + (b − a) · unit()` in Double (Float draws round this to nearest).
/// - `index(below: n)`: Lemire's nearly divisionless multiply-shift with rejection (unbiased).
/// - `normal()`: Box–Muller on `1 − unit()` and `unit()`, cosine branch only (two words a draw).
/// - `shuffle`: Fisher–Yates from the last element down, swapping i with `index(below: i + 1)`.
///
/// It is deliberately not a `RandomNumberGenerator`, so the standard library's unspecified
/// draws cannot be used with it. The state is four words, so checkpoints store it exactly.
public struct RandomGenerator: Sendable, Hashable, Codable {
    public private(set) var state: (UInt64, UInt64, UInt64, UInt64)

    /// Nearby seeds give unrelated streams (SplitMix64 expansion, as the xoshiro authors recommend).
    public init(seed: UInt64) {
        var seeder = SplitMix64(state: seed)
        state = (seeder.next(), seeder.next(), seeder.next(), seeder.next())
    }

    /// Continues from a state read from `state`. The all-zero state is a fixed point of xoshiro and is rejected.
    public init(state: (UInt64, UInt64, UInt64, UInt64)) {
        precondition(state != (0, 0, 0, 0), "xoshiro256** cannot run from the all-zero state")
        self.state = state
    }

    /// The next 64 uniform bits.
    public mutating func next() -> UInt64 {
        let result = rotateLeft(state.1 &* 5, by: 7) &* 9
        let t = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= t
        state.3 = rotateLeft(state.3, by: 45)
        return result
    }

    /// Uniform in [0, 1), a multiple of 2⁻⁵³.
    public mutating func unit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// Uniform in `range` (the upper bound is reached only by rounding).
    public mutating func uniform(_ range: ClosedRange<Double>) -> Double {
        range.lowerBound + (range.upperBound - range.lowerBound) * unit()
    }

    /// A uniform integer in `0..<bound` (bound > 0), unbiased (Lemire, "Fast random integer
    /// generation in an interval", 2019).
    public mutating func index(below bound: Int) -> Int {
        precondition(bound > 0, "index(below:) needs a positive bound, got \(bound)")
        let n = UInt64(bound)
        var product = next().multipliedFullWidth(by: n)
        if product.low < n {
            let threshold = (0 &- n) % n
            while product.low < threshold { product = next().multipliedFullWidth(by: n) }
        }
        return Int(product.high)
    }

    /// A uniform integer in `range` (not empty).
    public mutating func index(in range: Range<Int>) -> Int {
        range.lowerBound + index(below: range.count)
    }

    /// A standard normal draw. The sine branch is discarded so that the stream position after n
    /// draws does not depend on call parity.
    public mutating func normal() -> Double {
        let u1 = 1 - unit()  // in (0, 1], so the logarithm is finite
        let u2 = unit()
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }

    /// Shuffles `elements` in place (every permutation equally likely).
    public mutating func shuffle<T>(_ elements: inout [T]) {
        guard elements.count > 1 else { return }
        for i in stride(from: elements.count - 1, to: 0, by: -1) {
            elements.swapAt(i, index(below: i + 1))
        }
    }

    /// An independent generator for a sub-stream, seeded from this one's next output.
    public mutating func split() -> RandomGenerator { RandomGenerator(seed: next()) }

    private func rotateLeft(_ x: UInt64, by k: UInt64) -> UInt64 { (x << k) | (x >> (64 &- k)) }

    // MARK: Hashable and Codable (tuples are neither, so the state travels as four words)

    public static func == (lhs: RandomGenerator, rhs: RandomGenerator) -> Bool { lhs.state == rhs.state }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(state.0); hasher.combine(state.1); hasher.combine(state.2); hasher.combine(state.3)
    }

    public init(from decoder: any Decoder) throws {
        var container = try decoder.unkeyedContainer()
        let words = (
            try container.decode(UInt64.self), try container.decode(UInt64.self),
            try container.decode(UInt64.self), try container.decode(UInt64.self))
        guard words != (0, 0, 0, 0) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "all-zero xoshiro256** state")
        }
        state = words
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.unkeyedContainer()
        try container.encode(state.0)
        try container.encode(state.1)
        try container.encode(state.2)
        try container.encode(state.3)
    }
}

/// Seeds of independent streams derived from one seed, so that adding a stream, or drawing more
/// from one, never shifts another: element `index` of stream `stream` (both small numbers the
/// caller names) is a SplitMix64 mix of the three. Random access, so any element can be
/// recomputed alone.
public func derivedSeed(_ seed: UInt64, stream: UInt64, index: UInt64 = 0) -> UInt64 {
    var mixer = SplitMix64(state: seed ^ (stream &* 0x9E37_79B9_7F4A_7C15))
    _ = mixer.next()
    mixer.state ^= index &* 0xD1B5_4A32_D192_ED03
    return mixer.next()
}

/// Steele, Lea & Flood's SplitMix64: only a seed expander and mixer here, never a draw source.
struct SplitMix64 {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
