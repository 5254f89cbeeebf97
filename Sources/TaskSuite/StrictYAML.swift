import CYaml
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

    /// Collections nested deeper than this are refused. Mural's files nest five levels at most;
    /// Yams builds nodes recursively and overflows the stack somewhere past a thousand.
    public static let nestingLimit = 64

    /// Parses a whole YAML document whose top level is a mapping.
    public static func parse(_ text: String, file: String) throws -> YAMLTable {
        if nesting(of: text, exceeds: nestingLimit) {
            throw TaskDefinitionError(file: file, key: "", message: "collections are nested more than \(nestingLimit) levels deep")
        }
        let node: Node?
        do { node = try Yams.compose(yaml: text) } catch {
            throw TaskDefinitionError(file: file, key: "", message: "not valid YAML: \(error)")
        }
        guard let node else { throw TaskDefinitionError(file: file, key: "", message: "the file is empty") }
        return try YAMLTable(file: file, path: "", node: node)
    }

    /// Whether collections in `text` nest deeper than `limit`, from libyaml's event stream, which
    /// keeps its own stack rather than recursing. Text libyaml cannot parse is left to Yams, which
    /// reports the error.
    static func nesting(of text: String, exceeds limit: Int) -> Bool {
        var bytes = Array(text.utf8)
        guard !bytes.isEmpty else { return false }
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return false }
        defer { yaml_parser_delete(&parser) }
        return bytes.withUnsafeMutableBufferPointer { buffer in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var depth = 0
            while true {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) == 1 else { return false }
                let type = event.type
                yaml_event_delete(&event)
                switch type {
                case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                    depth += 1
                    if depth > limit { return true }
                case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT: depth -= 1
                case YAML_STREAM_END_EVENT: return false
                default: break
                }
            }
        }
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
