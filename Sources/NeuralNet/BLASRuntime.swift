import COpenBLAS

/// The OpenBLAS runtime: which kernel it picked and how many threads it uses.
///
/// RL-sized layers run fastest on one thread, and the kernel choice changes both speed (2× between
/// Haswell and AVX-512 kernels) and the bits of every result, so training runs pin both (ode-swift.md §7).
public enum BLASRuntime {
    /// The kernel family OpenBLAS selected, e.g. "Cooperlake" or "Haswell" (`OPENBLAS_CORETYPE` overrides it).
    public static var coreName: String { String(cString: openblas_get_corename()) }

    /// The build configuration string of the OpenBLAS library.
    public static var configuration: String { String(cString: openblas_get_config()) }

    public static var threadCount: Int { Int(openblas_get_num_threads()) }

    public static func setThreadCount(_ count: Int) {
        precondition(count >= 1, "OpenBLAS needs at least one thread")
        openblas_set_num_threads(Int32(count))
    }
}
