/// A 64-bit FNV-1a hash over the exact bit patterns of every body's state, accumulated over
/// a trajectory. Two trajectories with the same fingerprint are, in practice, bit-identical;
/// `mural fingerprint` prints it so builds and machines can be compared.
public struct StateFingerprint: Hashable, Sendable {
    public private(set) var value: UInt64 = 0xCBF2_9CE4_8422_2325

    public init() {}

    public mutating func combine(_ world: World) {
        for body in world.bodies {
            combine(body.position)
            let q = body.orientation
            combine(Vector3(q.w, q.x, q.y), q.z)
            combine(body.linearVelocity)
            combine(body.angularVelocity)
        }
    }

    private mutating func combine(_ v: Vector3, _ extra: Double? = nil) {
        combine(v.x.bitPattern); combine(v.y.bitPattern); combine(v.z.bitPattern)
        if let extra { combine(extra.bitPattern) }
    }

    private mutating func combine(_ word: UInt64) {
        var w = word
        for _ in 0..<8 {
            value = (value ^ (w & 0xFF)) &* 0x0000_0100_0000_01B3
            w >>= 8
        }
    }

    /// The value as 16 hex digits.
    public var hex: String {
        let s = String(value, radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }
}
