import Memberwise

/// Standardises outputs to zero mean and unit variance, as BoTorch's `Standardize`.
///
/// The scale is the sample standard deviation (divisor `n - 1`); with fewer than two points or
/// constant outputs the scale is 1, so a constant function still fits.
@MemberwiseInit
public struct OutcomeStandardization: Sendable, Equatable, Codable {
    /// Subtracted from every output.
    public var mean: Double
    /// Every centred output is divided by this.
    public var scale: Double

    /// No change (mean 0, scale 1).
    public static let identity = OutcomeStandardization(mean: 0, scale: 1)

    /// The standardisation of `y`.
    public static func fitted(to y: [Double]) -> OutcomeStandardization {
        let n = Double(y.count)
        guard y.count > 0 else { return .identity }
        let mean = y.reduce(0, +) / n
        guard y.count > 1 else { return OutcomeStandardization(mean: mean, scale: 1) }
        let variance = y.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)
        let scale = variance.squareRoot()
        let tiny = 1e-8 * max(1, abs(mean))
        return OutcomeStandardization(mean: mean, scale: scale > tiny ? scale : 1)
    }

    /// Outputs in model units.
    public func apply(_ y: [Double]) -> [Double] { y.map { ($0 - mean) / scale } }

    /// A mean back in the user's units.
    public func untransformMean(_ m: Double) -> Double { m * scale + mean }

    /// A variance back in the user's units.
    public func untransformVariance(_ v: Double) -> Double { v * scale * scale }
}
