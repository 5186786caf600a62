import LinearAlgebra

/// The posterior of a GP at one point together with its input gradients.
public struct PointPosterior: Sendable, Equatable {
    /// Posterior mean of the latent function, user units.
    public var mean: Double
    /// Posterior variance of the latent function (observation noise excluded), user units.
    public var variance: Double
    /// `∂mean/∂x_j`, user units.
    public var meanGradient: [Double]
    /// `∂variance/∂x_j`, user units.
    public var varianceGradient: [Double]
}

extension ExactGP {
    /// Test points per block in batched predictions: bounds memory at `n x 512` doubles
    /// while keeping `dgemm`/`dtrsm` at full speed.
    static let predictionBlock = 512

    /// Posterior mean and variance of the latent function at each row of `points`.
    ///
    /// - Parameter points: `m x d`, user units.
    /// - Returns: `m` means and `m` variances (noise excluded, floored at 0), user units.
    /// - Complexity: `O(n m d)` for the cross-covariance (`dgemm`) plus `n² m` flops for `L⁻¹ K*`
    ///   (`dtrsm`), in blocks of 512 points.
    public func posterior(at points: Matrix) -> (mean: [Double], variance: [Double]) {
        precondition(
            points.columns == dimension,
            "posterior: points have \(points.columns) columns, expected \(dimension)"
        )
        let m = points.rows
        var means = [Double](repeating: 0, count: m)
        var variances = [Double](repeating: 0, count: m)
        let s = kernelHyperparameters.outputscale
        var start = 0
        while start < m {
            let end = min(start + Self.predictionBlock, m)
            let block = points.selectingRows(start..<end)
            var crossCovariance = crossCovariance(to: scaled(block))
            let blockMeans = crossCovariance.multiplied(byVector: alpha, transposingSelf: true)
            cholesky.solveLower(&crossCovariance)
            let reduction = crossCovariance.columnSquaredNorms()
            for k in 0..<(end - start) {
                means[start + k] = outcomeTransform.untransformMean(blockMeans[k])
                variances[start + k] = outcomeTransform.untransformVariance(max(s - reduction[k], 0))
            }
            start = end
        }
        return (means, variances)
    }

    /// The joint posterior of the latent function at the rows of `points`.
    ///
    /// - Parameter points: `q x d`, user units.
    /// - Returns: `q` means and the `q x q` covariance (noise excluded), user units.
    /// - Complexity: `O(n² q + n q²)`.
    public func jointPosterior(at points: Matrix) -> (mean: [Double], covariance: Matrix) {
        precondition(
            points.columns == dimension,
            "jointPosterior: points have \(points.columns) columns, expected \(dimension)"
        )
        let q = points.rows
        let scaledPoints = scaled(points)
        var crossCovariance = crossCovariance(to: scaledPoints)
        let means = crossCovariance.multiplied(byVector: alpha, transposingSelf: true)
        cholesky.solveLower(&crossCovariance)
        var prior = Matrix(rows: q, columns: q)
        scaledPoints.squaredDistancesLower(into: &prior)
        prior.elements.withUnsafeMutableBufferPointer { kernel.correlations(fromSquaredDistances: $0) }
        prior.symmetrizeFromLower()
        var covariance = kernelHyperparameters.outputscale * prior
        // covariance -= Vᵀ V
        Matrix.gemm(crossCovariance, .transpose, crossCovariance, .none, alpha: -1, beta: 1, into: &covariance)
        let scale2 = outcomeTransform.scale * outcomeTransform.scale
        return (means.map(outcomeTransform.untransformMean), scale2 * covariance)
    }

    /// Posterior mean and variance at one point with their gradients with respect to the point.
    ///
    /// `∂μ/∂x = J_kᵀ α` and `∂σ²/∂x = -2 J_kᵀ (K⁻¹ k*)`, with `J_k` the `n x d` Jacobian of the
    /// cross-covariance; both are mapped through the input and output transforms.
    ///
    /// - Parameter point: `d` coordinates, user units.
    /// - Complexity: `O(n² + n d)`.
    public func posteriorWithGradients(at point: [Double]) -> PointPosterior {
        precondition(
            point.count == dimension,
            "posteriorWithGradients: point has \(point.count) coordinates, expected \(dimension)"
        )
        // The cross posterior against no reference point carries exactly these four quantities.
        let p = crossPosterior(at: point, reference: referenceSet(Matrix(rows: 0, columns: dimension)))
        return PointPosterior(
            mean: p.mean,
            variance: p.variance,
            meanGradient: p.meanGradient,
            varianceGradient: p.varianceGradient
        )
    }

    /// Inputs in user units, scaled for distance computations against the training set.
    func scaled(_ points: Matrix) -> ScaledInputs {
        ScaledInputs(
            inputTransform.apply(points),
            center: center,
            lengthscales: kernelHyperparameters.lengthscales,
            categorical: categorical
        )
    }

    /// The `n x m` cross-covariance `k(X_train, points)` in model units.
    func crossCovariance(to points: ScaledInputs) -> Matrix {
        var result = Matrix(rows: count, columns: points.count)
        scaledTraining.squaredDistances(to: points, into: &result)
        let s = kernelHyperparameters.outputscale
        result.elements.withUnsafeMutableBufferPointer { buffer in
            kernel.correlations(fromSquaredDistances: buffer)
            for i in buffer.indices { buffer[i] *= s }
        }
        return result
    }
}
