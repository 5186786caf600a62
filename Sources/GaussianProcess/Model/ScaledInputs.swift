import LinearAlgebra

/// Inputs centred and divided by the lengthscales, with their squared row norms, so that scaled
/// squared distances come from one BLAS product: `r²_ik = |z_i|² + |z_k|² - 2 z_i·z_k`.
///
/// Centring (on the training mean) keeps `|z|²` small and the cancellation error of the expansion
/// near `1e-16 |z|²`. A categorical input (``CategoricalInputs``) keeps a zero column in place and
/// appends one-hot columns scaled by `1 / (ℓ_j √2)` after the `d` input columns.
struct ScaledInputs: Sendable {
    /// `n x (d + e)`, column-major: `z_ij = (x_ij - center_j) / ℓ_j` for the `d` inputs (zero for a
    /// categorical one), then the `e` one-hot columns of the categorical inputs.
    var z: Matrix
    /// `|z_i|²` per row.
    var squaredNorms: [Double]
    /// The input each appended one-hot column belongs to (`e` entries).
    let embeddedOwners: [Int]

    init(_ x: Matrix, center: [Double], lengthscales: [Double], categorical: CategoricalInputs = .none) {
        let n = x.rows
        let d = x.columns
        let extra = categorical.embeddedColumnCount
        var z: Matrix
        if extra == 0 {
            z = x
        } else {
            z = Matrix(rows: n, columns: d + extra)
            z.elements.replaceSubrange(0..<(n * d), with: x.elements)
        }
        var norms = [Double](repeating: 0, count: n)
        var owners: [Int] = []
        owners.reserveCapacity(extra)
        z.elements.withUnsafeMutableBufferPointer { pz in
            norms.withUnsafeMutableBufferPointer { pn in
                var column = d
                var nextCategorical = 0
                for j in 0..<d {
                    if nextCategorical < categorical.inputs.count, categorical.inputs[nextCategorical].dimension == j {
                        let choices = categorical.inputs[nextCategorical].choices
                        nextCategorical += 1
                        let weight = 1 / (lengthscales[j] * 2.0.squareRoot())
                        for i in 0..<n {
                            let level = CategoricalInputs.level(ofNormalized: pz[i + j * n], choices: choices)
                            pz[i + j * n] = 0
                            pz[i + (column + level) * n] = weight
                            pn[i] += weight * weight
                        }
                        owners += [Int](repeating: j, count: choices)
                        column += choices
                        continue
                    }
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
        self.embeddedOwners = owners
    }

    /// One point scaled as the rows of ``init(_:center:lengthscales:categorical:)`` are (the `d + e`
    /// columns of a row), without building a matrix: what the per-candidate posterior needs.
    static func row(
        _ normalized: [Double],
        center: [Double],
        lengthscales: [Double],
        categorical: CategoricalInputs
    ) -> [Double] {
        var z = [Double](repeating: 0, count: normalized.count + categorical.embeddedColumnCount)
        for j in normalized.indices { z[j] = (normalized[j] - center[j]) / lengthscales[j] }
        var column = normalized.count
        for input in categorical.inputs {
            let level = CategoricalInputs.level(ofNormalized: normalized[input.dimension], choices: input.choices)
            z[input.dimension] = 0
            z[column + level] = 1 / (lengthscales[input.dimension] * 2.0.squareRoot())
            column += input.choices
        }
        return z
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
