import Foundation

/// Time on the two clocks every benchmark reads: the monotonic wall clock, and the CPU time of
/// the calling thread, which leaves out the periods when other processes hold the core, so that
/// figures from a shared machine stay close to those of a quiet one. In seconds.
public struct Elapsed: Sendable, Equatable {
    public var wall: Double
    public var cpu: Double

    public static let zero = Elapsed(wall: 0, cpu: 0)
    /// The identity of `best`.
    public static let infinity = Elapsed(wall: .infinity, cpu: .infinity)

    public init(wall: Double, cpu: Double) {
        self.wall = wall
        self.cpu = cpu
    }

    /// Both clocks now, from their arbitrary origins: subtract two readings.
    public static func now() -> Elapsed {
        func seconds(_ clock: clockid_t) -> Double {
            var time = timespec()
            clock_gettime(clock, &time)
            return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
        }
        return Elapsed(wall: seconds(CLOCK_MONOTONIC), cpu: seconds(CLOCK_THREAD_CPUTIME_ID))
    }

    /// The time `body` takes, and its result.
    public static func measure<T>(_ body: () throws -> T) rethrows -> (result: T, elapsed: Elapsed) {
        let start = now()
        let result = try body()
        return (result, now() - start)
    }

    /// Per-call time of `body` called `calls` times.
    public static func perCall(calls: Int, _ body: () throws -> Void) rethrows -> Elapsed {
        try measure { for _ in 0..<calls { try body() } }.elapsed / Double(calls)
    }

    /// Per-call time of `body`, called until at least `minimumSeconds` of wall time have passed.
    public static func perCall(minimumSeconds: Double, _ body: () throws -> Void) rethrows -> Elapsed {
        let start = now()
        var calls = 0, elapsed = Elapsed.zero
        repeat {
            try body()
            calls += 1
            elapsed = now() - start
        } while elapsed.wall < minimumSeconds
        return elapsed / Double(calls)
    }

    /// The shorter of each clock's times: the best of repeated trials.
    public func best(_ other: Elapsed) -> Elapsed { Elapsed(wall: min(wall, other.wall), cpu: min(cpu, other.cpu)) }

    public static func + (a: Elapsed, b: Elapsed) -> Elapsed { Elapsed(wall: a.wall + b.wall, cpu: a.cpu + b.cpu) }
    public static func - (a: Elapsed, b: Elapsed) -> Elapsed { Elapsed(wall: a.wall - b.wall, cpu: a.cpu - b.cpu) }
    public static func / (a: Elapsed, n: Double) -> Elapsed { Elapsed(wall: a.wall / n, cpu: a.cpu / n) }
}

/// Accumulates the time of selected sections, for work interleaved with untimed work.
public struct Stopwatch: Sendable {
    public private(set) var elapsed = Elapsed.zero

    public init() {}

    /// Runs `body`, adding its time when `counted`.
    public mutating func time<T>(_ counted: Bool = true, _ body: () throws -> T) rethrows -> T {
        let (result, time) = try Elapsed.measure(body)
        if counted { elapsed = elapsed + time }
        return result
    }
}
