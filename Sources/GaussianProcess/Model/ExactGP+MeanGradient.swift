import LinearAlgebra

extension ExactGP {
    /// The posterior mean at one point and its gradient with respect to the point, without the
    /// variance: `μ(x) = k(x, X) α` and `∂μ/∂x = J_kᵀ α`, mapped through the input and output
    /// transforms (a categorical input's partial derivative is 0).
    ///
    /// - Parameter point: `d` coordinates, user units.
    /// - Returns: the mean and `d` partial derivatives, user units.
    /// - Complexity: `O(n (d + e))` (two passes over the scaled training inputs), against the
    ///   `O(n²)` of ``posteriorWithGradients(at:)``, whose variance needs a triangular solve.
    public func meanAndGradient(at point: [Double]) -> (mean: Double, gradient: [Double]) {
        precondition(
            point.count == dimension,
            "meanAndGradient: point has \(point.count) coordinates, expected \(dimension)"
        )
        guard count > 0 else { return (outcomeTransform.untransformMean(0), [Double](repeating: 0, count: dimension)) }
        var (value, gradient) = kernelExpansion(atNormalized: inputTransform.apply(point), coefficients: alpha[...])
        for input in categorical.inputs { gradient[input.dimension] = 0 }
        let widths = inputTransform.widths
        let scale = outcomeTransform.scale
        for j in 0..<dimension { gradient[j] *= scale / widths[j] }
        return (outcomeTransform.untransformMean(value), gradient)
    }

    /// `Σ_i k(z, x_i) c_i` at a normalised point `z` and its gradient with respect to `z`, model
    /// units (categorical inputs' partial derivatives included as computed; callers zero them).
    ///
    /// - Parameter coefficients: `n` coefficients, one per training point.
    /// - Complexity: `O(n (d + e))`: `r²_i = |z|² + |x_i|² - 2 z·x_i` and `Σ_i c'_i (z - x_i)`.
    func kernelExpansion(
        atNormalized normalized: [Double],
        coefficients: ArraySlice<Double>
    ) -> (value: Double, gradient: [Double]) {
        let n = count
        let d = dimension
        precondition(coefficients.count == n, "kernelExpansion: \(coefficients.count) coefficients for \(n) points")
        let lengthscales = kernelHyperparameters.lengthscales
        let s = kernelHyperparameters.outputscale
        let z = ScaledInputs.row(normalized, center: center, lengthscales: lengthscales, categorical: categorical)
        let columns = z.count
        let norm = z.reduce(0) { $0 + $1 * $1 }
        var value = 0.0
        var gradient = [Double](repeating: 0, count: d)
        // Plain loops, not `dgemv`: a descent calls this thousands of times per batch, and BLAS calls
        // wait for the process-wide BLAS lock that a concurrent model fit holds for its whole
        // factorisation.
        scaledTraining.z.elements.withUnsafeBufferPointer { x in
            var dots = [Double](repeating: 0, count: n)
            for j in 0..<columns where z[j] != 0 {
                let zj = z[j]
                for i in 0..<n { dots[i] += x[i + j * n] * zj }
            }
            var slopes = [Double](repeating: 0, count: n)
            var total = 0.0
            let first = coefficients.startIndex
            for i in 0..<n {
                let r2 = max(norm + scaledTraining.squaredNorms[i] - 2 * dots[i], 0)
                let c = coefficients[first + i]
                value += s * kernel.correlation(squaredDistance: r2) * c
                slopes[i] = 2 * s * kernel.correlationDerivative(squaredDistance: r2) * c
                total += slopes[i]
            }
            for j in 0..<d {
                var weighted = 0.0
                for i in 0..<n { weighted += x[i + j * n] * slopes[i] }
                gradient[j] = (z[j] * total - weighted) / lengthscales[j]
            }
        }
        return (value, gradient)
    }
}
