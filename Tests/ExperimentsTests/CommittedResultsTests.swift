import Foundation
import TestSupport
import Testing

/// The results shipped in `results/`: each directory's `evaluations.csv` must recompute to the
/// numbers its committed report shows.
@Suite("Committed results", .tags(.slow), .skippedInFastTier)
struct CommittedResultsTests {
    static let resultsDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("results")

    /// Every directory under results/ that holds a report's evaluations.
    static var reports: [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: resultsDirectory.path)) ?? []
        return names.sorted().map { resultsDirectory.appendingPathComponent($0) }
            .filter { FileManager.default.fileExists(atPath: $0.appendingPathComponent("evaluations.csv").path) }
    }

    /// The report's table rows up to its Cells section (which says how the cells ran, not what they scored).
    func tableRows(_ report: String) -> [Substring] {
        let scored = report.components(separatedBy: "\n## Cells\n")[0]
        return scored.split(separator: "\n").filter { $0.hasPrefix("| ") }
    }

    @Test("results/ holds reports to check")
    func resultsExist() {
        #expect(!Self.reports.isEmpty, "no results/*/evaluations.csv under \(Self.resultsDirectory.path)")
    }

    /// The README's quotes of result files: each `<!-- quote: PATH -->` … `<!-- end quote -->` block.
    static var readmeQuotes: [(path: String, text: String)] {
        let readme = text(resultsDirectory.deletingLastPathComponent().appendingPathComponent("README.md"))
        return readme.components(separatedBy: "<!-- quote: ").dropFirst().compactMap { block in
            guard let pathEnd = block.range(of: " -->\n"), let end = block.range(of: "<!-- end quote -->") else { return nil }
            return (String(block[..<pathEnd.lowerBound]), String(block[pathEnd.upperBound..<end.lowerBound]))
        }
    }

    @Test("the README quotes the suite's headline, and quotes every result file it quotes unchanged")
    func readmeQuotesResults() {
        let quotes = Self.readmeQuotes
        #expect(quotes.contains { $0.path == "results/suite/headline.md" }, "README.md has no <!-- quote: results/suite/headline.md --> block")
        for quote in quotes {
            let file = Self.resultsDirectory.deletingLastPathComponent().appendingPathComponent(quote.path)
            #expect(quote.text == text(file), "README.md's quote of \(quote.path) differs from the file; run scripts/quote-results")
        }
    }

    @Test("each committed report's CSV files and tables are what its evaluations.csv recomputes to", arguments: reports)
    func recompute(_ committed: URL) throws {
        let recomputed = try temporaryDirectory().appendingPathComponent("report")
        let log = recomputed.deletingLastPathComponent().appendingPathComponent("report.log")
        // Results of tasks since re-versioned carry the task files they ran on.
        let tasks = committed.appendingPathComponent("tasks")
        let environment = FileManager.default.fileExists(atPath: tasks.path) ? ["MURAL_TASKS_DIR": tasks.path] : [:]
        let status = try mural(["report", recomputed.path, "--from-csv", committed.appendingPathComponent("evaluations.csv").path],
                               log: log, environment: environment).waitForExit()
        try #require(status == 0, "mural report failed: \(text(log))")
        for file in ["summary.csv", "aggregates.csv", "profiles.csv", "iqm-curves.csv", "headline.md"] {
            #expect(text(recomputed.appendingPathComponent(file)) == text(committed.appendingPathComponent(file)),
                    "\(committed.lastPathComponent)/\(file) differs from what its evaluations recompute to")
        }
        let rows = tableRows(text(committed.appendingPathComponent("report.md")))
        #expect(!rows.isEmpty, "\(committed.lastPathComponent)/report.md has no tables")
        #expect(rows == tableRows(text(recomputed.appendingPathComponent("report.md"))),
                "\(committed.lastPathComponent)/report.md's tables differ from what its evaluations recompute to")
    }
}
