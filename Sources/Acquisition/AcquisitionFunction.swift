/// An acquisition function over the unit cube of the search space: larger is better.
///
/// Points are in normalised coordinates `u ∈ [0, 1]^d` (the optimiser's space); implementations map
/// them to user units themselves. Implementations must be deterministic: Monte-Carlo ones fix their
/// base samples when they are built.
public protocol AcquisitionFunction {
    /// Number of inputs.
    var dimension: Int { get }
    /// The value at `u`.
    func value(at u: [Double]) -> Double
    /// The value at `u`; writes `∂value/∂u` into `gradient`.
    func value(at u: [Double], gradient: inout [Double]) -> Double
}

/// An acquisition whose value and gradient come from one evaluation routine (the Monte-Carlo ones):
/// `value(at:)` runs it without the gradient work.
protocol MonteCarloAcquisition: AcquisitionFunction {
    func evaluate(_ u: [Double], gradient: inout [Double], wantGradient: Bool) -> Double
}

extension MonteCarloAcquisition {
    public func value(at u: [Double]) -> Double {
        var unused: [Double] = []
        return evaluate(u, gradient: &unused, wantGradient: false)
    }

    public func value(at u: [Double], gradient: inout [Double]) -> Double {
        evaluate(u, gradient: &gradient, wantGradient: true)
    }
}

/// Maps the unit cube to the search box and back.
public struct UnitCubeMap: Sendable, Equatable {
    public var lower: [Double]
    public var upper: [Double]

    public init(lower: [Double], upper: [Double]) {
        precondition(lower.count == upper.count, "UnitCubeMap: bounds of different lengths")
        self.lower = lower
        self.upper = upper
    }

    public var dimension: Int { lower.count }

    /// `lower + u (upper - lower)`.
    public func point(_ u: [Double]) -> [Double] {
        (0..<lower.count).map { lower[$0] + u[$0] * (upper[$0] - lower[$0]) }
    }

    /// `(x - lower) / (upper - lower)`.
    public func unit(_ x: [Double]) -> [Double] {
        (0..<lower.count).map { (x[$0] - lower[$0]) / (upper[$0] - lower[$0]) }
    }

    /// `upper - lower`, the chain-rule factor from user units to the unit cube.
    public var widths: [Double] { zip(lower, upper).map { $1 - $0 } }
}
