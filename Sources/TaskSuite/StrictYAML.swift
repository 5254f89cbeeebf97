import Yams

/// A problem in a task definition file (or another strictly read YAML file, such as a training
/// configuration), naming the file and the key.
public struct TaskDefinitionError: Error, Equatable, CustomStringConvertible {
    public var file: String
    /// Dotted path of the offending key, e.g. "timing.horizon" (empty for the whole file).
    public var key: String
    public var message: String

    public var description: String {
        key.isEmpty ? "\(file): \(message)" : "\(file): key '\(key)': \(message)"
    }
}

/// A YAML mapping read strictly: every value is type- and range-checked on access, and
/// `finish()` rejects keys that were never read, so a typo cannot be silently ignored.
public final class YAMLTable {
    public let file: String
    /// Dotted path of this mapping in the file (empty at the top level).
    public let path: String
    private var entries: [String: Node] = [:]
    private var order: [String] = []
    private var used: Set<String> = []

    init(file: String, path: String, node: Node) throws {
        self.file = file
        self.path = path
        guard case .mapping(let mapping) = node else {
            throw TaskDefinitionError(file: file, key: path, message: "expected a mapping of keys to values")
        }
        for (k, v) in mapping {
            guard let key = k.string else {
                throw TaskDefinitionError(file: file, key: path, message: "keys must be strings")
            }
            guard entries[key] == nil else {
                throw TaskDefinitionError(file: file, key: qualified(key), message: "duplicate key")
            }
            entries[key] = v
            order.append(key)
        }
    }

    /// Parses a whole YAML document whose top level is a mapping.
    public static func parse(_ text: String, file: String) throws -> YAMLTable {
        let node: Node?
        do { node = try Yams.compose(yaml: text) } catch {
            throw TaskDefinitionError(file: file, key: "", message: "not valid YAML: \(error)")
        }
        guard let node else { throw TaskDefinitionError(file: file, key: "", message: "the file is empty") }
        return try YAMLTable(file: file, path: "", node: node)
    }

    public func qualified(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    public func error(_ key: String, _ message: String) -> TaskDefinitionError {
        TaskDefinitionError(file: file, key: qualified(key), message: message)
    }

    public var keys: [String] { order }
    public func has(_ key: String) -> Bool { entries[key] != nil }

    private func node(_ key: String) throws -> Node {
        guard let n = entries[key] else { throw error(key, "missing") }
        used.insert(key)
        return n
    }

    private func scalar(_ key: String) throws -> String {
        guard case .scalar(let s) = try node(key) else { throw error(key, "expected a single value") }
        return s.string
    }

    public func string(_ key: String) throws -> String { try scalar(key) }

    public func int(_ key: String, in range: ClosedRange<Int> = Int.min...Int.max) throws -> Int {
        let s = try scalar(key)
        guard let v = Int(s) else { throw error(key, "expected an integer, got '\(s)'") }
        guard range.contains(v) else { throw error(key, "must be in \(range.lowerBound)...\(range.upperBound), got \(v)") }
        return v
    }

    public func double(_ key: String, in range: ClosedRange<Double> = -Double.greatestFiniteMagnitude...Double.greatestFiniteMagnitude)
        throws -> Double {
        let s = try scalar(key)
        guard let v = Double(s), v.isFinite else { throw error(key, "expected a finite number, got '\(s)'") }
        guard range.contains(v) else { throw error(key, "must be in [\(range.lowerBound), \(range.upperBound)], got \(v)") }
        return v
    }

    /// A number that must be strictly positive.
    func positive(_ key: String) throws -> Double {
        let v = try double(key)
        guard v > 0 else { throw error(key, "must be positive, got \(v)") }
        return v
    }

    public func bool(_ key: String) throws -> Bool {
        switch try scalar(key) {
        case "true": return true
        case "false": return false
        case let s: throw error(key, "expected true or false, got '\(s)'")
        }
    }

    public func doubles(_ key: String, count: Int? = nil) throws -> [Double] {
        guard case .sequence(let seq) = try node(key) else { throw error(key, "expected a list of numbers") }
        let values: [Double] = try seq.map { item in
            guard case .scalar(let s) = item, let v = Double(s.string), v.isFinite else {
                throw error(key, "expected a list of finite numbers")
            }
            return v
        }
        if let count, values.count != count { throw error(key, "expected \(count) numbers, got \(values.count)") }
        return values
    }

    func vector3(_ key: String) throws -> SIMD3<Double> {
        let v = try doubles(key, count: 3)
        return SIMD3(v[0], v[1], v[2])
    }

    func vector2(_ key: String) throws -> SIMD2<Double> {
        let v = try doubles(key, count: 2)
        return SIMD2(v[0], v[1])
    }

    /// A `[low, high]` pair with low ≤ high.
    public func interval(_ key: String) throws -> ClosedRange<Double> {
        let v = try doubles(key, count: 2)
        guard v[0] <= v[1] else { throw error(key, "expected [low, high] with low ≤ high, got \(v)") }
        return v[0]...v[1]
    }

    public func ints(_ key: String, in range: ClosedRange<Int> = Int.min...Int.max) throws -> [Int] {
        guard case .sequence(let seq) = try node(key) else { throw error(key, "expected a list of integers") }
        return try seq.map { item in
            guard case .scalar(let s) = item, let v = Int(s.string) else { throw error(key, "expected a list of integers") }
            guard range.contains(v) else { throw error(key, "every entry must be in \(range.lowerBound)...\(range.upperBound), got \(v)") }
            return v
        }
    }

    /// Whether the value of `key` is YAML's null (`null`, `~` or nothing); reading it marks the key as used.
    public func isNull(_ key: String) throws -> Bool {
        guard case .scalar(let s) = try node(key) else { return false }
        return s.style == .plain && ["null", "Null", "NULL", "~", ""].contains(s.string)
    }

    public func table(_ key: String) throws -> YAMLTable {
        try YAMLTable(file: file, path: qualified(key), node: try node(key))
    }

    func tables(_ key: String) throws -> [YAMLTable] {
        guard case .sequence(let seq) = try node(key) else { throw error(key, "expected a list") }
        return try seq.enumerated().map { i, item in
            try YAMLTable(file: file, path: "\(qualified(key))[\(i)]", node: item)
        }
    }

    /// Rejects any key that was not read.
    public func finish() throws {
        if let unknown = order.first(where: { !used.contains($0) }) {
            throw error(unknown, "unknown key")
        }
    }
}
