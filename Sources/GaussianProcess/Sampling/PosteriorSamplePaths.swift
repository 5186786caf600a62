import LinearAlgebra
import Sampling

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Functions drawn from a GP's posterior by pathwise conditioning (Wilson et al. 2020): each path
/// is a prior draw from random Fourier features plus an exact update through the training data,
///
///     f_p(x) = φ(x)ᵀ w_p + k(x, X) (K + Σ)⁻¹ (y - Φ(X) w_p - ε_p),   w_p ~ N(0, I), ε_p ~ N(0, Σ).
///
/// A path is a deterministic function: it can be evaluated at any number of points, any number of
/// times, at `O(D d + n d)` per point, which is what Thompson sampling over large candidate sets
/// and large batches needs (one joint posterior draw over `m` points would cost `O(m³)`).
/// The update is exact, so the paths' mean is the posterior mean in expectation over the prior
/// features; the covariance carries the features' Monte Carlo error, `O(1/√D)` of the prior
/// variance, which averages out over independent path sets.
///
/// Storage: frequencies `(d + e) x D` (`e` one-hot columns of categorical inputs), weights `D x P` and update coefficients `n x P`, column-major.
/// Construction costs `O(n D d + n D P + n² P)` (`dgemm` and two triangular solves).
public struct PosteriorSamplePaths: Sendable {
    /// The model the paths are drawn from.
    public let model: ExactGP
    /// Number of paths `P`.
    public let count: Int
    /// Number of random Fourier features `D` of the prior draws.
    public let featureCount: Int
    /// `Ω`, `(d + e) x D`: frequencies divided by the lengthscales (normalised-input units).
    let frequencies: Matrix
    /// `b`, `D` phases in `[0, 2π)`.
    let phases: [Double]
    /// `√(2 s / D) w`, `D x P`.
    let weights: Matrix
    /// `(K + Σ)⁻¹ (y - f_prior(X) - ε)`, `n x P`, model units.
    let update: Matrix

    /// Draws `count` paths from `model`'s posterior.
    ///
    /// - Parameters:
    ///   - model: the conditioned GP (its kernel's ``Kernel/spectralDensity`` gives the features).
    ///   - count: number of paths `P`, at least 1.
    ///   - features: random Fourier features `D` of the prior draws (more: closer prior covariance).
    ///   - seed: the draws are deterministic given it.
    public init(model: ExactGP, count: Int, features: Int = 1024, seed: UInt64) {
        precondition(count >= 1 && features >= 1, "PosteriorSamplePaths: count and features must be positive")
        let d = model.dimension
        let n = model.count
        var generator = SeededGenerator(seed: seed ^ 0x9A7B_5A17)
        let density = model.kernel.spectralDensity
        let lengthscales = model.kernelHyperparameters.lengthscales
        // Features live on the embedded inputs (``ScaledInputs`` at unit lengthscales): a
        // categorical input's own column is 0 and its one-hot columns take its lengthscale. The
        // marginal of a spectral density on a subset of coordinates is the same density of lower
        // dimension, so drawing on all columns is exact.
        let owners = Array(0..<d) + Self.embedded(Matrix(rows: 0, columns: d), model: model).embeddedOwners
        let columns = owners.count
        var frequencies = Matrix(rows: columns, columns: features)
        for k in 0..<features {
            let omega = density.frequency(dimension: columns, using: &generator)
            for j in 0..<columns { frequencies.elements[j + k * columns] = omega[j] / lengthscales[owners[j]] }
        }
        let phases = (0..<features).map { _ in 2 * Double.pi * generator.nextUniform() }
        let amplitude = (2 * model.kernelHyperparameters.outputscale / Double(features)).squareRoot()
        var weights = Matrix(rows: features, columns: count)
        for i in weights.elements.indices { weights.elements[i] = amplitude * generator.nextNormal() }

        // Residuals of the prior draws at the training inputs, with noise draws: y - Φ(X) w - ε.
        var residuals = Matrix(rows: n, columns: count)
        if n > 0 {
            let features = Self.features(
                of: Self.embedded(model.trainingInputs, model: model).z,
                frequencies: frequencies,
                phases: phases
            )
            Matrix.gemm(features, .none, weights, .none, alpha: -1, beta: 0, into: &residuals)
            for p in 0..<count {
                for i in 0..<n {
                    let noise = model.noiseVariances[i].squareRoot() * generator.nextNormal()
                    residuals.elements[i + p * n] += model.modelOutputs[i] - noise
                }
            }
        }
        self.model = model
        self.count = count
        self.featureCount = features
        self.frequencies = frequencies
        self.phases = phases
        self.weights = weights
        self.update = n > 0 ? model.cholesky.solve(residuals) : residuals
    }

    /// The paths' values at the rows of `points`.
    ///
    /// - Parameter points: `m x d`, user units.
    /// - Returns: `m x P`, user units: column `p` is path `p`.
    /// - Complexity: `O(m (D d + D P + n d + n P))`, in blocks of 512 points.
    public func values(at points: Matrix) -> Matrix {
        precondition(points.columns == model.dimension, "PosteriorSamplePaths: points have the wrong dimension")
        let m = points.rows
        var result = Matrix(rows: m, columns: count)
        var start = 0
        while start < m {
            let end = min(start + ExactGP.predictionBlock, m)
            let block = points.selectingRows(start..<end)
            let rows = end - start
            let phi = Self.features(of: Self.embedded(block, model: model).z, frequencies: frequencies, phases: phases)
            var values = Matrix(rows: rows, columns: count)
            Matrix.gemm(phi, .none, weights, .none, into: &values)
            if model.count > 0 {
                let cross = model.crossCovariance(to: model.scaled(block))
                Matrix.gemm(cross, .transpose, update, .none, alpha: 1, beta: 1, into: &values)
            }
            let transform = model.outcomeTransform
            for p in 0..<count {
                for k in 0..<rows {
                    result.elements[start + k + p * m] = transform.untransformMean(values.elements[k + p * rows])
                }
            }
            start = end
        }
        return result
    }

    /// Normalised inputs with categorical ones embedded (one-hot / √2), unscaled and uncentred.
    static func embedded(_ points: Matrix, model: ExactGP) -> ScaledInputs {
        ScaledInputs(
            model.inputTransform.apply(points),
            center: [Double](repeating: 0, count: model.dimension),
            lengthscales: [Double](repeating: 1, count: model.dimension),
            categorical: model.categorical
        )
    }

    /// `cos(Z Ω + b)`, `m x D`, for embedded normalised inputs `Z` (`m x (d + e)`).
    static func features(of z: Matrix, frequencies: Matrix, phases: [Double]) -> Matrix {
        var result = Matrix(rows: z.rows, columns: frequencies.columns)
        Matrix.gemm(z, .none, frequencies, .none, into: &result)
        let m = z.rows
        result.elements.withUnsafeMutableBufferPointer { r in
            for k in 0..<phases.count {
                let b = phases[k]
                for i in 0..<m { r[i + k * m] = cos(r[i + k * m] + b) }
            }
        }
        return result
    }
}
