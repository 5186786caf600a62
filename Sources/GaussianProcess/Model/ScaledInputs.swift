import LinearAlgebra

/// Inputs centred and divided by the lengthscales, with their squared row norms, so that scaled
/// squared distances come from one BLAS product: `r²_ik = |z_i|² + |z_k|² - 2 z_i·z_k`.
///
/// Centring (on the training mean) keeps `|z|²` small and the cancellation error of the expansion
/// near `1e-16 |z|²`.
struct ScaledInputs: Sendable {
    /// `n x d`, column-major: `z_ij = (x_ij - center_j) / ℓ_j`.
    var z: Matrix
    /// `|z_i|²` per row.
    var squaredNorms: [Double]

    init(_ x: Matrix, center: [Double], lengthscales: [Double]) {
        let n = x.rows
        let d = x.columns
        var z = x
        var norms = [Double](repeating: 0, count: n)
        z.elements.withUnsafeMutableBufferPointer { pz in
            norms.withUnsafeMutableBufferPointer { pn in
                for j in 0..<d {
                    let c = center[j]
                    let inverse = 1 / lengthscales[j]
                    for i in 0..<n {
                        let v = (pz[i + j * n] - c) * inverse
                        pz[i + j * n] = v
                        pn[i] += v * v
                    }
                }
            }
        }
        self.z = z
        self.squaredNorms = norms
    }

    var count: Int { z.rows }

    /// Fills `result` (`count x other.count`) with the scaled squared distances to `other`
    /// (one `dgemm`).
    func squaredDistances(to other: ScaledInputs, into result: inout Matrix) {
        Matrix.gemm(z, .none, other.z, .transpose, alpha: -2, beta: 0, into: &result)
        let n = count
        let m = other.count
        result.elements.withUnsafeMutableBufferPointer { r in
            squaredNorms.withUnsafeBufferPointer { a in
                other.squaredNorms.withUnsafeBufferPointer { b in
                    for k in 0..<m {
                        let bk = b[k]
                        for i in 0..<n { r[i + k * n] = max(r[i + k * n] + a[i] + bk, 0) }
                    }
                }
            }
        }
    }

    /// The scaled squared distances among the rows, lower triangle (by `dsyrk`); the diagonal is 0.
    func squaredDistancesLower(into result: inout Matrix) {
        let n = count
        Matrix.syrkLower(z, alpha: -2, beta: 0, into: &result)
        result.elements.withUnsafeMutableBufferPointer { r in
            squaredNorms.withUnsafeBufferPointer { a in
                for k in 0..<n {
                    r[k + k * n] = 0
                    let ak = a[k]
                    for i in (k + 1)..<max(k + 1, n) { r[i + k * n] = max(r[i + k * n] + a[i] + ak, 0) }
                }
            }
        }
    }
}
