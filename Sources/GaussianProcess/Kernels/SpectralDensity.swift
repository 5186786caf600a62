import Sampling

/// The spectral density of a stationary correlation `c(r)` with unit lengthscales, by Bochner's
/// theorem `c(τ) = E_ω[cos(ωᵀτ)]`: what random Fourier features draw their frequencies from.
public enum SpectralDensity: Sendable, Equatable {
    /// `ω ~ Normal(0, I)`: the squared-exponential kernel `exp(-r²/2)`.
    case gaussian
    /// `ω ~ Student-t(2ν, 0, I)`, multivariate: the Matérn-ν kernel, with `2ν` degrees of freedom.
    case studentT(degreesOfFreedom: Int)

    /// One frequency vector of `dimension` coordinates (unit lengthscales).
    ///
    /// A multivariate Student-t draw is `g / √(V/k)` with `g ~ Normal(0, I)` and one
    /// `V ~ χ²_k` shared by all coordinates.
    public func frequency(dimension: Int, using generator: inout SeededGenerator) -> [Double] {
        var omega = (0..<dimension).map { _ in generator.nextNormal() }
        if case .studentT(let k) = self {
            var chiSquared = 0.0
            for _ in 0..<k {
                let g = generator.nextNormal()
                chiSquared += g * g
            }
            let factor = (Double(k) / max(chiSquared, 1e-300)).squareRoot()
            for j in omega.indices { omega[j] *= factor }
        }
        return omega
    }
}
