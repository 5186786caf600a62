import CLinearAlgebra
import Memberwise

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How much diagonal jitter a Cholesky factorisation may add before it gives up.
///
/// A covariance matrix that is positive definite in exact arithmetic can fail `dpotrf` in floating
/// point (duplicated inputs, tiny noise). The factorisation is tried first as given, then with
/// `jitter = initialRelative * mean(diag)` added to the diagonal, growing by `growth` each try, up
/// to `maximumRelative * mean(diag)`; past that it throws ``LinearAlgebraError/Code/notPositiveDefinite``.
@MemberwiseInit
public struct JitterPolicy: Sendable, Equatable {
    /// First jitter tried, relative to the mean of the diagonal.
    public var initialRelative: Double = 1e-10
    /// Factor between successive jitters.
    public var growth: Double = 10
    /// Largest jitter allowed, relative to the mean of the diagonal.
    public var maximumRelative: Double = 1e-3

    /// The default policy: 1e-10 up to 1e-3 of the mean diagonal, by factors of 10.
    public static let `default` = JitterPolicy()
    /// No jitter at all: fail on the first non-positive pivot.
    public static let none = JitterPolicy(initialRelative: 1, growth: 10, maximumRelative: 0)
}

/// The lower Cholesky factor `L` of a symmetric positive-definite matrix `A + jitter * I = L Lᵀ`.
///
/// Factorisation is LAPACK `dpotrf` (column-major, lower); solves are `dpotrs` and `dtrsm`.
/// Storage is an `n x n` column-major ``Matrix`` whose strict upper triangle is zero.
public struct CholeskyFactor: Sendable {
    /// The factor `L` (lower triangular, upper triangle zero).
    public private(set) var lower: Matrix
    /// The largest diagonal jitter that had to be added for the factorisation to succeed (0 when none).
    public private(set) var jitter: Double

    /// Order of the factored matrix.
    public var dimension: Int { lower.rows }

    /// Factors the symmetric matrix `a`, reading only its lower triangle.
    ///
    /// - Parameters:
    ///   - a: an `n x n` symmetric matrix (column-major; the upper triangle is ignored).
    ///   - policy: how much jitter may be added if `dpotrf` fails.
    /// - Throws: ``LinearAlgebraError`` with code `nonFiniteInput` if `a` holds NaN or infinity,
    ///   `notPositiveDefinite` if even the largest jitter does not make the factorisation succeed.
    /// - Complexity: `n³/3` flops per attempt.
    public init(factoring a: Matrix, policy: JitterPolicy = .default) throws(LinearAlgebraError) {
        guard a.rows == a.columns else {
            throw LinearAlgebraError(
                code: .dimensionMismatch,
                message: "Cholesky needs a square matrix, got \(a.rows)x\(a.columns)"
            )
        }
        let (factor, jitter) = try Self.factorLower(a, policy: policy)
        self.lower = factor
        self.jitter = jitter
    }

    init(lower: Matrix, jitter: Double) {
        self.lower = lower
        self.jitter = jitter
    }

    /// Factors `a` with jitter escalation; returns the factor with a zeroed upper triangle.
    static func factorLower(_ a: Matrix, policy: JitterPolicy) throws(LinearAlgebraError) -> (Matrix, Double) {
        var work = Matrix(rows: a.rows, columns: a.columns)
        let jitter = try factorLower(a, into: &work, policy: policy)
        return (work, jitter)
    }

    /// Factors `a` into `work` (same shape, overwritten) with jitter escalation; returns the jitter.
    static func factorLower(
        _ a: Matrix,
        into work: inout Matrix,
        policy: JitterPolicy
    ) throws(LinearAlgebraError) -> Double {
        let n = a.rows
        if n == 0 { return 0 }
        var meanDiagonal = 0.0
        var firstBad: (Int, Int)? = nil
        a.elements.withUnsafeBufferPointer { p in
            for j in 0..<n {
                meanDiagonal += abs(p[j * (n + 1)])
                for i in j..<n where !p[i + j * n].isFinite {
                    firstBad = (i, j)
                    return
                }
            }
        }
        if let (i, j) = firstBad {
            throw LinearAlgebraError(
                code: .nonFiniteInput,
                message: "Matrix element (\(i), \(j)) is \(a[i, j]); Cholesky needs finite values"
            )
        }
        meanDiagonal /= Double(n)
        if meanDiagonal == 0 { meanDiagonal = 1 }

        var jitter = 0.0
        var lastInfo: Int32 = 0
        while true {
            let info = work.elements.withUnsafeMutableBufferPointer { p in
                a.elements.withUnsafeBufferPointer { source in
                    // Copy the lower triangle (column segments), zero the strict upper one.
                    for j in 0..<n {
                        let column = p.baseAddress! + j * n
                        column.initialize(repeating: 0, count: j)
                        (column + j).update(from: source.baseAddress! + j * n + j, count: n - j)
                        column[j] += jitter
                    }
                }
                return withBLASLock {
                    LAPACKE_dpotrf_work(
                        LAPACK_COL_MAJOR,
                        CChar(UInt8(ascii: "L")),
                        Int32(n),
                        p.baseAddress,
                        Int32(n)
                    )
                }
            }
            if info == 0 { return jitter }
            lastInfo = info
            let next = jitter == 0 ? policy.initialRelative * meanDiagonal : jitter * policy.growth
            if next > policy.maximumRelative * meanDiagonal * (1 + 1e-12) || next <= jitter {
                break
            }
            jitter = next
        }
        throw LinearAlgebraError(
            code: .notPositiveDefinite,
            message: "Matrix of order \(n) is not positive definite (dpotrf failed at pivot \(lastInfo)) "
                + "even with diagonal jitter up to \(policy.maximumRelative) times the mean diagonal",
            lapackInfo: lastInfo
        )
    }

    /// Refactors for a new matrix of the same order, reusing this factor's storage.
    ///
    /// For loops that factor many matrices of one size (hyperparameter fitting): no allocation.
    /// - Throws: as ``init(factoring:policy:)``; the factor is then unusable.
    public mutating func refactor(_ a: Matrix, policy: JitterPolicy = .default) throws(LinearAlgebraError) {
        guard a.rows == a.columns else {
            throw LinearAlgebraError(
                code: .dimensionMismatch,
                message: "Cholesky needs a square matrix, got \(a.rows)x\(a.columns)"
            )
        }
        if lower.rows != a.rows { lower = Matrix(rows: a.rows, columns: a.rows) }
        jitter = try Self.factorLower(a, into: &lower, policy: policy)
    }

    /// Solves `A X = B` (`dpotrs`).
    ///
    /// - Parameter b: `n x k`.
    /// - Returns: `X`, `n x k`.
    /// - Complexity: `2 n² k` flops.
    public func solve(_ b: Matrix) -> Matrix {
        precondition(b.rows == dimension, "solve: right-hand side has \(b.rows) rows, expected \(dimension)")
        var x = b
        if dimension == 0 || b.columns == 0 { return x }
        lower.elements.withUnsafeBufferPointer { pl in
            x.elements.withUnsafeMutableBufferPointer { px in
                _ = withBLASLock {
                    LAPACKE_dpotrs_work(
                        LAPACK_COL_MAJOR,
                        CChar(UInt8(ascii: "L")),
                        Int32(dimension),
                        Int32(b.columns),
                        pl.baseAddress,
                        Int32(dimension),
                        px.baseAddress,
                        Int32(dimension)
                    )
                }
            }
        }
        return x
    }

    /// Solves `A x = b` for one right-hand side.
    public func solve(_ b: [Double]) -> [Double] {
        solve(Matrix(rows: b.count, columns: 1, columnMajor: b)).elements
    }

    /// Computes `L⁻¹ B` (`dtrsm`, lower, no transpose), in place on `b`.
    ///
    /// - Complexity: `n² k` flops.
    public func solveLower(_ b: inout Matrix) {
        precondition(b.rows == dimension, "solveLower: right-hand side has \(b.rows) rows, expected \(dimension)")
        if dimension == 0 || b.columns == 0 { return }
        lower.elements.withUnsafeBufferPointer { pl in
            b.elements.withUnsafeMutableBufferPointer { pb in
                withBLASLock {
                    cblas_dtrsm(
                        CblasColMajor,
                        CblasLeft,
                        CblasLower,
                        CblasNoTrans,
                        CblasNonUnit,
                        Int32(dimension),
                        Int32(b.columns),
                        1.0,
                        pl.baseAddress,
                        Int32(dimension),
                        pb.baseAddress,
                        Int32(dimension)
                    )
                }
            }
        }
    }

    /// Computes `L⁻¹ B` into a new matrix.
    public func solvingLower(_ b: Matrix) -> Matrix {
        var x = b
        solveLower(&x)
        return x
    }

    /// `log det(A + jitter I) = 2 Σ log L_ii`.
    public var logDeterminant: Double {
        var sum = 0.0
        let n = dimension
        lower.elements.withUnsafeBufferPointer { p in
            for i in 0..<n { sum += log(p[i * (n + 1)]) }
        }
        return 2 * sum
    }

    /// The inverse `(A + jitter I)⁻¹` (`dpotri`).
    ///
    /// - Parameter fillingUpper: copy the lower triangle into the upper one (default); pass false
    ///   when only the lower triangle will be read.
    /// - Complexity: `2 n³/3` flops.
    public func inverse(fillingUpper: Bool = true) -> Matrix {
        var inv = Matrix(rows: dimension, columns: dimension)
        inverse(into: &inv, fillingUpper: fillingUpper)
        return inv
    }

    /// Writes the inverse into `result` (`n x n`, overwritten), reusing its storage.
    public func inverse(into result: inout Matrix, fillingUpper: Bool = true) {
        let n = dimension
        precondition(result.rows == n && result.columns == n, "inverse: result must be \(n)x\(n)")
        if n == 0 { return }
        result.elements.withUnsafeMutableBufferPointer { p in
            lower.elements.withUnsafeBufferPointer { l in
                p.baseAddress!.update(from: l.baseAddress!, count: n * n)
            }
            _ = withBLASLock {
                LAPACKE_dpotri_work(LAPACK_COL_MAJOR, CChar(UInt8(ascii: "L")), Int32(n), p.baseAddress, Int32(n))
            }
        }
        if fillingUpper { result.symmetrizeFromLower() }
    }

    /// The factor of the bordered matrix `[[A, C], [Cᵀ, B]]`, computed from this factor in
    /// `O(n² k + k³)` instead of refactorising in `O((n + k)³)`.
    ///
    /// - Parameters:
    ///   - cross: `C`, `n x k`, the covariance between the old and the new rows.
    ///   - block: `B`, `k x k`, the new diagonal block (lower triangle read).
    ///   - policy: jitter allowed on the Schur complement `B - Cᵀ A⁻¹ C`.
    /// - Throws: ``LinearAlgebraError`` if the Schur complement is not positive definite.
    public func appending(
        cross: Matrix,
        block: Matrix,
        policy: JitterPolicy = .default
    ) throws(LinearAlgebraError) -> CholeskyFactor {
        let n = dimension
        let k = block.rows
        guard cross.rows == n, cross.columns == k, block.columns == k else {
            throw LinearAlgebraError(
                code: .dimensionMismatch,
                message: "appending: cross is \(cross.rows)x\(cross.columns) and block \(block.rows)x\(block.columns) "
                    + "for a factor of order \(n)"
            )
        }
        if k == 0 { return self }
        // L21ᵀ = L⁻¹ C  (n x k)
        let l21t = solvingLower(cross)
        // S = B - L21 L21ᵀ
        var schur = block
        l21t.elements.withUnsafeBufferPointer { pv in
            schur.elements.withUnsafeMutableBufferPointer { ps in
                withBLASLock {
                    cblas_dsyrk(
                        CblasColMajor,
                        CblasLower,
                        CblasTrans,
                        Int32(k),
                        Int32(n),
                        -1.0,
                        pv.baseAddress,
                        Int32(Swift.max(1, n)),
                        1.0,
                        ps.baseAddress,
                        Int32(k)
                    )
                }
            }
        }
        let (l22, newJitter) = try Self.factorLower(schur, policy: policy)
        let m = n + k
        var result = Matrix(rows: m, columns: m)
        result.elements.withUnsafeMutableBufferPointer { r in
            lower.elements.withUnsafeBufferPointer { l in
                for j in 0..<n {
                    for i in j..<n { r[i + j * m] = l[i + j * n] }
                }
            }
            l21t.elements.withUnsafeBufferPointer { v in
                for j in 0..<n {
                    for i in 0..<k { r[(n + i) + j * m] = v[j + i * n] }
                }
            }
            l22.elements.withUnsafeBufferPointer { l in
                for j in 0..<k {
                    for i in j..<k { r[(n + i) + (n + j) * m] = l[i + j * k] }
                }
            }
        }
        return CholeskyFactor(lower: result, jitter: Swift.max(jitter, newJitter))
    }
}
