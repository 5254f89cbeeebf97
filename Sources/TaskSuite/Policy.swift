import Randomness

/// The reference policies the suite ships.
public enum PolicyKind: String, Sendable, Codable, CaseIterable {
    /// The task's scripted expert (privileged: it reads the physics state).
    case expert
    /// Uniform random actions in [−1, 1].
    case random
}

/// A seeded reference policy. Expert actions may carry Gaussian noise (standard deviation
/// `noise`, then clipped), which example generation uses to vary rollouts.
public struct Policy: Sendable {
    public let kind: PolicyKind
    public let noise: Double
    public private(set) var rng: RandomGenerator

    public init(_ kind: PolicyKind, seed: UInt64, noise: Double = 0) {
        self.kind = kind
        self.noise = noise
        rng = RandomGenerator(seed: seed)
    }

    public mutating func action(for env: any Environment) -> [Double] {
        switch kind {
        case .random:
            return (0..<env.actionSpec.count).map { _ in rng.uniform(-1...1) }
        case .expert:
            let a = env.expertAction()
            guard noise > 0 else { return a }
            return a.map { min(max($0 + noise * rng.normal(), -1), 1) }
        }
    }
}
