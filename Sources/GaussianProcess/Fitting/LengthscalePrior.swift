import Memberwise

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The prior on the lengthscales of an ARD kernel.
public enum LengthscalePrior: Sendable, Equatable {
    /// Independent log-normal priors on each lengthscale (BoTorch's default since 0.12).
    case logNormal(LogNormalPrior)
    /// The sparse axis-aligned subspace prior (SAAS, Eriksson and Jankowiak 2021) in BoTorch's MAP
    /// form: a global shrinkage `τ ~ HalfCauchy(globalScale)` and `τ / ℓ_j² ~ HalfCauchy(1)` for each
    /// dimension. Most inverse squared lengthscales are pulled towards zero (the dimension is
    /// ignored) unless the data pay for them; `τ` is a further hyperparameter fitted with the others.
    case sparseAxisAligned(SparseAxisAlignedPrior)
}

/// The SAAS prior's densities and their derivatives in log space, as BoTorch's `add_saas_prior`.
///
/// Densities are of the values (`τ`, `τ / ℓ_j²`), with no Jacobian of the log transform, so the
/// MAP estimate matches BoTorch's `get_map_saas_model`.
@MemberwiseInit
public struct SparseAxisAlignedPrior: Sendable, Equatable {
    /// Scale of the half-Cauchy prior on the global shrinkage `τ` (BoTorch: 0.1).
    public var globalScale: Double = 0.1
    /// Bounds of `τ` in the fit (BoTorch: 1e-3 ... 10).
    public var globalBounds: ClosedRange<Double> = 1e-3...10

    /// BoTorch's settings.
    public static let botorch = SparseAxisAlignedPrior()

    /// `log HalfCauchy(x; scale)` for `x >= 0`.
    static func logHalfCauchy(_ x: Double, scale: Double) -> Double {
        let r = x / scale
        return log(2 / (Double.pi * scale)) - log1p(r * r)
    }

    /// `log p(τ) + Σ_j log p(τ / ℓ_j²)` at `ln ℓ` and `ln τ`, and its gradient: `∂/∂ ln ℓ_j` written
    /// into `lengthscaleGradient` (`d` values), `∂/∂ ln τ` returned.
    ///
    /// - Complexity: `O(d)`.
    func logDensity(
        logLengthscales: UnsafeBufferPointer<Double>,
        logGlobal: Double,
        lengthscaleGradient: UnsafeMutableBufferPointer<Double>
    ) -> (value: Double, globalDerivative: Double) {
        let tau = exp(logGlobal)
        let r = tau / globalScale
        var value = Self.logHalfCauchy(tau, scale: globalScale)
        // d log HC(τ; s) / d ln τ = -2 r² / (1 + r²)
        var globalDerivative = -2 * r * r / (1 + r * r)
        for j in logLengthscales.indices {
            let x = exp(logGlobal - 2 * logLengthscales[j])
            value += Self.logHalfCauchy(x, scale: 1)
            let share = x.isFinite ? x * x / (1 + x * x) : 1
            // x = τ / ℓ²: d/d ln ℓ = 4 x² / (1 + x²), d/d ln τ = -2 x² / (1 + x²)
            lengthscaleGradient[j] = 4 * share
            globalDerivative -= 2 * share
        }
        return (value, globalDerivative)
    }
}
