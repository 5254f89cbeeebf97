import Foundation
import Randomness

/// How success examples are produced.
public enum ExampleStrategy: String, Sendable, Codable, CaseIterable {
    /// Place the objects in a sampled success configuration, let physics settle for a few
    /// zero-action steps, keep the state if the predicate holds.
    case teleport
    /// Roll out the expert with Gaussian action noise; keep one randomly chosen success state
    /// per successful episode.
    case expert
}

/// A generated set of success examples.
public struct ExampleSet: Sendable {
    public var taskID: String
    public var version: Int
    public var seed: UInt64
    public var strategy: ExampleStrategy
    public var featureNames: [String]
    public var observationNames: [String]
    /// Classifier features, one row per example.
    public var features: [[Double]]
    /// Full observations, one row per example.
    public var observations: [[Double]]

    public var count: Int { features.count }

    /// The three files of an export, named after the features file `FILE.npy`:
    /// `FILE.npy` (N×D float32 features), `FILE.observations.npy` (N×O float32 observations)
    /// and `FILE.json` (the sidecar).
    public static func exportURLs(featuresFile: URL) -> (features: URL, observations: URL, sidecar: URL) {
        let base = featuresFile.pathExtension == "npy" ? featuresFile.deletingPathExtension() : featuresFile
        return (base.appendingPathExtension("npy"), base.appendingPathExtension("observations.npy"),
                base.appendingPathExtension("json"))
    }

    /// The bytes of the three export files.
    public func exportData(featuresFile: URL) throws -> (features: Data, observations: Data, sidecar: Data) {
        let urls = Self.exportURLs(featuresFile: featuresFile)
        let sidecar = Sidecar(task: taskID, version: version, seed: seed, strategy: strategy.rawValue, count: count,
                              dtype: "float32", featureNames: featureNames, observationNames: observationNames,
                              featuresFile: urls.features.lastPathComponent,
                              observationsFile: urls.observations.lastPathComponent)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return (NPY.float32Matrix(features, columns: featureNames.count),
                NPY.float32Matrix(observations, columns: observationNames.count),
                try encoder.encode(sidecar) + Data("\n".utf8))
    }

    /// Writes the three export files; returns their URLs.
    @discardableResult
    public func export(featuresFile: URL) throws -> [URL] {
        let urls = Self.exportURLs(featuresFile: featuresFile)
        let data = try exportData(featuresFile: featuresFile)
        try data.features.write(to: urls.features)
        try data.observations.write(to: urls.observations)
        try data.sidecar.write(to: urls.sidecar)
        return [urls.features, urls.observations, urls.sidecar]
    }

    struct Sidecar: Codable {
        var task: String
        var version: Int
        var seed: UInt64
        var strategy: String
        var count: Int
        var dtype: String
        var featureNames: [String]
        var observationNames: [String]
        var featuresFile: String
        var observationsFile: String
    }
}

/// Generation gave up before finding enough success states.
public struct ExampleGenerationError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

/// Produces varied success states (never copies of one), deterministically from a seed.
public enum ExampleGenerator {
    public static let defaultCount = 200
    /// Zero-action control steps a teleported state settles for.
    public static let settleSteps = 3
    /// Standard deviation of the expert's action noise.
    public static let expertNoise = 0.3

    public static func generate(_ env: TaskEnvironment, count: Int = defaultCount, seed: UInt64,
                                strategy: ExampleStrategy) throws -> ExampleSet {
        precondition(count >= 0, "example count must be ≥ 0")
        var stream = RandomGenerator(seed: seed)
        var observations: [[Double]] = []
        let maxAttempts = max(count * 20, 100)
        var attempts = 0
        while observations.count < count {
            attempts += 1
            guard attempts <= maxAttempts else {
                throw ExampleGenerationError(message: "\(env.taskID): only \(observations.count) of \(count) success "
                                                 + "examples after \(maxAttempts) \(strategy.rawValue) attempts")
            }
            switch strategy {
            case .teleport:
                let o = try env.teleportToSuccess(seed: stream.next(), settleSteps: settleSteps)
                if env.isSuccess(o) { observations.append(o) }
            case .expert:
                let envSeed = stream.next()
                var policy = Policy(.expert, seed: stream.next(), noise: expertNoise)
                var successes: [[Double]] = []
                _ = try Evaluator.episode(env, seed: envSeed, actor: { env, _ in policy.action(for: env) }, onStep: { r in
                    if r.info.success { successes.append(r.observation) }
                })
                if !successes.isEmpty { observations.append(successes[stream.index(below: successes.count)]) }
            }
        }
        return ExampleSet(taskID: env.taskID, version: env.definition.version, seed: seed, strategy: strategy,
                          featureNames: env.classifierFeatureSpec.names, observationNames: env.observationSpec.names,
                          features: observations.map(env.classifierFeatures), observations: observations)
    }
}
