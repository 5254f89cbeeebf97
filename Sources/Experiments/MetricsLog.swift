import Foundation

/// A run's metrics as CSV and JSON lines. Both files are rewritten atomically after every
/// record, so a kill never leaves a torn line behind (runs have at most a few thousand records).
public final class MetricsLog {
    public private(set) var records: [TrainingRecord] = []
    private let directory: RunDirectory

    public init(directory: RunDirectory, records: [TrainingRecord] = []) {
        self.directory = directory
        self.records = records
    }

    public func append(_ record: TrainingRecord) throws {
        records.append(record)
        try write()
    }

    /// Rewrites both files from `records` (on resume, this drops rows written after the checkpoint).
    public func write() throws {
        try directory.write(Data(csv().utf8), to: RunDirectory.metricsCSVFile)
        let encoder = RunJSON.encoder([.sortedKeys])
        var lines = Data()
        for record in records {
            lines.append(try encoder.encode(record))
            lines.append(0x0A)
        }
        try directory.write(lines, to: RunDirectory.metricsFile)
    }

    /// Reads the records a log wrote into `directory` (its JSON lines).
    public static func records(in directory: RunDirectory) throws -> [TrainingRecord] {
        let url = directory.file(RunDirectory.metricsFile)
        guard let data = FileManager.default.contents(atPath: url.path) else { throw ExperimentError.missingFile(path: url.path) }
        let decoder = RunJSON.decoder()
        return try data.split(separator: 0x0A).enumerated().map { index, line in
            do { return try decoder.decode(TrainingRecord.self, from: Data(line)) } catch {
                throw ExperimentError.invalidFile(path: url.path, reason: "line \(index + 1) is not a training record: \(error)")
            }
        }
    }

    /// The records as CSV, one column per field and per task metric.
    public func csv() -> String {
        let metricNames = Set(records.flatMap { $0.finalMetrics.keys }).sorted()
        let header = ["step", "epoch", "wall_seconds", "training_episodes", "success_any", "success_final",
                      "mean_training_reward", "training_success", "critic_loss", "temperature",
                      "reward_model_steps", "reward_model_loss"]
            + metricNames.map { "final_\($0)" }
        var lines = [header.joined(separator: ",")]
        for r in records {
            let values: [Double] = [Double(r.step), Double(r.epoch), r.wallSeconds, Double(r.trainingEpisodes), r.successAny,
                                    r.successFinal, r.meanTrainingReward, r.trainingSuccess, r.criticLoss, r.temperature,
                                    r.rewardModelSteps.map(Double.init) ?? .nan, r.rewardModelLoss ?? .nan]
                + metricNames.map { r.finalMetrics[$0] ?? .nan }
            lines.append(values.map { $0 == $0.rounded() && abs($0) < 1e15 ? String(Int($0)) : String($0) }
                .joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
