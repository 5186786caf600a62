import Memberwise

/// The shape of a stationary covariance function with ARD lengthscales.
///
/// A kernel here is `k(x, x') = outputscale * c(r²)` with the scaled squared distance
/// `r² = Σ_j ((x_j - x'_j) / ℓ_j)²`. A conforming type supplies the correlation `c` and its
/// derivative `dc/dr²`; lengthscales and output scale live in ``KernelHyperparameters``, and all
/// matrix work (distances by BLAS `dgemm`/`dsyrk`, solves) is shared. Adding a kernel is one file
/// with one conforming type and one line in ``KernelRegistry``.
///
/// The buffer methods are the hot loops (one call per covariance matrix); implement them with a
/// plain loop so they are compiled for the concrete type.
public protocol Kernel: Sendable {
    /// The name used by the registry, the CLI and the benchmarks (lower case, e.g. `matern52`).
    var name: String { get }

    /// `c(r²)`, with `c(0) = 1`.
    func correlation(squaredDistance r2: Double) -> Double

    /// `dc/dr²` at `r²` (finite at 0).
    func correlationDerivative(squaredDistance r2: Double) -> Double

    /// Replaces each scaled squared distance in `values` by its correlation.
    func correlations(fromSquaredDistances values: UnsafeMutableBufferPointer<Double>)

    /// Replaces each scaled squared distance in `values` by its correlation and writes `dc/dr²`
    /// into `derivatives` (same length).
    func correlationsWithDerivatives(
        fromSquaredDistances values: UnsafeMutableBufferPointer<Double>,
        derivatives: UnsafeMutableBufferPointer<Double>
    )

    /// The spectral density of `c` at unit lengthscales, for random Fourier features
    /// (``PosteriorSamplePaths``).
    var spectralDensity: SpectralDensity { get }
}

/// Lengthscales and output scale of a ``Kernel``, in the model's (normalised-input) units.
@MemberwiseInit
public struct KernelHyperparameters: Sendable, Equatable, Codable {
    /// One lengthscale per input dimension.
    public var lengthscales: [Double]
    /// Signal variance: `k(x, x) = outputscale`.
    public var outputscale: Double = 1
}
