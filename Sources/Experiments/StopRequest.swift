import Glibc
import Synchronization

/// SIGTERM, SIGINT and SIGHUP turned into a request to stop, which long work polls at safe points.
///
/// A scheduler's preemption (SIGTERM), Ctrl-C (SIGINT) and a closed terminal (SIGHUP) then end a
/// training run where its state can be saved, and a comparison after its cells have stopped,
/// instead of wherever the signal lands. The handler only records the signal (atomic stores are
/// async-signal-safe); `TrainingLoop.run` and `ProcessPool.run` poll it. Until `catchSignals()` is
/// called nothing is caught and no stop is ever requested.
public enum StopRequest {
    public static let signals: [Int32] = [SIGTERM, SIGINT, SIGHUP]

    private static let first = Atomic<Int32>(0)
    private static let count = Atomic<Int>(0)

    /// Catches `signals` for the rest of the process, and unblocks them on the calling thread: a
    /// process can inherit them blocked (a test runner's worker thread, for one), and a blocked
    /// SIGTERM would never arrive. Interrupted system calls restart.
    public static func catchSignals() {
        var set = sigset_t()
        sigemptyset(&set)
        for number in signals {
            sigaddset(&set, number)
            // glibc's signal() keeps the handler installed and sets SA_RESTART.
            _ = Glibc.signal(number) { received in
                _ = StopRequest.first.compareExchange(expected: 0, desired: received, ordering: .relaxed)
                StopRequest.count.add(1, ordering: .relaxed)
            }
        }
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }

    /// The first signal caught, or nil while none was.
    public static var signal: Int32? {
        let number = first.load(ordering: .relaxed)
        return number == 0 ? nil : number
    }

    /// How many signals were caught: a second one asks for a faster stop.
    public static var signalCount: Int { count.load(ordering: .relaxed) }

    /// "SIGTERM", "SIGINT", "SIGHUP", or "signal N".
    public static func name(_ number: Int32) -> String {
        switch number {
        case SIGTERM: "SIGTERM"
        case SIGINT: "SIGINT"
        case SIGHUP: "SIGHUP"
        case SIGKILL: "SIGKILL"
        default: "signal \(number)"
        }
    }
}

/// Work that stopped early because a signal asked it to (see `StopRequest`).
public struct Interruption: Error, Equatable, CustomStringConvertible {
    public var signal: Int32
    /// What was stopped and how to continue, in words.
    public var details: String

    public init(signal: Int32, details: String) {
        self.signal = signal
        self.details = details
    }

    /// The exit status a command reports for it: 128 + the signal's number, as a shell would.
    public var exitStatus: Int32 { 128 + signal }

    public var description: String { "interrupted by \(StopRequest.name(signal)): \(details)" }
}
