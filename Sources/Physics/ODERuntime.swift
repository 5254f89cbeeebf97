import CODE
import Glibc
import Synchronization

/// The process-wide ODE library state that every world shares.
///
/// ODE must be initialised exactly once, and its QuickStep solver draws from one
/// process-global random number generator (`dRandInt`). Mural gives every world its own
/// solver-RNG state and swaps it in under `solverLock` for the duration of a step, so a
/// world's trajectory depends only on its own seed, even when other worlds step on other
/// threads. Threads still serialise on the solver; processes are the unit of parallelism.
enum ODERuntime {
    /// Initialises ODE on first use. A `static let` initialiser runs once and is thread-safe.
    static let initialised: Bool = {
        let ok = dInitODE2(0) != 0
        precondition(ok, "dInitODE2 failed: ODE could not be initialised")
        // ODE's errors and internal assertions end the process after the handler returns, so
        // the handlers can only make the last words clear. Warnings are rate-limited.
        dSetErrorHandler { number, format, arguments in
            ODERuntime.report("error (the process will exit)", number, format, arguments)
        }
        dSetDebugHandler { number, format, arguments in
            ODERuntime.report("internal assertion (the process will abort)", number, format, arguments)
        }
        dSetMessageHandler { number, format, arguments in
            guard ODERuntime.warnings.add(1, ordering: .relaxed).newValue <= ODERuntime.warningLimit else { return }
            ODERuntime.report("warning", number, format, arguments)
        }
        return ok
    }()

    static let warnings = Atomic<Int>(0)
    static let warningLimit = 20

    private static func report(_ kind: String, _ number: Int32, _ format: UnsafePointer<CChar>?, _ arguments: CVaListPointer?) {
        var buffer = [CChar](repeating: 0, count: 1024)
        if let format, let arguments { _ = vsnprintf(&buffer, buffer.count, format, arguments) }
        let message = buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        var line = "mural: ODE \(kind) \(number): \(message)\n"
        if kind == "warning", warnings.load(ordering: .relaxed) == warningLimit {
            line += "mural: further ODE warnings are not shown\n"
        }
        _ = line.withCString { write(2, $0, strlen($0)) }
    }

    /// Serialises the solver-RNG swap and the solver step across threads.
    static let solverLock = Mutex<Void>(())

    /// Prepares ODE for use on the calling thread.
    static func prepareCurrentThread() {
        _ = initialised
        // Without ODE_EXT_mt_collisions (Debian's build) this allocates nothing, but it is
        // the documented contract for any thread that calls into ODE.
        _ = dAllocateODEDataForThread(UInt32(truncatingIfNeeded: dAllocateMaskAll.rawValue))
    }

    /// Runs `body` with ODE's global solver RNG set to `seed`, and returns the RNG state after it.
    static func withSolverRNG(seed: UInt, _ body: () -> Void) -> UInt {
        solverLock.withLock { _ in
            dRandSetSeed(seed)
            body()
            return dRandGetSeed()
        }
    }
}

/// Facts about the ODE library Mural is linked against.
public enum ODEInfo {
    /// The version string compiled into the ODE headers, e.g. "0.16.2".
    public static var version: String { dODE_VERSION }

    /// ODE's feature string, e.g. "ODE ODE_EXT_trimesh ... ODE_double_precision".
    public static var configuration: String {
        _ = ODERuntime.initialised
        return String(cString: dGetConfiguration())
    }

    /// Whether ODE was built with double precision (`dReal == Double`), which Mural requires.
    public static var isDoublePrecision: Bool {
        MemoryLayout<dReal>.size == 8 && configuration.contains("ODE_double_precision")
    }
}
