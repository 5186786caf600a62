import Memberwise

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A log-normal prior on a positive hyperparameter: `ln θ ~ Normal(location, scale²)`.
///
/// As in GPyTorch, the density is of `θ` itself (no Jacobian of the log transform), so the MAP
/// estimate matches BoTorch's.
@MemberwiseInit
public struct LogNormalPrior: Sendable, Equatable, Codable {
    /// Mean of `ln θ`.
    public var location: Double
    /// Standard deviation of `ln θ`.
    public var scale: Double

    /// `log p(θ)` at `θ = exp(logValue)`.
    public func logDensity(atLog logValue: Double) -> Double {
        let z = (logValue - location) / scale
        return -logValue - log(scale) - 0.5 * log(2 * Double.pi) - 0.5 * z * z
    }

    /// `d log p(θ) / d ln θ` at `θ = exp(logValue)`.
    public func logDensityDerivative(atLog logValue: Double) -> Double {
        -1 - (logValue - location) / (scale * scale)
    }

    /// The mode, `exp(location - scale²)`.
    public var mode: Double { exp(location - scale * scale) }

    /// BoTorch's lengthscale prior since 0.12: `LogNormal(√2 + ln(d)/2, √3)`.
    public static func botorchLengthscale(dimension: Int) -> LogNormalPrior {
        LogNormalPrior(location: 2.0.squareRoot() + 0.5 * log(Double(max(dimension, 1))), scale: 3.0.squareRoot())
    }

    /// BoTorch's noise prior: `LogNormal(-4, 1)`.
    public static let botorchNoise = LogNormalPrior(location: -4, scale: 1)

    /// A weak prior on the output scale of standardised outputs: `LogNormal(0, 1)`.
    public static let outputscale = LogNormalPrior(location: 0, scale: 1)
}
