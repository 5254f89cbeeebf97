import Experiments
import Foundation
import NeuralNet
import Rewards

/// A reward model behind a handle, with a lock: ctypes releases the GIL, so Python threads
/// may call into one model at once.
final class RewardBox {
    let model: RewardModel
    private let lock = NSLock()
    init(_ model: RewardModel) { self.model = model }

    func locked<T>(_ body: (RewardModel) throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body(model)
    }
}

let rewardModels = HandleTable<RewardBox>(kind: "reward model")

/// A learned reward model (`metanml`, `vice` or `count`) for the classifier features of the
/// environment `env`'s task, configured as `OfflineReward.makeModel` does: `preset` is `fast`
/// or `paper`, `settings_json` a JSON object of configuration changes (null for none).
@_cdecl("mural_reward_create")
public func mural_reward_create(_ kind: UnsafePointer<CChar>?, _ env: UInt64, _ preset: UnsafePointer<CChar>?,
                                _ settings: UnsafePointer<CChar>?, _ seed: UInt64, _ handle: UnsafeMutablePointer<UInt64>?) -> Int32 {
    guarded {
        // One OpenBLAS thread, as `mural` runs: RL-sized layers gain nothing from more, and idle
        // OpenBLAS threads spin on the cores the caller's agent needs.
        BLASRuntime.setThreadCount(1)
        let choice = try RewardChoice(parsing: try string(kind, "reward model"))
        let presetName = try string(preset, "preset")
        guard let chosenPreset = RewardPreset(rawValue: presetName) else {
            throw InterfaceError(.invalidArgument, "unknown preset '\(presetName)'; valid: \(RewardPreset.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let model = try OfflineReward.makeModel(choice, environment: try environments.get(env).environment, preset: chosenPreset,
                                                overrides: settings.map { Data(String(cString: $0).utf8) }, seed: seed)
        try mutableBuffer(handle, 1, "handle")[0] = rewardModels.insert(RewardBox(model))
    }
}

@_cdecl("mural_reward_close")
public func mural_reward_close(_ handle: UInt64) -> Int32 {
    guarded { try rewardModels.remove(handle) }
}

/// The model's kind, feature width, configuration and counters, as JSON; free it with `mural_string_free`.
@_cdecl("mural_reward_describe")
public func mural_reward_describe(_ handle: UInt64, _ json: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    guarded {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        let object: [String: Any] = try rewardModels.get(handle).locked { model in
            let configuration: Data
            switch model {
            case let m as MetaNMLRewardModel: configuration = try encoder.encode(m.configuration)
            case let m as VICERewardModel: configuration = try encoder.encode(m.configuration)
            case let m as CountBonusRewardModel: configuration = try encoder.encode(m.configuration)
            default: configuration = Data("{}".utf8)
            }
            return ["kind": type(of: model).kind.rawValue, "feature_dimension": model.featureDimension,
                    "updates_completed": model.updatesCompleted, "configuration": try JSONSerialization.jsonObject(with: configuration)]
        }
        let text = String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
        try mutableBuffer(json, 1, "json")[0] = cString(text)
    }
}

/// A feature matrix of `rows × columns` float32 values, checked for width and finiteness.
private func features(_ pointer: UnsafePointer<Float>?, rows: Int64, columns: Int64, model: RewardModel, what: String) throws -> FeatureMatrix {
    guard rows >= 0 else { throw InterfaceError(.invalidArgument, "\(what): negative row count \(rows)") }
    guard columns == Int64(model.featureDimension) else {
        throw InterfaceError(.invalidArgument, "\(what) have \(columns) columns; the model takes \(model.featureDimension) features")
    }
    let values = try buffer(pointer, Int(rows * columns), what)
    if let i = values.firstIndex(where: { !$0.isFinite }) {
        throw InterfaceError(.invalidArgument, "\(what): row \(i / Int(columns)) holds a non-finite value (\(values[i]))")
    }
    return try FeatureMatrix(rows: Int(rows), columns: Int(columns), values: Array(values))
}

/// One update on `positive_count` success examples against `negative_count` visited states
/// (see `OfflineReward.update`); writes the optimiser steps taken and the mean loss (NaN when none).
@_cdecl("mural_reward_update")
public func mural_reward_update(_ handle: UInt64, _ positives: UnsafePointer<Float>?, _ positiveCount: Int64,
                                _ negatives: UnsafePointer<Float>?, _ negativeCount: Int64, _ columns: Int64,
                                _ steps: UnsafeMutablePointer<Int64>?, _ meanLoss: UnsafeMutablePointer<Double>?) -> Int32 {
    guarded {
        let box = try rewardModels.get(handle)
        let model = box.model
        let p = try features(positives, rows: positiveCount, columns: columns, model: model, what: "positives")
        let n = try features(negatives, rows: negativeCount, columns: columns, model: model, what: "negatives")
        guard p.rows > 0 else { throw InterfaceError(.invalidArgument, "positives: an update needs at least one success example") }
        let summary = try box.locked { try OfflineReward.update($0, positives: p, negatives: n) }
        steps?.pointee = Int64(summary.optimizerSteps)
        meanLoss?.pointee = summary.meanLoss ?? .nan
    }
}

/// Rewards of `count` states (`count × columns` float32) into `rewards`. `successes` (N bytes,
/// may be null) are the task's success flags, which the count bonus adds its sparse term from;
/// null counts every state as a failure. The learned classifiers ignore them.
@_cdecl("mural_reward_rewards")
public func mural_reward_rewards(_ handle: UInt64, _ states: UnsafePointer<Float>?, _ count: Int64, _ columns: Int64,
                                 _ successes: UnsafePointer<UInt8>?, _ rewards: UnsafeMutablePointer<Float>?) -> Int32 {
    guarded {
        let box = try rewardModels.get(handle)
        let model = box.model
        let x = try features(states, rows: count, columns: columns, model: model, what: "states")
        let flags = try successes.map { try buffer($0, Int(count), "successes").map { $0 != 0 } } ?? Array(repeating: false, count: Int(count))
        let out = try mutableBuffer(rewards, Int(count), "rewards")
        guard count > 0 else { return }
        let values = try box.locked { try $0.rewards(features: x, successes: flags) }
        for i in 0..<Int(count) { out[i] = values[i] }
    }
}
