import Experiments
import Foundation
import Testing

/// A stand-in for `mural train`: writes two evaluation records whose success is seed/10 (seed/100
/// for "vice"), or fails for the reward "broken". It counts its runs so that skipping can be checked.
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
success="0.$seed"; if [ "$reward" = vice ]; then success="0.0$seed"; fi
for step in 100 200; do
  printf '{"criticLoss":0,"epoch":1,"finalMetrics":{"distance":1},"meanTrainingReward":0,"step":%s,"successAny":%s,"successFinal":0,"temperature":1,"trainingEpisodes":1,"trainingSuccess":0,"wallSeconds":1}\n' "$step" "$success" >> "$out/metrics.jsonl"
done
echo '{}' > "$out/final.json"
"""#

@Suite("Comparison grid and report")
struct ComparisonGridTests {
    func makeExecutable(in directory: URL) throws -> String {
        let path = directory.appendingPathComponent("fake-mural").path
        try Data(fakeTrain.utf8).write(to: URL(fileURLWithPath: path))
        chmod(path, 0o755)
        return path
    }

    @Test("runs every cell, reports a failing one with its log, skips finished cells on a rerun, and aggregates")
    func gridAndReport() throws {
        let directory = try temporaryDirectory()
        let executable = try makeExecutable(in: directory)
        let grid = ComparisonGrid(tasks: ["maze-zigzag-v1"], rewards: ["metanml", "vice", "broken"], seeds: [2, 4],
                                  directory: directory.appendingPathComponent("cmp"), trainArguments: [])
        let results = try grid.run(executable: executable, jobs: 2)
        #expect(results.map(\.status) == [.completed, .completed, .completed, .completed, .failed, .failed])
        #expect(results[4].exitStatus == 3)
        #expect(results[4].logTail?.contains("reward model exploded") == true, "the failure should carry its log")

        let rerun = try grid.run(executable: executable, jobs: 2)
        #expect(rerun.map(\.status) == [.skipped, .skipped, .skipped, .skipped, .failed, .failed],
                "finished cells must not run again")
        let runs = try String(contentsOf: directory.appendingPathComponent("runs.log"), encoding: .utf8)
        #expect(runs.split(separator: "\n").count == 8, "6 cells, then only the 2 unfinished ones again")

        try ComparisonReport(grid: grid, results: rerun).write()
        let summary = try String(contentsOf: grid.directory.appendingPathComponent("summary.csv"), encoding: .utf8)
        let metanml = summary.split(separator: "\n").first { $0.hasPrefix("maze-zigzag-v1,metanml,") }
        let columns = metanml.map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) } ?? []
        #expect(columns.count == 14, "summary.csv columns: \(columns)")
        #expect(columns[10] == "distance" && columns[11] == "1.0", "the runs' final distance is their goal metric, got \(columns)")
        #expect(Double(columns[4]).map { abs($0 - 0.3) < 1e-12 } == true, "mean of 0.2 and 0.4 is 0.3, got \(columns)")
        let report = try String(contentsOf: grid.directory.appendingPathComponent("report.md"), encoding: .utf8)
        #expect(report.contains("**0.30 ± 0.14**"), "the best reward's success should be bold")
        #expect(report.contains("| vice | 2 | 0.03 ± 0.01 |"), "the other reward is not bold")
        #expect(report.contains("Failed cells") && report.contains("reward model exploded"))
        let html = try String(contentsOf: grid.directory.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(html.contains("data:image/png;base64,"), "the HTML report embeds its learning curves")
    }
}
