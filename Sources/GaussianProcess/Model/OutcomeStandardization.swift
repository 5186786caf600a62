import Memberwise

/// Where a GP's prior mean sits: what the model predicts far from its data.
public enum PriorMean: String, Sendable, Equatable, CaseIterable, Codable {
    /// The outputs' mean (BoTorch's `Standardize`).
    case observedMean = "mean"
    /// The largest output observed: for a minimised output, the worst value seen. Far from the
    /// data a design is expected to be as bad as that, so an acquisition no longer finds its
    /// largest values where the model knows least (the corners of the cube in many dimensions).
    case observedMaximum = "maximum"
}

/// Standardises outputs to unit variance around the prior mean: the outputs' mean (zero mean and
/// unit variance, as BoTorch's `Standardize`) or another ``PriorMean``.
///
/// The scale is the sample standard deviation (divisor `n - 1`); with fewer than two points or
/// constant outputs the scale is 1, so a constant function still fits.
@MemberwiseInit
public struct OutcomeStandardization: Sendable, Equatable, Codable {
    /// Subtracted from every output: the prior mean in the user's units.
    public var mean: Double
    /// Every centred output is divided by this.
    public var scale: Double

    /// No change (mean 0, scale 1).
    public static let identity = OutcomeStandardization(mean: 0, scale: 1)

    /// The standardisation of `y`: scaled by its sample standard deviation, centred on `priorMean`.
    public static func fitted(to y: [Double], priorMean: PriorMean = .observedMean) -> OutcomeStandardization {
        let n = Double(y.count)
        guard let largest = y.max() else { return .identity }
        let mean = y.reduce(0, +) / n
        let centre = priorMean == .observedMaximum ? largest : mean
        guard y.count > 1 else { return OutcomeStandardization(mean: centre, scale: 1) }
        let variance = y.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)
        let scale = variance.squareRoot()
        let tiny = 1e-8 * max(1, abs(mean))
        return OutcomeStandardization(mean: centre, scale: scale > tiny ? scale : 1)
    }

    /// Outputs in model units.
    public func apply(_ y: [Double]) -> [Double] { y.map { ($0 - mean) / scale } }

    /// A mean back in the user's units.
    public func untransformMean(_ m: Double) -> Double { m * scale + mean }

    /// A variance back in the user's units.
    public func untransformVariance(_ v: Double) -> Double { v * scale * scale }
}
