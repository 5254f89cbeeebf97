import Foundation

/// A point estimate with a 95 % confidence interval.
public struct Estimate: Hashable, Sendable, Codable {
    public var value: Double
    public var lower: Double
    public var upper: Double
    /// Number of samples behind the estimate.
    public var count: Int
    /// How the interval was computed ("wilson", "t", "normal" or a bootstrap).
    public var method: String

    public init(value: Double, lower: Double, upper: Double, count: Int, method: String) {
        (self.value, self.lower, self.upper, self.count, self.method) = (value, lower, upper, count, method)
    }
}

extension Estimate {
    private enum CodingKeys: String, CodingKey { case value, lower, upper, count, method }

    /// Values that do not exist (a mean of no samples, the interval of one) are NaN in Swift
    /// and `null` in JSON, which has no NaN.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        for (key, x) in [(CodingKeys.value, value), (.lower, lower), (.upper, upper)] {
            if x.isFinite { try c.encode(x, forKey: key) } else { try c.encodeNil(forKey: key) }
        }
        try c.encode(count, forKey: .count)
        try c.encode(method, forKey: .method)
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        value = try c.decodeIfPresent(Double.self, forKey: .value) ?? .nan
        lower = try c.decodeIfPresent(Double.self, forKey: .lower) ?? .nan
        upper = try c.decodeIfPresent(Double.self, forKey: .upper) ?? .nan
        count = try c.decode(Int.self, forKey: .count)
        method = try c.decode(String.self, forKey: .method)
    }
}

/// The interval estimates Mural reports: per-episode rates and per-seed means.
public enum Statistics {
    /// Wilson score interval for a binomial proportion (95 %); sound at 0 or n successes,
    /// where the normal approximation collapses to a point.
    public static func wilson(successes: Int, trials: Int) -> Estimate {
        guard trials > 0 else { return Estimate(value: .nan, lower: .nan, upper: .nan, count: 0, method: "wilson") }
        let z = 1.959963984540054
        let n = Double(trials), p = Double(successes) / n
        let denominator = 1 + z * z / n
        let centre = (p + z * z / (2 * n)) / denominator
        let half = z * (p * (1 - p) / n + z * z / (4 * n * n)).squareRoot() / denominator
        return Estimate(value: p, lower: max(0, centre - half), upper: min(1, centre + half), count: trials, method: "wilson")
    }

    /// Mean with a 95 % interval: Student's t for n ≤ 30, the normal approximation above.
    public static func mean(_ values: [Double]) -> Estimate {
        let n = values.count
        guard n > 0 else { return Estimate(value: .nan, lower: .nan, upper: .nan, count: 0, method: "t") }
        let mean = values.reduce(0, +) / Double(n)
        guard n > 1 else { return Estimate(value: mean, lower: .nan, upper: .nan, count: 1, method: "t") }
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n - 1)
        let critical = n - 1 <= tQuantiles.count ? tQuantiles[n - 2] : 1.959963984540054
        let half = critical * (variance / Double(n)).squareRoot()
        return Estimate(value: mean, lower: mean - half, upper: mean + half, count: n, method: n - 1 <= tQuantiles.count ? "t" : "normal")
    }

    /// The sample standard deviation (n − 1 in the denominator); 0 for fewer than two values.
    public static func standardDeviation(_ values: [Double]) -> Double {
        guard values.count > 1 else { return 0 }
        let mean = values.reduce(0, +) / Double(values.count)
        return (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count - 1)).squareRoot()
    }

    /// Two-sided 95 % quantiles of Student's t for 1…30 degrees of freedom.
    static let tQuantiles: [Double] = [
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
        2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
        2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
    ]
}
