import Experiments
import Foundation
import Physics
import Render
import TaskSuite

/// One environment behind a handle: the task, plus what the interface adds around it.
final class EnvironmentBox {
    let environment: TaskEnvironment
    /// Held while the environment works: ctypes releases the GIL, so Python threads may call
    /// into one environment at once.
    let lock = NSLock()
    /// The task's metric names, sorted: the order of every `metrics` buffer.
    let metricNames: [String]
    /// Where each classifier feature sits in the observation.
    let featureIndices: [Int]
    private var appearance: TaskAppearance?
    private var renderer: Renderer?
    private var image: RGBImage?

    init(_ environment: TaskEnvironment) throws {
        self.environment = environment
        metricNames = environment.metrics(environment.observation()).keys.sorted()
        let names = environment.observationSpec.names
        featureIndices = try environment.classifierFeatureSpec.names.map { name in
            guard let i = names.firstIndex(of: name) else {
                throw InterfaceError(.failure, "\(environment.taskID): classifier feature '\(name)' is not an observation component")
            }
            return i
        }
    }

    func locked<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    var observationCount: Int { environment.observationSpec.count }
    var actionCount: Int { environment.actionSpec.count }

    /// Writes the observation, success flag and metrics of `observation` into the caller's buffers.
    func write(_ observation: [Double], into obs: UnsafeMutablePointer<Float>, success: UnsafeMutablePointer<UInt8>?,
               metrics: UnsafeMutablePointer<Double>?) {
        for i in 0..<observation.count { obs[i] = Float(observation[i]) }
        success?.pointee = environment.isSuccess(observation) ? 1 : 0
        if let metrics { writeMetrics(environment.metrics(observation), into: metrics) }
    }

    func writeMetrics(_ values: [String: Double], into metrics: UnsafeMutablePointer<Double>) {
        for (k, name) in metricNames.enumerated() { metrics[k] = values[name] ?? .nan }
    }

    /// The action in the caller's float32 buffer, checked for length and finiteness before
    /// anything moves (the environment checks again, but a batch must fail as a whole).
    func action(_ pointer: UnsafePointer<Float>?, count: Int) throws -> [Double] {
        let values = try buffer(pointer, count, "action")
        guard count == actionCount else {
            throw InterfaceError(.invalidArgument, "\(environment.taskID): action has \(count) components, expected \(actionCount)")
        }
        if let i = values.firstIndex(where: { !$0.isFinite }) {
            throw InterfaceError(.invalidArgument, "\(environment.taskID): action component \(i) is \(values[i]); actions must be finite")
        }
        return values.map(Double.init)
    }

    /// The current state as `mural render` draws it: the task's colours, camera and scenery,
    /// 2× supersampling and bilinear shadow filtering.
    func render(width: Int, height: Int, into pixels: UnsafeMutablePointer<UInt8>) throws {
        if renderer?.width != width || renderer?.height != height {
            renderer = try Renderer(width: width, height: height, supersampling: 2, shadowFiltering: .bilinear)
            image = RGBImage(width: width, height: height)
        }
        let appearance = self.appearance ?? TaskAppearance(environment)
        self.appearance = appearance
        try renderer!.render(appearance.scene(environment), camera: appearance.camera, into: &image!)
        image!.pixels.withUnsafeBufferPointer { pixels.update(from: $0.baseAddress!, count: $0.count) }
    }

    /// What a caller needs to know about the task, as JSON.
    func description() throws -> String {
        let e = environment
        // Infinite bounds are not JSON: they travel as null.
        func bounds(_ values: [Double]) -> [Any] { values.map { $0.isFinite ? $0 as Any : NSNull() } }
        let object: [String: Any] = [
            "id": e.taskID, "version": e.definition.version, "family": e.definition.family.rawValue,
            "summary": e.definition.summary, "file": e.definition.file, "success_rule": e.definition.successRule,
            "observation_names": e.observationSpec.names,
            "observation_low": bounds(e.observationSpec.lower), "observation_high": bounds(e.observationSpec.upper),
            "action_names": e.actionSpec.names, "action_low": e.actionSpec.lower, "action_high": e.actionSpec.upper,
            "feature_names": e.classifierFeatureSpec.names, "feature_indices": featureIndices,
            "metric_names": metricNames, "horizon": e.horizon,
            "control_timestep": e.controlTimestep, "physics_timestep": e.physicsTimestep,
            "reward": e.rewardKind.rawValue, "terminates_on_success": e.terminatesOnSuccess,
        ]
        return String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }
}

let environments = HandleTable<EnvironmentBox>(kind: "environment")

/// Maps the errors of the Swift modules to status codes; the message is the error's own.
func classify(_ error: Error) -> (Status, String) {
    switch error {
    case let error as EnvironmentError:
        switch error {
        case .wrongActionDimension, .nonFiniteAction, .snapshotMismatch: return (.invalidArgument, error.description)
        case .notReset, .episodeEnded: return (.episodeState, error.description)
        case .physicsFault: return (.physics, error.description)
        }
    case let error as UnknownTaskError: return (.unknownTask, error.description)
    case let error as TaskDefinitionError: return (.taskFile, error.description)
    case let error as TaskLocationError: return (.taskFile, error.description)
    case let error as PhysicsError: return (.physics, error.description)
    case let error as ExperimentError: return (.invalidArgument, error.description)
    default: return (.failure, String(describing: error))
    }
}

private func rewardKind(_ name: UnsafePointer<CChar>?) throws -> RewardKind {
    let text = try string(name, "reward")
    guard let kind = RewardKind(rawValue: text) else {
        throw InterfaceError(.invalidArgument, "unknown reward '\(text)'; valid: \(RewardKind.allCases.map(\.rawValue).joined(separator: ", "))")
    }
    return kind
}

// MARK: - Library

@_cdecl("mural_last_error")
public func mural_last_error() -> UnsafePointer<CChar>? { LastError.pointer }

@_cdecl("mural_string_free")
public func mural_string_free(_ text: UnsafeMutablePointer<CChar>?) { free(text) }

// MARK: - Environments

/// Opens task `task_id` from the `Tasks/` directory `tasks_dir` (null: found as `mural` finds it).
@_cdecl("mural_env_create")
public func mural_env_create(_ tasksDirectory: UnsafePointer<CChar>?, _ taskID: UnsafePointer<CChar>?,
                             _ reward: UnsafePointer<CChar>?, _ terminatesOnSuccess: Int32,
                             _ handle: UnsafeMutablePointer<UInt64>?) -> Int32 {
    guarded {
        let id = try string(taskID, "task id")
        let registry = try tasksDirectory.map { try TaskRegistry(directory: URL(fileURLWithPath: String(cString: $0))) }
            ?? TaskRegistry.located()
        let environment = try registry.makeEnvironment(id, reward: try rewardKind(reward), terminatesOnSuccess: terminatesOnSuccess != 0)
        let box = try EnvironmentBox(environment)
        try mutableBuffer(handle, 1, "handle")[0] = environments.insert(box)
    }
}

/// Opens the task defined by the YAML file at `path`.
@_cdecl("mural_env_create_from_file")
public func mural_env_create_from_file(_ path: UnsafePointer<CChar>?, _ reward: UnsafePointer<CChar>?,
                                       _ terminatesOnSuccess: Int32, _ handle: UnsafeMutablePointer<UInt64>?) -> Int32 {
    guarded {
        let file = try string(path, "task file")
        guard FileManager.default.fileExists(atPath: file) else {
            throw InterfaceError(.taskFile, "\(file): no such task file")
        }
        let definition = try TaskDefinition.load(contentsOf: URL(fileURLWithPath: file))
        let environment: TaskEnvironment
        do {
            environment = try TaskRegistry.makeEnvironment(definition, reward: try rewardKind(reward),
                                                           terminatesOnSuccess: terminatesOnSuccess != 0)
        } catch let error as PhysicsError {
            throw InterfaceError(.taskFile, "\(file): the task cannot be built: \(error.description)")
        }
        try mutableBuffer(handle, 1, "handle")[0] = environments.insert(try EnvironmentBox(environment))
    }
}

@_cdecl("mural_env_close")
public func mural_env_close(_ handle: UInt64) -> Int32 {
    guarded { try environments.remove(handle) }
}

/// The task's description as JSON (see `EnvironmentBox.description`); free it with `mural_string_free`.
@_cdecl("mural_env_describe")
public func mural_env_describe(_ handle: UInt64, _ json: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    guarded {
        let box = try environments.get(handle)
        let text = try box.locked { try box.description() }
        try mutableBuffer(json, 1, "json")[0] = cString(text)
    }
}

/// Starts an episode from `seed`: writes the first observation (float32), its success flag and metrics.
@_cdecl("mural_env_reset")
public func mural_env_reset(_ handle: UInt64, _ seed: UInt64, _ observation: UnsafeMutablePointer<Float>?,
                            _ success: UnsafeMutablePointer<UInt8>?, _ metrics: UnsafeMutablePointer<Double>?) -> Int32 {
    guarded {
        let box = try environments.get(handle)
        let out = try mutableBuffer(observation, box.observationCount, "observation")
        try box.locked {
            box.write(try box.environment.reset(seed: seed), into: out.baseAddress!, success: success, metrics: metrics)
        }
    }
}

/// One control step under the float32 action of `action_count` components.
@_cdecl("mural_env_step")
public func mural_env_step(_ handle: UInt64, _ action: UnsafePointer<Float>?, _ actionCount: Int64,
                           _ observation: UnsafeMutablePointer<Float>?, _ reward: UnsafeMutablePointer<Double>?,
                           _ terminated: UnsafeMutablePointer<UInt8>?, _ truncated: UnsafeMutablePointer<UInt8>?,
                           _ success: UnsafeMutablePointer<UInt8>?, _ metrics: UnsafeMutablePointer<Double>?) -> Int32 {
    guarded {
        let box = try environments.get(handle)
        let a = try box.action(action, count: Int(actionCount))
        let out = try mutableBuffer(observation, box.observationCount, "observation")
        let result = try box.locked { try box.environment.step(a) }
        for i in 0..<result.observation.count { out[i] = Float(result.observation[i]) }
        reward?.pointee = result.reward
        terminated?.pointee = result.terminated ? 1 : 0
        truncated?.pointee = result.truncated ? 1 : 0
        success?.pointee = result.info.success ? 1 : 0
        if let metrics { box.writeMetrics(result.info.metrics, into: metrics) }
    }
}

/// Renders the current state into `pixels`, `height × width × 3` bytes (RGB, row-major).
@_cdecl("mural_env_render")
public func mural_env_render(_ handle: UInt64, _ width: Int32, _ height: Int32, _ pixels: UnsafeMutablePointer<UInt8>?) -> Int32 {
    guarded {
        let box = try environments.get(handle)
        guard (1...8192).contains(width), (1...8192).contains(height) else {
            throw InterfaceError(.invalidArgument, "image size must be in 1...8192 per side, got \(width)×\(height)")
        }
        let out = try mutableBuffer(pixels, Int(width) * Int(height) * 3, "pixels")
        try box.locked { try box.render(width: Int(width), height: Int(height), into: out.baseAddress!) }
    }
}

/// The whole environment state (physics, generator, step counter) as JSON, for pickling.
@_cdecl("mural_env_get_state")
public func mural_env_get_state(_ handle: UInt64, _ json: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    guarded {
        let box = try environments.get(handle)
        let snapshot = box.locked { box.environment.snapshot() }
        let text = String(decoding: try JSONEncoder().encode(snapshot), as: UTF8.self)
        try mutableBuffer(json, 1, "json")[0] = cString(text)
    }
}

/// Restores a state written by `mural_env_get_state`; the environment continues bit for bit.
@_cdecl("mural_env_set_state")
public func mural_env_set_state(_ handle: UInt64, _ json: UnsafePointer<CChar>?) -> Int32 {
    guarded {
        let box = try environments.get(handle)
        let snapshot: EnvironmentSnapshot
        do { snapshot = try JSONDecoder().decode(EnvironmentSnapshot.self, from: Data(try string(json, "state").utf8)) } catch {
            throw InterfaceError(.invalidArgument, "\(box.environment.taskID): not an environment state: \(error)")
        }
        try box.locked { try box.environment.restore(snapshot) }
    }
}

/// `count` success examples generated as `mural examples` does: classifier features
/// (`count × features`) and full observations (`count × observation`), float32.
@_cdecl("mural_examples")
public func mural_examples(_ handle: UInt64, _ count: Int64, _ seed: UInt64, _ strategy: UnsafePointer<CChar>?,
                           _ features: UnsafeMutablePointer<Float>?, _ observations: UnsafeMutablePointer<Float>?) -> Int32 {
    guarded {
        let box = try environments.get(handle)
        let name = try string(strategy, "strategy")
        guard let chosen = ExampleStrategy(rawValue: name) else {
            throw InterfaceError(.invalidArgument, "unknown strategy '\(name)'; valid: \(ExampleStrategy.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard count > 0, count <= 10_000_000 else { throw InterfaceError(.invalidArgument, "example count must be in 1...10000000, got \(count)") }
        let n = Int(count)
        let f = try mutableBuffer(features, n * box.featureIndices.count, "features")
        let o = try mutableBuffer(observations, n * box.observationCount, "observations")
        // A separate environment, as the CLI uses, so the caller's episode is left alone.
        let generator = try TaskRegistry.makeEnvironment(box.environment.definition)
        let set = try ExampleGenerator.generate(generator, count: n, seed: seed, strategy: chosen)
        for (i, row) in set.features.enumerated() {
            for (k, v) in row.enumerated() { f[i * row.count + k] = Float(v) }
        }
        for (i, row) in set.observations.enumerated() {
            for (k, v) in row.enumerated() { o[i * row.count + k] = Float(v) }
        }
    }
}
