import Foundation

/// Runs jobs as child processes, at most `width` at a time.
///
/// Processes, not threads, are Mural's unit of parallelism: ODE's solver RNG is process-wide,
/// and a process per job is also what a cluster scheduler runs. Each job's standard output and
/// error go to its own log file.
///
/// When the process is asked to stop (`StopRequest`), the pool starts no more jobs, sends SIGTERM
/// to those running (a `mural train` checkpoints and exits), waits for every one of them, and
/// throws `Interruption`; a second signal sends SIGKILL instead. No child outlives `run`.
public struct ProcessPool {
    public struct Job: Sendable {
        public var executable: String
        public var arguments: [String]
        public var log: URL
        /// How messages name the job; its log path when nil.
        public var name: String?

        public init(executable: String, arguments: [String], log: URL, name: String? = nil) {
            self.executable = executable
            self.arguments = arguments
            self.log = log
            self.name = name
        }
    }

    public struct Outcome: Sendable {
        /// The job's index in the list passed to `run`.
        public var index: Int
        /// Exit status, or 128 + signal number when a signal ended the process.
        public var status: Int32
        public var wallSeconds: Double
        public var succeeded: Bool { status == 0 }
    }

    public let width: Int

    public init(width: Int) throws {
        guard width >= 1 else { throw ExperimentError.invalidValue("the number of parallel jobs must be ≥ 1, got \(width)") }
        self.width = width
    }

    /// Runs every job; `onFinish` is called as each one ends (in completion order), and `onWait`
    /// with the running jobs' indices whenever the pool polls them (every 10 ms). Returns the
    /// outcomes in job order. A job that cannot be started is reported with status 127. Throws
    /// `Interruption`, once every child has ended, when `stop` reports a signal (by default, one the
    /// process caught; see `StopRequest`).
    public func run(_ jobs: [Job], stop: () -> Int32? = { StopRequest.signal }, onStart: (Int) -> Void = { _ in },
                    onFinish: (Outcome) -> Void = { _ in }, onWait: ([Int]) -> Void = { _ in }) throws -> [Outcome] {
        var outcomes: [Outcome?] = Array(repeating: nil, count: jobs.count)
        var running: [pid_t: (index: Int, start: ContinuousClock.Instant)] = [:]
        var next = 0
        var stopSignal: Int32?
        var signalled: [pid_t: Int32] = [:]
        var interrupted: [Int] = []
        while (next < jobs.count && stopSignal == nil) || !running.isEmpty {
            if let signal = stop() {
                stopSignal = stopSignal ?? signal
                // SIGTERM lets a cell checkpoint; a second signal to this process means "now".
                let forwarded = StopRequest.signalCount > 1 ? SIGKILL : SIGTERM
                for pid in running.keys where signalled[pid] != forwarded {
                    kill(pid, forwarded)
                    signalled[pid] = forwarded
                }
            }
            while stopSignal == nil, running.count < width, next < jobs.count {
                let index = next
                next += 1
                onStart(index)
                let start = ContinuousClock.now
                switch spawn(jobs[index]) {
                case .success(let pid):
                    running[pid] = (index, start)
                case .failure(let code):
                    let message = "mural: could not start \(jobs[index].executable): \(String(cString: strerror(code)))\n"
                    try? Data(message.utf8).write(to: jobs[index].log)
                    let outcome = Outcome(index: index, status: 127, wallSeconds: 0)
                    outcomes[index] = outcome
                    onFinish(outcome)
                }
            }
            guard !running.isEmpty else { continue }
            // Wait for our own children only (never waitpid(-1)): other code in this process may
            // own child processes too. Jobs run for seconds to hours, so polling is cheap.
            var finished: [(pid_t, Int32)] = []
            for pid in running.keys.sorted() {
                var status: Int32 = 0
                if waitpid(pid, &status, WNOHANG) == pid { finished.append((pid, status)) }
            }
            if finished.isEmpty {
                onWait(running.values.map(\.index).sorted())
                usleep(10_000)
                continue
            }
            for (pid, status) in finished {
                let (index, start) = running.removeValue(forKey: pid)!
                // A job that ended by the stop is reported with the interruption, not as failed.
                if signalled[pid] != nil, ProcessPool.exitStatus(status) != 0 {
                    interrupted.append(index)
                    continue
                }
                let elapsed = ContinuousClock.now - start
                let outcome = Outcome(
                    index: index, status: ProcessPool.exitStatus(status),
                    wallSeconds: elapsed.inSeconds)
                outcomes[index] = outcome
                onFinish(outcome)
            }
        }
        if let stopSignal {
            func names(_ indices: some Sequence<Int>) -> String {
                indices.sorted().map { jobs[$0].name ?? jobs[$0].log.path }.joined(separator: ", ")
            }
            var details = ["stopped \(interrupted.count) running job(s)" + (interrupted.isEmpty ? "" : ": \(names(interrupted))")]
            if next < jobs.count { details.append("\(jobs.count - next) not started: \(names(next..<jobs.count))") }
            throw Interruption(signal: stopSignal, details: details.joined(separator: "; "))
        }
        return outcomes.map { $0! }
    }

    private enum SpawnResult { case success(pid_t), failure(Int32) }

    private func spawn(_ job: Job) -> SpawnResult {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, job.log.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)

        // Children start with no signal blocked and the stop signals at their defaults, whatever
        // this process inherited (a blocked or ignored SIGTERM would make a cell unstoppable).
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t(), stops = sigset_t()
        sigemptyset(&none)
        sigemptyset(&stops)
        for number in StopRequest.signals { sigaddset(&stops, number) }
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &stops)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = ([job.executable] + job.arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        var code = posix_spawn(&pid, job.executable, &actions, &attributes, argv, environ)
        // A just-written executable is "busy" while a child forked by another thread still holds
        // its descriptor, until that child execs: a matter of milliseconds, so wait and try again.
        for _ in 0..<20 where code == ETXTBSY {
            usleep(10_000)
            code = posix_spawn(&pid, job.executable, &actions, &attributes, argv, environ)
        }
        return code == 0 ? .success(pid) : .failure(code)
    }

    static func exitStatus(_ status: Int32) -> Int32 {
        // WIFEXITED / WEXITSTATUS / WTERMSIG are macros Swift cannot import.
        let signal = status & 0x7F
        return signal == 0 ? (status >> 8) & 0xFF : 128 + signal
    }
}
