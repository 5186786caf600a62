import Synchronization

/// One BLAS or LAPACK call at a time in the process.
///
/// OpenBLAS 0.3.21 (Debian 12's) races in its buffer allocator when several threads call level-2
/// and level-3 routines at once ("BLAS : Bad memory unallocation!", then corrupted memory; seen
/// here when the per-output fits of `MultiOutputGP` ran on `concurrentPerform` threads). Every
/// such call in this module holds this lock; level-1 routines, which allocate nothing, do not.
/// Parallel work still gets the machine's cores through OpenBLAS's own threads
/// (`OPENBLAS_NUM_THREADS`), and Swift code between the calls still runs in parallel.
private let blasLock = Mutex(())

/// Runs `body` (one BLAS or LAPACK call) holding the process-wide BLAS lock.
@inline(__always)
func withBLASLock<T>(_ body: () -> T) -> T {
    blasLock.withLock { _ in body() }
}
