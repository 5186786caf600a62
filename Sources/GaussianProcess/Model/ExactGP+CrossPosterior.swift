import LinearAlgebra

/// Fixed points against which posterior covariances of moving candidates are computed: the
/// baseline of Monte-Carlo acquisition functions (observed and pending designs).
///
/// Holds `A = K⁻¹ k(X_train, B)` so that the posterior covariance with a candidate `x`,
/// `c(x) = k(B, x) - Aᵀ k(X_train, x)`, costs `O((n + N) d + n N)`.
public struct PosteriorReferenceSet: Sendable {
    /// The points `B`, `N x d`, user units.
    public let points: Matrix
    let scaled: ScaledInputs
    /// `K⁻¹ k(X_train, B)`, `n x N` (model units).
    let solved: Matrix

    /// Number of reference points.
    public var count: Int { points.rows }
}

/// The posterior at one candidate together with its covariance with a ``PosteriorReferenceSet``,
/// and the gradients of all of them with respect to the candidate (user units).
public struct CrossPosterior: Sendable {
    public var mean: Double
    public var variance: Double
    /// Posterior covariance with each reference point.
    public var covariance: [Double]
    public var meanGradient: [Double]
    public var varianceGradient: [Double]
    /// `∂ covariance[b] / ∂ x_j` at `b + j * N` (column-major `N x d`).
    public var covarianceGradient: [Double]
}

extension ExactGP {
    /// Precomputes what ``crossPosterior(at:reference:)`` needs for the reference points `points`.
    ///
    /// - Complexity: `O(n² N)`.
    public func referenceSet(_ points: Matrix) -> PosteriorReferenceSet {
        let scaledPoints = scaled(points)
        let cross = crossCovariance(to: scaledPoints)
        return PosteriorReferenceSet(points: points, scaled: scaledPoints, solved: cholesky.solve(cross))
    }

    /// The posterior mean and variance at `point`, its covariance with the reference points, and
    /// the gradients of all three with respect to `point`.
    ///
    /// - Complexity: `O(n² + (n + N) d + n N d)`.
    public func crossPosterior(at point: [Double], reference: PosteriorReferenceSet) -> CrossPosterior {
        let n = count
        let d = dimension
        let bCount = reference.count
        let s = kernelHyperparameters.outputscale
        let lengthscales = kernelHyperparameters.lengthscales
        // The point scaled as the training inputs are: `d` columns, then any one-hot columns of
        // categorical inputs (which enter the distance but have no gradient: their own column is 0).
        let z = ScaledInputs.row(
            inputTransform.apply(point),
            center: center,
            lengthscales: lengthscales,
            categorical: categorical
        )
        let columns = z.count

        // Kernel values and their x-Jacobians against the training points (n) and the references (N).
        func kernelAndJacobian(_ u: ScaledInputs) -> (values: [Double], jacobian: Matrix) {
            let m = u.count
            var values = [Double](repeating: 0, count: m)
            var jacobian = Matrix(rows: m, columns: d)
            u.z.elements.withUnsafeBufferPointer { zu in
                jacobian.elements.withUnsafeMutableBufferPointer { jac in
                    for i in 0..<m {
                        var r2 = 0.0
                        for j in 0..<columns {
                            let delta = z[j] - zu[i + j * m]
                            r2 += delta * delta
                        }
                        values[i] = s * kernel.correlation(squaredDistance: r2)
                        let slope = 2 * s * kernel.correlationDerivative(squaredDistance: r2)
                        for j in 0..<d { jac[i + j * m] = slope * (z[j] - zu[i + j * m]) / lengthscales[j] }
                    }
                }
            }
            return (values, jacobian)
        }
        let (kx, jx) = kernelAndJacobian(scaledTraining)
        let (kb, jb) = kernelAndJacobian(reference.scaled)

        let v = cholesky.solve(kx)
        var mean = 0.0
        var reduction = 0.0
        for i in 0..<n {
            mean += kx[i] * alpha[i]
            reduction += kx[i] * v[i]
        }
        let meanGradient = jx.multiplied(byVector: alpha, transposingSelf: true)
        let vGradient = jx.multiplied(byVector: v, transposingSelf: true)
        // c = k_B - Aᵀ k_X ; ∂c = J_B - Aᵀ J_X
        let akx = reference.solved.multiplied(byVector: kx, transposingSelf: true)
        var covariance = [Double](repeating: 0, count: bCount)
        for b in 0..<bCount { covariance[b] = kb[b] - akx[b] }
        var covarianceGradient = jb
        Matrix.gemm(reference.solved, .transpose, jx, .none, alpha: -1, beta: 1, into: &covarianceGradient)

        let widths = inputTransform.widths
        let ys = outcomeTransform.scale
        let ys2 = ys * ys
        let variance = max(s - reduction, 0)
        var result = CrossPosterior(
            mean: outcomeTransform.untransformMean(mean),
            variance: ys2 * variance,
            covariance: covariance.map { ys2 * $0 },
            meanGradient: (0..<d).map { ys * meanGradient[$0] / widths[$0] },
            varianceGradient: (0..<d).map { variance > 0 ? -2 * ys2 * vGradient[$0] / widths[$0] : 0 },
            covarianceGradient: covarianceGradient.elements
        )
        for j in 0..<d {
            let factor = ys2 / widths[j]
            for b in 0..<bCount { result.covarianceGradient[b + j * bCount] *= factor }
        }
        return result
    }
}
