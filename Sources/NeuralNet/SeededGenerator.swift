import Glibc

/// xoshiro256** (Blackman & Vigna 2018), seeded through SplitMix64.
///
/// Every random draw in NeuralNet and Agents comes from one of these, so a seed fixes a whole run.
/// The state is four words and `Codable`, so checkpoints store it and resume the exact stream.
public struct SeededGenerator: RandomNumberGenerator, Codable, Sendable, Equatable {
    public private(set) var state: (UInt64, UInt64, UInt64, UInt64)

    /// Expands `seed` with SplitMix64, as the xoshiro authors recommend, so nearby seeds give unrelated streams.
    public init(seed: UInt64) {
        var splitMix = seed
        func nextSplitMix() -> UInt64 {
            splitMix &+= 0x9E37_79B9_7F4A_7C15
            var z = splitMix
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        state = (nextSplitMix(), nextSplitMix(), nextSplitMix(), nextSplitMix())
    }

    /// Restores a state previously read from `state`. The all-zero state is a fixed point of xoshiro and is rejected.
    public init(state: (UInt64, UInt64, UInt64, UInt64)) {
        precondition(state != (0, 0, 0, 0), "xoshiro256** cannot run from the all-zero state")
        self.state = state
    }

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

    func rotateLeft(_ x: UInt64, by k: UInt64) -> UInt64 { (x << k) | (x >> (64 &- k)) }

    /// A uniform draw from [0, 1) with the full precision of `T`'s significand.
    public mutating func nextUnitInterval<T: BinaryFloatingPoint>() -> T where T.RawSignificand: FixedWidthInteger {
        T.random(in: 0..<1, using: &self)
    }

    /// A standard normal draw (Box–Muller). Uses one pair of uniforms per draw and discards the
    /// second normal, so that the stream position after n draws does not depend on call parity.
    public mutating func nextGaussian<T: NetworkScalar>() -> T {
        // 1 − u lies in (0, 1], so the logarithm is finite.
        let u1: Double = 1 - nextUnitInterval()
        let u2: Double = nextUnitInterval()
        return T((-2 * Double.log(u1)).squareRoot() * Glibc.cos(2 * Double.pi * u2))
    }

    // MARK: Codable (tuples are not Codable, so the state travels as four words)

    public init(from decoder: any Decoder) throws {
        var container = try decoder.unkeyedContainer()
        let words = (
            try container.decode(UInt64.self), try container.decode(UInt64.self),
            try container.decode(UInt64.self), try container.decode(UInt64.self))
        guard words != (0, 0, 0, 0) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "all-zero xoshiro state")
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

    public static func == (lhs: SeededGenerator, rhs: SeededGenerator) -> Bool { lhs.state == rhs.state }
}
