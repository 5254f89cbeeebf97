import CODE
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
        return ok
    }()

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
