@testable import Experiments
import Foundation
import TestSupport
import Testing

/// A stand-in for `mural train`: writes two evaluation records whose success (any step and final
/// step) is seed/10 (seed/100 for "vice", 0.9 + seed/100 for "oracle"), half an hour into its run at the last, or fails for the reward "broken". It counts its runs so that skipping can be checked.
private let fakeTrain = #"""
#!/bin/sh
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out="$2"; shift 2;;
    --seed) seed="$2"; shift 2;;
    --reward) reward="$2"; shift 2;;
    *) shift;;
  esac
done
echo run >> "$(dirname "$0")/runs.log"
if [ "$reward" = broken ]; then echo "reward model exploded at step 7" >&2; exit 3; fi
mkdir -p "$out"
success="0.$seed"; if [ "$reward" = vice ]; then success="0.0$seed"; fi; if [ "$reward" = oracle ]; then success="0.9$seed"; fi
for step in 100 200; do
  printf '{"criticLoss":0,"epoch":1,"finalMetrics":{"geodesic_distance":1},"meanTrainingReward":0,"step":%s,"successAny":%s,"successFinal":%s,"temperature":1,"trainingEpisodes":1,"trainingSuccess":0,"wallSeconds":%s}\n' "$step" "$success" "$success" "$((step * 9))" >> "$out/metrics.jsonl"
done
echo '{}' > "$out/final.json"
"""#

@Suite("Comparison grid and report")
struct ComparisonGridTests {
    func makeExecutable(in directory: URL) throws -> String {
        let path = directory.appendingPathComponent("fake-mural").path
        try writeExecutableScript(fakeTrain, to: path)
        return path
    }

    @Test("runs every cell, reports a failing one with its log, skips finished cells on a rerun, and aggregates")
    func gridAndReport() throws {
        let directory = try temporaryDirectory()
        let executable = try makeExecutable(in: directory)
        let grid = ComparisonGrid(tasks: ["maze-zigzag-v1"], rewards: ["metanml", "vice", "broken"], seeds: [2, 4],
                                  directory: directory.appendingPathComponent("cmp"))
        let results = try grid.run(executable: executable, jobs: 2)
        #expect(results.map(\.status) == [.completed, .completed, .completed, .completed, .failed, .failed])
        #expect(results[4].exitStatus == 3)
        #expect(results[4].logTail?.contains("reward model exploded") == true, "the failure should carry its log")

        let rerun = try grid.run(executable: executable, jobs: 2)
        #expect(rerun.map(\.status) == [.skipped, .skipped, .skipped, .skipped, .failed, .failed],
                "finished cells must not run again")
        let runs = try String(contentsOf: directory.appendingPathComponent("runs.log"), encoding: .utf8)
        #expect(runs.split(separator: "\n").count == 8, "6 cells, then only the 2 unfinished ones again")

        try ComparisonReport(grid: grid, results: rerun, fixedStartTasks: ["maze-zigzag-v1"]).write()
        let summary = try String(contentsOf: grid.directory.appendingPathComponent("summary.csv"), encoding: .utf8)
        let metanml = summary.split(separator: "\n").first { $0.hasPrefix("maze-zigzag-v1,metanml,") }
        let columns = metanml.map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) } ?? []
        #expect(columns.count == 19, "summary.csv columns: \(columns)")
        // Scores 0.2 and 0.4: mean 0.3, and resampled means range over 0.2…0.4.
        #expect(Array(columns.prefix(6)) == ["maze-zigzag-v1", "metanml", "2", String(0.30000000000000004), "0.2", "0.4"], "\(columns)")
        #expect(columns[6] == "0.0", "no seed ended every evaluation episode in success, got \(columns)")
        #expect(columns[12] == "1.0", "the runs' final distance is their goal metric, got \(columns)")
        let report = try String(contentsOf: grid.directory.appendingPathComponent("report.md"), encoding: .utf8)
        #expect(report.contains("| metanml | 2 | **0.30 [0.20, 0.40]** | 0 of 2 [0.00, 0.66] |"), "the best score is bold: \(report)")
        #expect(report.contains("| vice | 2 | 0.03 [0.02, 0.04] |"), "the other reward is not bold")
        #expect(report.contains("| P(metanml > vice) | 1.00 [1.00, 1.00] | metanml better |"))
        #expect(report.contains("Failed cells") && report.contains("reward model exploded"))
        #expect(report.contains("The 4 finished run(s) trained for 2.0 hours in all") && report.contains("maze-zigzag-v1 2.0."),
                "the Cells section sums the finished runs' wall times, whichever invocation ran them (all were skipped here)")
        let aggregates = try String(contentsOf: grid.directory.appendingPathComponent("aggregates.csv"), encoding: .utf8)
        #expect(aggregates.contains("\niqm,metanml,,2,0.30000000000000004,0.2,0.4\n"), "\(aggregates)")
        let html = try String(contentsOf: grid.directory.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(html.contains("data:image/png;base64,"), "the HTML report embeds its learning curves")
    }

    @Test("each task's section and headline.md say which methods meta-NML beats, which beat it and which its seeds do not separate from it")
    func taskVerdict() throws {
        let directory = try temporaryDirectory()
        let grid = ComparisonGrid(tasks: ["maze-zigzag-v1"], rewards: ["metanml", "vice", "sparse", "oracle"], seeds: [2, 4],
                                  directory: directory.appendingPathComponent("cmp"))
        let results = try grid.run(executable: try makeExecutable(in: directory), jobs: 2)
        try ComparisonReport(grid: grid, results: results, fixedStartTasks: []).write()
        let report = try String(contentsOf: grid.directory.appendingPathComponent("report.md"), encoding: .utf8)
        // Scores: metanml 0.2, 0.4; vice 0.02, 0.04; sparse as metanml; oracle 0.92, 0.94.
        #expect(report.contains("**Verdict on maze-zigzag-v1**, from the 95 % intervals of P(metanml > method): metanml is better "
                                + "than vice; not separated from sparse; worse than oracle."), "\(report)")
        let headline = try String(contentsOf: grid.directory.appendingPathComponent("headline.md"), encoding: .utf8)
        #expect(headline == """
            | task | metanml | vice | sparse | oracle |
            | --- | --- | --- | --- | --- |
            | maze-zigzag-v1 (2 seeds) | 0.30 [0.20, 0.40] | 0.03 [0.02, 0.04] | 0.30 [0.20, 0.40] | **0.93 [0.92, 0.94]** |
            | IQM across tasks | 0.30 [0.20, 0.40] | 0.03 [0.02, 0.04] | 0.30 [0.20, 0.40] | 0.93 [0.92, 0.94] |

            - **Verdict on maze-zigzag-v1**, from the 95 % intervals of P(metanml > method): metanml is better than vice; not separated from sparse; worse than oracle.
            - **Verdict across tasks**, from the 95 % intervals of P(metanml > method): metanml is better than vice; not separated from sparse; worse than oracle.

            """, "headline.md: the scores, the IQM row and the verdicts")
    }

    @Test("reading a comparison's runs: finished runs, and started ones as unfinished, but not the empty directories of cells not started")
    func scanSeparatesStartedFromNotStarted() throws {
        let directory = try temporaryDirectory()
        let grid = ComparisonGrid(tasks: ["maze-zigzag-v1"], rewards: ["vice"], seeds: [0],
                                  directory: directory.appendingPathComponent("cmp"))
        _ = try grid.run(executable: try makeExecutable(in: directory), jobs: 1)
        let runs = grid.directory.appendingPathComponent("runs/maze-zigzag-v1/vice")
        try FileManager.default.createDirectory(at: runs.appendingPathComponent("seed-1"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: runs.appendingPathComponent("seed-2"), withIntermediateDirectories: true)
        try Data("{}".utf8).write(to: runs.appendingPathComponent("seed-2/config.json"))
        let (complete, incomplete) = try ComparisonRuns.scan(grid.directory)
        #expect(complete.map(\.seed) == [0])
        #expect(incomplete.map(\.seed) == [2], "seed 1's directory is empty, seed 2's run started: \(incomplete)")
    }

    @Test("a report without aggregates removes the aggregate plots an earlier report left")
    func staleAggregatePlotsGo() throws {
        let directory = try temporaryDirectory()
        for name in ["profiles.png", "iqm-curves.png"] { try Data([1]).write(to: directory.appendingPathComponent(name)) }
        func run(_ task: String, _ method: String) -> RunEvaluations {
            RunEvaluations(task: task, method: method, seed: 0, points: [
                EvaluationPoint(step: 100, successFinal: 1, successAny: 1, goalDistance: nil, wallSeconds: 1)])
        }
        // Each method on one task only: no aggregates across tasks.
        let runs = [run("maze-zigzag-v1", "metanml"), run("door-v1", "vice")]
        let cells = runs.map { CellResult(cell: GridCell(task: $0.task, reward: $0.method, seed: $0.seed), status: .completed) }
        try ComparisonReport(directory: directory, analysis: try ComparisonAnalysis(runs: runs, fixedStartTasks: []), cells: cells).write()
        for name in ["profiles.png", "iqm-curves.png"] {
            #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent(name).path), "\(name) is stale")
        }
        #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("curves-door-v1.png").path))
    }

    @Test("a running grid reports cells done and running, the running cells' steps and an ETA")
    func progressLines() throws {
        let directory = try temporaryDirectory()
        // Like fakeTrain, but slow enough to be watched: an evaluation, a pause, another.
        let slow = fakeTrain.replacingOccurrences(of: "metrics.jsonl\"\ndone", with: "metrics.jsonl\"\n  sleep 0.6\ndone")
        let path = directory.appendingPathComponent("slow-mural").path
        try writeExecutableScript(slow, to: path)
        let grid = ComparisonGrid(tasks: ["maze-zigzag-v1"], rewards: ["sparse"], seeds: [1, 2, 3],
                                  directory: directory.appendingPathComponent("cmp"), steps: ["maze-zigzag-v1": 200])
        var lines: [String] = []
        _ = try grid.run(executable: path, jobs: 2, progressInterval: .milliseconds(300)) { lines.append($0) }
        let states = lines.filter { $0.contains("cells done") }
        #expect(!states.isEmpty, "no progress line among \(lines)")
        #expect(states.contains { $0.contains("running (runs/maze-zigzag-v1/sparse/seed-1 100/200") && $0.contains("; ETA ") },
                "a running cell's steps and the ETA should show: \(states)")
        #expect(states.allSatisfy { $0.contains("/0.0M steps") }, "the grid's total steps: \(states)")
    }

    @Test("progress reads a run's last complete evaluation, and none from a missing or half-written file")
    func progressSteps() throws {
        let run = try temporaryDirectory()
        #expect(GridProgress.lastStep(in: run) == 0)
        let metrics = run.appendingPathComponent("metrics.jsonl")
        let record = #"{"criticLoss":0,"epoch":1,"finalMetrics":{},"meanTrainingReward":0,"step":STEP,"successAny":0,"successFinal":0,"temperature":1,"trainingEpisodes":1,"trainingSuccess":0,"wallSeconds":1}"#
        let lines = [1000, 2000].map { record.replacingOccurrences(of: "STEP", with: String($0)) }
        try Data((lines.joined(separator: "\n") + "\n" + #"{"criticLoss":0,"ep"#).utf8).write(to: metrics)
        #expect(GridProgress.lastStep(in: run) == 2000)
        #expect(GridProgress.duration(59) == "1m" && GridProgress.duration(3600 * 2 + 61) == "2h 2m")
    }
}
