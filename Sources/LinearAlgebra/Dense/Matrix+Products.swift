import CLinearAlgebra

/// Whether an operand of a product is used as stored or transposed.
public enum Transpose: Sendable {
    /// Use the matrix as stored.
    case none
    /// Use the transpose of the matrix.
    case transpose

    var cblas: CBLAS_TRANSPOSE { self == .none ? CblasNoTrans : CblasTrans }
}

extension Matrix {
    /// Computes `c = alpha * op(a) * op(b) + beta * c` with BLAS `dgemm`.
    ///
    /// - Parameters:
    ///   - a: `m x k` after `transposeA` is applied.
    ///   - b: `k x n` after `transposeB` is applied.
    ///   - c: `m x n`, overwritten.
    /// - Complexity: `2 m n k` flops.
    public static func gemm(
        _ a: Matrix,
        _ transposeA: Transpose = .none,
        _ b: Matrix,
        _ transposeB: Transpose = .none,
        alpha: Double = 1,
        beta: Double = 0,
        into c: inout Matrix
    ) {
        let m = transposeA == .none ? a.rows : a.columns
        let k = transposeA == .none ? a.columns : a.rows
        let kb = transposeB == .none ? b.rows : b.columns
        let n = transposeB == .none ? b.columns : b.rows
        precondition(k == kb, "gemm: inner dimensions \(k) and \(kb) differ")
        precondition(c.rows == m && c.columns == n, "gemm: result is \(c.rows)x\(c.columns), expected \(m)x\(n)")
        if m == 0 || n == 0 { return }
        if k == 0 {
            for i in c.elements.indices { c.elements[i] *= beta }
            return
        }
        a.elements.withUnsafeBufferPointer { pa in
            b.elements.withUnsafeBufferPointer { pb in
                c.elements.withUnsafeMutableBufferPointer { pc in
                    withBLASLock {
                        cblas_dgemm(
                            CblasColMajor,
                            transposeA.cblas,
                            transposeB.cblas,
                            Int32(m),
                            Int32(n),
                            Int32(k),
                            alpha,
                            pa.baseAddress,
                            Int32(Swift.max(1, a.rows)),
                            pb.baseAddress,
                            Int32(Swift.max(1, b.rows)),
                            beta,
                            pc.baseAddress,
                            Int32(Swift.max(1, c.rows))
                        )
                    }
                }
            }
        }
    }

    /// The product `op(self) * op(other)`, by BLAS `dgemm`.
    public func multiplied(
        by other: Matrix,
        transposingSelf: Bool = false,
        transposingOther: Bool = false
    ) -> Matrix {
        let m = transposingSelf ? columns : rows
        let n = transposingOther ? other.rows : other.columns
        var result = Matrix(rows: m, columns: n)
        Matrix.gemm(
            self,
            transposingSelf ? .transpose : .none,
            other,
            transposingOther ? .transpose : .none,
            into: &result
        )
        return result
    }

    /// The matrix-vector product `op(self) * x`, by BLAS `dgemv`.
    ///
    /// - Complexity: `2 rows columns` flops.
    public func multiplied(byVector x: [Double], transposingSelf: Bool = false) -> [Double] {
        let outCount = transposingSelf ? columns : rows
        let inCount = transposingSelf ? rows : columns
        precondition(x.count == inCount, "gemv: vector has \(x.count) elements, expected \(inCount)")
        var y = [Double](repeating: 0, count: outCount)
        if outCount == 0 || inCount == 0 { return y }
        elements.withUnsafeBufferPointer { pa in
            x.withUnsafeBufferPointer { px in
                y.withUnsafeMutableBufferPointer { py in
                    withBLASLock {
                        cblas_dgemv(
                            CblasColMajor,
                            transposingSelf ? CblasTrans : CblasNoTrans,
                            Int32(rows),
                            Int32(columns),
                            1.0,
                            pa.baseAddress,
                            Int32(Swift.max(1, rows)),
                            px.baseAddress,
                            1,
                            0.0,
                            py.baseAddress,
                            1
                        )
                    }
                }
            }
        }
        return y
    }

    /// The Gram matrix `self * selfᵀ` (or `selfᵀ * self` when `transposingSelf`), by BLAS
    /// `dsyrk`, with both triangles filled.
    ///
    /// - Complexity: about `n² k` flops for an `n x n` result.
    public func gram(transposingSelf: Bool = false) -> Matrix {
        let n = transposingSelf ? columns : rows
        let k = transposingSelf ? rows : columns
        var result = Matrix(rows: n, columns: n)
        if n == 0 || k == 0 { return result }
        elements.withUnsafeBufferPointer { pa in
            result.elements.withUnsafeMutableBufferPointer { pc in
                withBLASLock {
                    cblas_dsyrk(
                        CblasColMajor,
                        CblasLower,
                        transposingSelf ? CblasTrans : CblasNoTrans,
                        Int32(n),
                        Int32(k),
                        1.0,
                        pa.baseAddress,
                        Int32(Swift.max(1, rows)),
                        0.0,
                        pc.baseAddress,
                        Int32(n)
                    )
                }
            }
        }
        result.symmetrizeFromLower()
        return result
    }

    /// Element-wise sum.
    public static func + (lhs: Matrix, rhs: Matrix) -> Matrix {
        precondition(lhs.rows == rhs.rows && lhs.columns == rhs.columns, "Matrix sum of different shapes")
        var result = lhs
        result.elements.withUnsafeMutableBufferPointer { r in
            rhs.elements.withUnsafeBufferPointer { b in
                cblas_daxpy(Int32(r.count), 1.0, b.baseAddress, 1, r.baseAddress, 1)
            }
        }
        return result
    }

    /// The matrix scaled by `factor`.
    public static func * (factor: Double, matrix: Matrix) -> Matrix {
        var result = matrix
        result.elements.withUnsafeMutableBufferPointer { r in
            cblas_dscal(Int32(r.count), factor, r.baseAddress, 1)
        }
        return result
    }
}

/// Vector kernels on contiguous `Double` buffers, by BLAS level 1.
public enum VectorOps {
    /// The dot product `xᵀy` (`ddot`).
    public static func dot(_ x: [Double], _ y: [Double]) -> Double {
        precondition(x.count == y.count, "dot: lengths \(x.count) and \(y.count) differ")
        return x.withUnsafeBufferPointer { px in
            y.withUnsafeBufferPointer { py in cblas_ddot(Int32(px.count), px.baseAddress, 1, py.baseAddress, 1) }
        }
    }

    /// The dot product of two raw buffers of `count` elements.
    @inlinable
    public static func dot(_ x: UnsafePointer<Double>, _ y: UnsafePointer<Double>, count: Int) -> Double {
        cblas_ddot(Int32(count), x, 1, y, 1)
    }

    /// The Euclidean norm (`dnrm2`).
    public static func norm(_ x: [Double]) -> Double {
        x.withUnsafeBufferPointer { px in cblas_dnrm2(Int32(px.count), px.baseAddress, 1) }
    }
}

extension Matrix {
    /// Computes the lower triangle of `c = alpha * a * aᵀ + beta * c` with BLAS `dsyrk`
    /// (`a` is `n x k`, `c` is `n x n`; the upper triangle of `c` is left as it was).
    ///
    /// - Complexity: `n² k` flops.
    public static func syrkLower(_ a: Matrix, alpha: Double = 1, beta: Double = 0, into c: inout Matrix) {
        let n = a.rows
        precondition(c.rows == n && c.columns == n, "syrkLower: result must be \(n)x\(n)")
        if n == 0 { return }
        a.elements.withUnsafeBufferPointer { pa in
            c.elements.withUnsafeMutableBufferPointer { pc in
                withBLASLock {
                    cblas_dsyrk(
                        CblasColMajor,
                        CblasLower,
                        CblasNoTrans,
                        Int32(n),
                        Int32(a.columns),
                        alpha,
                        pa.baseAddress,
                        Int32(n),
                        beta,
                        pc.baseAddress,
                        Int32(n)
                    )
                }
            }
        }
    }

    /// Computes `c = alpha * s * b + beta * c` for a symmetric `s` of which only the lower
    /// triangle is read (BLAS `dsymm`, left side).
    ///
    /// - Complexity: `2 n² k` flops for `s` of order `n` and `b` of `k` columns.
    public static func symmLower(
        _ s: Matrix,
        _ b: Matrix,
        alpha: Double = 1,
        beta: Double = 0,
        into c: inout Matrix
    ) {
        let n = s.rows
        precondition(s.columns == n && b.rows == n, "symmLower: shapes do not fit")
        precondition(c.rows == n && c.columns == b.columns, "symmLower: result must be \(n)x\(b.columns)")
        if n == 0 || b.columns == 0 { return }
        s.elements.withUnsafeBufferPointer { ps in
            b.elements.withUnsafeBufferPointer { pb in
                c.elements.withUnsafeMutableBufferPointer { pc in
                    withBLASLock {
                        cblas_dsymm(
                            CblasColMajor,
                            CblasLeft,
                            CblasLower,
                            Int32(n),
                            Int32(b.columns),
                            alpha,
                            ps.baseAddress,
                            Int32(n),
                            pb.baseAddress,
                            Int32(n),
                            beta,
                            pc.baseAddress,
                            Int32(n)
                        )
                    }
                }
            }
        }
    }

    /// The squared Euclidean norm of each column (`ddot` per column).
    public func columnSquaredNorms() -> [Double] {
        var result = [Double](repeating: 0, count: columns)
        if rows == 0 { return result }
        elements.withUnsafeBufferPointer { p in
            for j in 0..<columns {
                let column = p.baseAddress! + j * rows
                result[j] = cblas_ddot(Int32(rows), column, 1, column, 1)
            }
        }
        return result
    }
}
