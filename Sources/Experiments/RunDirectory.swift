import Foundation

/// A directory that holds one run: its resolved configuration, metrics, checkpoints and final
/// results. Everything in it is written atomically (temporary file, then rename), so a kill at
/// any moment leaves either the old file or the new one.
///
/// This type owns a run directory: the names of its files (below), the schema of its
/// configuration (`RunConfiguration`), and how a training run starts, resumes and finishes
/// (`RunDirectory.Training`). Comparisons use the same directories for their outputs.
public struct RunDirectory: Sendable {
    /// What to do when the directory already holds a run.
    public enum Mode: Sendable {
        /// Refuse to touch an existing run.
        case fresh
        /// Continue a run with the same configuration.
        case resume
        /// Delete whatever is there and start again.
        case force
    }

    /// The resolved configuration (`RunConfiguration`), canonical JSON; a run is resumed only
    /// with the same bytes.
    public static let configurationFile = "config.json"
    /// Written last, when the run has finished: its last evaluation. Its presence marks a complete run.
    public static let completionFile = "final.json"
    /// The latest checkpoint of an unfinished run (see `TrainingLoop+Checkpoint.swift`).
    public static let checkpointFile = "checkpoint.bin"
    /// Every evaluation so far (`MetricsLog`), as CSV and as JSON lines.
    public static let metricsCSVFile = "metrics.csv"
    public static let metricsFile = "metrics.jsonl"
    /// The final agent (`SACAgent.save(to:)`), once the run is complete.
    public static let policyFile = "policy.bin"
    /// The final learned reward model (`RewardModel.save(to:)`) of a complete run with one.
    public static let rewardModelFile = "reward-model.bin"
    /// Classifier features of states the run visited, float32 `.npy`, beside the reward model.
    public static let visitedFile = "visited.npy"
    /// The output of the process that trained the run, when a comparison started it.
    public static let logFile = "train.log"

    public let url: URL

    public init(_ url: URL) { self.url = url }

    /// Opens `url` for a run with `configuration` (canonical JSON bytes), creating it if needed.
    /// Checks that it is writable before any work starts. `.force` empties it, except the lock
    /// file, so a `Lock` taken before stays valid.
    ///
    /// - Returns: the directory, and whether a run with this configuration was already there.
    public static func prepare(_ url: URL, configuration: Data, mode: Mode) throws -> (RunDirectory, existing: Bool) {
        let manager = FileManager.default
        let directory = RunDirectory(url)
        if mode == .force, manager.fileExists(atPath: url.path) {
            do {
                for entry in try manager.contentsOfDirectory(atPath: url.path) where entry != lockFile {
                    try manager.removeItem(at: directory.file(entry))
                }
            } catch {
                throw ExperimentError.unwritableDirectory(path: url.path, reason: "could not clear it: \(error.localizedDescription)")
            }
        }
        try ensureWritable(url)
        let configurationURL = directory.file(configurationFile)
        guard let existing = manager.contents(atPath: configurationURL.path) else {
            try directory.write(configuration, to: configurationFile)
            return (directory, false)
        }
        guard existing == configuration else { throw ExperimentError.configurationMismatch(path: url.path) }
        if mode == .fresh, !directory.isComplete { throw ExperimentError.incompleteRunExists(path: url.path) }
        return (directory, true)
    }

    /// An exclusive advisory lock (flock) on a directory, held until it is released or the process
    /// ends, however it ends. Two processes writing one run would interleave its files; a
    /// comparison killed and restarted while its old cells still run would do exactly that.
    public final class Lock {
        private let descriptor: Int32

        fileprivate init(descriptor: Int32) { self.descriptor = descriptor }

        deinit { close(descriptor) }
    }

    static let lockFile = ".lock"

    /// Locks `url` (created if needed), or fails naming it when another process holds it.
    public static func lock(_ url: URL) throws -> Lock {
        try ensureWritable(url)
        let path = url.appendingPathComponent(lockFile).path
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw ExperimentError.unwritableDirectory(path: path, reason: String(cString: strerror(errno)))
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            throw ExperimentError.directoryInUse(path: url.path)
        }
        return Lock(descriptor: descriptor)
    }

    /// Creates `url` if needed and proves it writable by creating and removing a probe file.
    public static func ensureWritable(_ url: URL) throws {
        func fail(_ reason: String) -> ExperimentError { .unwritableDirectory(path: url.path, reason: reason) }
        try makeDirectories(url.path, failure: fail)
        let probe = url.appendingPathComponent(".mural-write-probe-\(getpid())").path
        let descriptor = open(probe, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else { throw fail(String(cString: strerror(errno))) }
        close(descriptor)
        unlink(probe)
    }

    /// `mkdir -p`, reporting the first directory that cannot be made and why.
    private static func makeDirectories(_ path: String, failure: (String) -> ExperimentError) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw failure("\(path) exists and is not a directory") }
            return
        }
        let parent = (path as NSString).deletingLastPathComponent
        if !parent.isEmpty, parent != path { try makeDirectories(parent, failure: failure) }
        if mkdir(path, 0o755) != 0, errno != EEXIST {
            throw failure("cannot create \(path): \(String(cString: strerror(errno)))")
        }
    }

    public func file(_ name: String) -> URL { url.appendingPathComponent(name) }

    /// The run's configuration, read from its config.json.
    public func configuration() throws -> RunConfiguration {
        let path = file(RunDirectory.configurationFile).path
        guard let data = FileManager.default.contents(atPath: path) else { throw ExperimentError.missingFile(path: path) }
        do { return try RunJSON.decoder().decode(RunConfiguration.self, from: data) } catch {
            throw ExperimentError.invalidFile(path: path, reason: "not a Mural run configuration (\(error))")
        }
    }

    /// Writes `data` to `name` atomically.
    public func write(_ data: Data, to name: String) throws {
        let target = file(name)
        do {
            try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: target, options: .atomic)
        } catch {
            throw ExperimentError.unwritableDirectory(path: target.path, reason: RunDirectory.reason(error))
        }
    }

    /// Deletes the temporary files that atomic writes of `name` abandoned when killed before their
    /// rename (`ArchiveWriter` writes `name.tmp-PID`); a checkpoint's can be as large as the replay buffer.
    public func removeAbandonedTemporaries(of name: String) {
        let manager = FileManager.default
        for entry in (try? manager.contentsOfDirectory(atPath: url.path)) ?? [] where entry.hasPrefix(name + ".tmp-") {
            try? manager.removeItem(at: file(entry))
        }
    }

    /// Whether the run finished (its completion file exists).
    public var isComplete: Bool {
        FileManager.default.fileExists(atPath: file(RunDirectory.completionFile).path)
    }

    static func reason(_ error: Error) -> String {
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError,
           underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        return nsError.localizedDescription
    }
}

/// What a run directory's config.json holds: what ran, with which version of Mural and of the task.
public struct RunConfiguration: Codable, Sendable, Equatable {
    public var mural: String
    public var taskVersion: String
    /// The OpenBLAS kernel: another kernel rounds differently, so a run resumed under it
    /// would not continue bit for bit, and is refused as a different configuration.
    public var blasCore: String
    public var training: TrainingConfiguration

    public init(mural: String, taskVersion: String, blasCore: String, training: TrainingConfiguration) {
        (self.mural, self.taskVersion, self.blasCore, self.training) = (mural, taskVersion, blasCore, training)
    }
}

/// JSON bytes with sorted keys, so equal values always give equal bytes (non-finite numbers as
/// `RunJSON` spells them).
public func canonicalJSON<T: Encodable>(_ value: T) throws -> Data {
    try RunJSON.encoder([.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]).encode(value)
}
