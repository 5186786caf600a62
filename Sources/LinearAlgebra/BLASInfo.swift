import CLinearAlgebra

/// Facts about the BLAS library in use, for benchmark logs.
public enum BLASInfo {
    /// The OpenBLAS kernel family chosen at run time (for example `Haswell`), from
    /// `openblas_get_corename()`. Respects `OPENBLAS_CORETYPE`.
    public static var coreName: String {
        guard let name = openblas_get_corename() else { return "unknown" }
        return String(cString: name)
    }

    /// The number of threads OpenBLAS will use (`OPENBLAS_NUM_THREADS`).
    public static var threadCount: Int { Int(openblas_get_num_threads()) }

    /// The OpenBLAS build configuration string.
    public static var configuration: String {
        guard let config = openblas_get_config() else { return "unknown" }
        return String(cString: config)
    }
}
