/// The shape, bounds and component names of a flat observation or action vector.
public struct ArraySpec: Hashable, Sendable, Codable {
    /// One name per component, e.g. "ball_x".
    public var names: [String]
    /// Lower bound per component (−∞ when unbounded).
    public var lower: [Double]
    /// Upper bound per component (+∞ when unbounded).
    public var upper: [Double]

    public init(names: [String], lower: [Double], upper: [Double]) {
        precondition(names.count == lower.count && names.count == upper.count, "spec arrays differ in length")
        self.names = names
        self.lower = lower
        self.upper = upper
    }

    /// A spec whose components all share one bound.
    public init(names: [String], bound: ClosedRange<Double>) {
        self.init(names: names, lower: Array(repeating: bound.lowerBound, count: names.count),
                  upper: Array(repeating: bound.upperBound, count: names.count))
    }

    /// The vectors are flat, so the shape is `[count]`.
    public var shape: [Int] { [names.count] }
    public var count: Int { names.count }

    /// The sub-spec of the given components.
    public func subset(_ indices: [Int]) -> ArraySpec {
        ArraySpec(names: indices.map { names[$0] }, lower: indices.map { lower[$0] }, upper: indices.map { upper[$0] })
    }
}

/// One named component of an observation: the tasks build their specs from these.
struct Component {
    var name: String
    var range: ClosedRange<Double>

    init(_ name: String, _ range: ClosedRange<Double> = -Double.infinity...Double.infinity) {
        self.name = name
        self.range = range
    }
}

extension ArraySpec {
    init(_ components: [Component]) {
        self.init(names: components.map(\.name), lower: components.map(\.range.lowerBound),
                  upper: components.map(\.range.upperBound))
    }
}
