@testable import Experiments
import Foundation
import Render
import TaskSuite
import TestSupport
import Testing

/// A stand-in for `mural render` and `mural reward-map`: the render fails with a message; the map
/// copies `map.png` from the script's directory. Each call is counted in calls.log.
private let fakePictures = #"""
#!/bin/sh
here="$(dirname "$0")"
echo "$1" >> "$here/calls.log"
if [ "$1" = render ]; then echo "renderer ran out of triangles" >&2; exit 2; fi
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out="$2"; shift 2;;
    *) shift;;
  esac
done
cp "$here/map.png" "$out"
"""#

@Suite("Report pictures")
struct ReportPicturesTests {
    /// The bytes every PNG file starts with.
    static let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// `fakePictures` as an executable in `root`, beside the map.png it copies; returns its path.
    func installFakeMural(in root: URL) throws -> String {
        let executable = root.appendingPathComponent("fake-mural").path
        try writeExecutableScript(fakePictures, to: executable)
        try PNG.write(RGBImage(width: 2, height: 2), to: root.appendingPathComponent("map.png").path)
        return executable
    }

    /// One evaluation for every cell of `grid`, and a completion file for the `finished` [reward, seed] pairs.
    func writeRuns(of grid: ComparisonGrid, finished: Set<[String]>) throws {
        let record = #"{"criticLoss":0,"epoch":1,"finalMetrics":{},"meanTrainingReward":0,"step":100,"successAny":0.5,"#
            + #""successFinal":0.25,"temperature":1,"trainingEpisodes":1,"trainingSuccess":0,"wallSeconds":2}"#
        for cell in grid.cells {
            let run = RunDirectory(grid.runDirectory(cell))
            try run.write(Data((record + "\n").utf8), to: RunDirectory.metricsFile)
            if finished.contains([cell.reward, String(cell.seed)]) { try run.write(Data("{}".utf8), to: RunDirectory.completionFile) }
        }
    }

    func isPNG(_ url: URL) -> Bool {
        FileManager.default.contents(atPath: url.path).map { Array($0.prefix(8)) == Self.pngSignature } ?? false
    }

    @Test("mural compare draws a filmstrip per reward and a reward map for the learned one, links both, and resumes",
          .tags(.slow), .skippedInFastTier)
    func compareDrawsPictures() throws {
        let root = try temporaryDirectory()
        let out = root.appendingPathComponent("cmp"), log = root.appendingPathComponent("compare.log")
        let arguments = ["compare", "--tasks", "maze-zigzag-v1", "--rewards", "sparse,count", "--seeds", "1", "--steps", "200",
                         "--evaluation-interval", "100", "--evaluation-episodes", "1", "--hidden", "8,8", "--jobs", "2",
                         "--out", out.path]
        try #require(try mural(arguments, log: log).waitForExit() == 0, "mural compare failed: \(text(log))")

        let report = text(out.appendingPathComponent("report.md"))
        let pictures = ["pictures/maze-zigzag-v1/sparse-seed0/sheet.png", "pictures/maze-zigzag-v1/count-seed0/sheet.png",
                        "pictures/maze-zigzag-v1/count-seed0-reward-map.png"]
        for picture in pictures {
            #expect(report.contains("](\(picture))"), "report.md does not link \(picture)")
            #expect(isPNG(out.appendingPathComponent(picture)), "\(picture) is missing or not a PNG")
        }
        #expect(!report.contains("sparse-seed0-reward-map"), "sparse has no learned model to map")
        #expect(report.contains("### Reward maps") && report.contains("### Final policies"))
        #expect(report.contains("count, seed 0: one episode of the final policy; the run's final success 0.00 (any step)"))
        #expect(report.contains("| maze-zigzag-v1 | count | 0 | completed |"), "the Cells section lists each cell")
        #expect(text(out.appendingPathComponent("cells.csv")).hasPrefix(
            "task,method,seed,status,exit_status,score,success_final,success_any,goal_distance,wall_seconds,steps_per_second\n"))
        let html = text(out.appendingPathComponent("report.html"))
        #expect(report.contains("](curves-maze-zigzag-v1-distance.png)"), "the maze's distance curves are linked")
        #expect(report.contains("](profiles.png)") && report.contains("](iqm-curves.png)"), "the aggregate plots are linked")
        #expect(html.components(separatedBy: "data:image/png;base64,").count == 8,
                "profiles, IQM curves, success and distance curves and three pictures embedded")

        // Again: every cell and picture is there already.
        let map = out.appendingPathComponent(pictures[2])
        let drawnAt = try FileManager.default.attributesOfItem(atPath: map.path)[.modificationDate] as? Date
        try #require(try mural(arguments, log: log).waitForExit() == 0, "the second mural compare failed: \(text(log))")
        #expect(text(out.appendingPathComponent("report.md")).contains("| maze-zigzag-v1 | count | 0 | skipped (already complete) |"))
        #expect(try FileManager.default.attributesOfItem(atPath: map.path)[.modificationDate] as? Date == drawnAt,
                "an existing picture must not be drawn again")
    }

    @Test("pictures show the lowest finished seed; a failed one is reported with its log, not fatal, and retried")
    func failedPicture() throws {
        let root = try temporaryDirectory()
        let executable = try installFakeMural(in: root)

        let grid = ComparisonGrid(tasks: ["maze-zigzag-v1"], rewards: ["count", "sparse"], seeds: [0, 1],
                                  directory: root.appendingPathComponent("cmp"))
        // Finished: count seed 1 only (seed 0 stopped early). Sparse has no finished run.
        try writeRuns(of: grid, finished: [["count", "1"]])
        let plan = try ReportPictures(grid: grid, registry: try TaskRegistry.located())
        #expect(plan.pictures.map(\.image) == ["pictures/maze-zigzag-v1/count-seed1/sheet.png",
                                               "pictures/maze-zigzag-v1/count-seed1-reward-map.png"])
        #expect(plan.pictures[0].invocation.arguments.contains(["--every", "10", "--width", "200", "--height", "150"]),
                "a horizon of 100 gives every 10th step: \(plan.pictures[0].invocation.arguments)")

        func describe(_ results: [ReportPictures.Result]) -> [String] {
            results.map {
                switch $0.status {
                case .drawn: "drawn"
                case .existing: "existing"
                case let .failed(status, tail): "failed \(status): \(tail.trimmingCharacters(in: .newlines))"
                }
            }
        }
        let results = try plan.run(executable: executable, jobs: 2)
        #expect(describe(results) == ["failed 2: renderer ran out of triangles", "drawn"])
        let results2 = try plan.run(executable: executable, jobs: 2)
        #expect(describe(results2) == ["failed 2: renderer ran out of triangles", "existing"])
        #expect(text(root.appendingPathComponent("calls.log")).split(separator: "\n").sorted() == ["render", "render", "reward-map"],
                "the failed filmstrip is retried, the drawn map is not")
        #expect(plan.drawn().map(\.picture.image) == ["pictures/maze-zigzag-v1/count-seed1-reward-map.png"],
                "what `mural report` links: the drawn map, not the failed filmstrip")

        var report = try ComparisonReport(grid: grid, results: grid.cells.map { CellResult(cell: $0, status: .completed) },
                                          fixedStartTasks: [])
        report.pictures = results2
        try report.write()
        let markdown = text(grid.directory.appendingPathComponent("report.md"))
        #expect(markdown.contains("The filmstrip of runs/maze-zigzag-v1/count/seed-1 (pictures/maze-zigzag-v1/count-seed1/sheet.png) "
                                  + "failed with exit status 2"), "\(markdown)")
        #expect(markdown.contains("renderer ran out of triangles"), "the failure should show its log")
        #expect(markdown.contains("](pictures/maze-zigzag-v1/count-seed1-reward-map.png)"))
        #expect(text(grid.directory.appendingPathComponent("report.html")).contains("renderer ran out of triangles"))
    }

    @Test("a report recomputed from a CSV links the pictures drawn earlier, though the run directories are gone")
    func picturesWithoutRunDirectories() throws {
        let root = try temporaryDirectory()
        let grid = ComparisonGrid(tasks: ["maze-zigzag-v1"], rewards: ["count"], seeds: [0, 1],
                                  directory: root.appendingPathComponent("cmp"))
        let sheet = "pictures/maze-zigzag-v1/count-seed1/sheet.png"
        try FileManager.default.createDirectory(at: grid.directory.appendingPathComponent(sheet).deletingLastPathComponent(),
                                                withIntermediateDirectories: true)
        try PNG.write(RGBImage(width: 2, height: 2), to: grid.directory.appendingPathComponent(sheet).path)

        let registry = try TaskRegistry.located()
        #expect(try ReportPictures(grid: grid, registry: registry).drawn().isEmpty,
                "with no run directory, no run is finished by default")
        let fromCSV = try ReportPictures(grid: grid, registry: registry, isFinished: { $0.seed == 1 })
        #expect(fromCSV.pictures.map(\.image) == [sheet, "pictures/maze-zigzag-v1/count-seed1-reward-map.png"],
                "the lowest seed the CSV holds stands for the pair")
        #expect(fromCSV.drawn().map(\.picture.image) == [sheet], "only the picture on disk is linked")
    }

    @Test("mural report --from-csv in a comparison directory links its pictures and states its config.json's settings")
    func reportFromCSVInPlace() throws {
        let quick = CommittedResultsTests.resultsDirectory.appendingPathComponent("quick")
        let directory = try temporaryDirectory().appendingPathComponent("quick")
        try FileManager.default.copyItem(at: quick, to: directory)
        let log = directory.deletingLastPathComponent().appendingPathComponent("report.log")
        let status = try mural(["report", directory.path, "--from-csv", directory.appendingPathComponent("evaluations.csv").path],
                               log: log).waitForExit()
        try #require(status == 0, "mural report failed: \(text(log))")
        let markdown = text(directory.appendingPathComponent("report.md"))
        #expect(markdown.contains("](pictures/maze-zigzag-v1/vice-seed0-reward-map.png)"), "the reward map is not linked:\n\(markdown)")
        #expect(markdown.contains("](pictures/maze-zigzag-v1/sparse-seed0/sheet.png)"), "the filmstrip is not linked")
        #expect(markdown.contains("Every run trained with the settings of config.json: 120000 environment steps per run; mural 0.2.0, "
                                  + "OpenBLAS kernel Cooperlake;"), "the settings line is missing:\n\(markdown)")
    }

    @Test("a task with finished classifier runs gets one reward path over the lowest finished seed of each, linked with its caption")
    func rewardPathOfTheClassifiers() throws {
        let root = try temporaryDirectory()
        let executable = try installFakeMural(in: root)

        let grid = ComparisonGrid(tasks: ["door-v1"], rewards: ["metanml", "vice", "count"], seeds: [0, 1],
                                  directory: root.appendingPathComponent("cmp"))
        // Finished: meta-NML seeds 0 and 1, VICE seed 1, count seed 0.
        try writeRuns(of: grid, finished: [["metanml", "0"], ["metanml", "1"], ["vice", "1"], ["count", "0"]])
        let plan = try ReportPictures(grid: grid, registry: try TaskRegistry.located())
        let paths = plan.pictures.filter { $0.kind == .rewardPath }
        try #require(paths.count == 1, "one reward path per task: \(plan.pictures.map(\.image))")
        #expect(paths[0].image == "pictures/door-v1/reward-path.png")
        #expect(paths[0].runs.map { "\($0.reward) \($0.seed)" } == ["metanml 0", "vice 1"], "count is not a classifier")
        let arguments = paths[0].invocation.arguments
        #expect(arguments.first == "reward-path" && arguments.filter { $0 == "--run" }.count == 2)
        #expect(arguments.contains(grid.runDirectory(paths[0].runs[1]).path) && arguments.contains("--csv"))

        var report = try ComparisonReport(grid: grid, results: grid.cells.map { CellResult(cell: $0, status: .completed) },
                                          fixedStartTasks: [])
        report.pictures = try plan.run(executable: executable, jobs: 2).filter { $0.picture.kind == .rewardPath }
        try report.write()
        let markdown = text(grid.directory.appendingPathComponent("report.md"))
        #expect(markdown.contains("### Learned rewards on the expert's path"))
        #expect(markdown.contains("final classifiers of metanml seed 0 and vice seed 1 give the states of one episode of the task's "
                                  + "scripted expert"), "\(markdown)")
        #expect(markdown.contains("meta-NML is rewarded with the probability, VICE with the log-odds"))
        #expect(markdown.contains("](pictures/door-v1/reward-path.png)"))
    }
}
