import ArgumentParser
import Benchmarks
import Foundation

struct BenchThreadsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "threads",
        abstract: "Time a paper-size meta-NML epoch at several OpenBLAS thread counts (mural train --threads).",
        discussion: """
            An epoch is a meta-epoch (16 Adam steps, counted as 16 times one timed step) and 1000 \
            batched reward queries. Each count runs the same seeded model twice: the first is timed, \
            and both must give the same rewards.
            """)

    @Option(help: "Comma-separated OpenBLAS thread counts; the first is the baseline of the speed-ups.") var counts = "1,2"
    @Option(help: "Hidden width H of the meta-NML classifier.") var hidden = 2048
    @Option(help: "Reward queries per epoch.") var queries = 1000
    @Flag(help: "Print JSON instead of a table.") var json = false

    func run() throws {
        var benchmark = MetaNMLThreadsBenchmark()
        benchmark.threadCounts = try parseSizes(counts, option: "--counts")
        (benchmark.hidden, benchmark.queries) = (hidden, queries)
        let report = try benchmark.run { FileHandle.standardError.write(Data("[bench threads] \($0)\n".utf8)) }
        if json { return try printJSON(report) }
        print(report.machine.summary)
        printTable(["threads", "meta-epoch s", "queries s", "epoch s", "speed-up", "repeats"], report.measurements.map { m in
            [String(m.threads), String(format: "%.2f", m.metaEpochSeconds), String(format: "%.2f", m.querySeconds),
             String(format: "%.2f", m.epochSeconds), String(format: "%.2f×", m.speedup), m.repeatsBitForBit ? "bit for bit" : "NO"]
        })
    }
}
