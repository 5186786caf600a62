import Memberwise

/// A linear inequality on the unit-cube coordinates: `Σ_j a_j u_j <= b`.
@MemberwiseInit
public struct UnitLinearConstraint: Sendable, Equatable {
    public var coefficients: [Double]
    public var bound: Double

    /// How far `u` is beyond the bound (0 when satisfied).
    public func violation(_ u: [Double]) -> Double {
        var total = 0.0
        for j in coefficients.indices { total += coefficients[j] * u[j] }
        return max(total - bound, 0)
    }
}

/// An acquisition restricted to designs that satisfy linear constraints between parameters.
///
/// Inside the feasible polytope the value is the wrapped acquisition's; outside it is
/// `-3000 - Σ violation²` (below every continuation value), with its gradient pointing back inside,
/// so raw samples and quasi-Newton steps that leave the polytope are drawn back to it.
@MemberwiseInit
public struct LinearlyConstrainedAcquisition<Base: AcquisitionFunction>: AcquisitionFunction {
    public let base: Base
    public let constraints: [UnitLinearConstraint]
    static var offset: Double { -3000 }

    public var dimension: Int { base.dimension }

    /// Whether `u` satisfies every constraint.
    public func isFeasible(_ u: [Double]) -> Bool { constraints.allSatisfy { $0.violation(u) == 0 } }

    public func value(at u: [Double]) -> Double {
        let penalty = constraints.reduce(0.0) { $0 + $1.violation(u) * $1.violation(u) }
        return penalty > 0 ? Self.offset - penalty : base.value(at: u)
    }

    public func value(at u: [Double], gradient: inout [Double]) -> Double {
        var penalty = 0.0
        for c in constraints { penalty += c.violation(u) * c.violation(u) }
        guard penalty > 0 else { return base.value(at: u, gradient: &gradient) }
        for j in gradient.indices { gradient[j] = 0 }
        for c in constraints {
            let v = c.violation(u)
            if v > 0 { for j in gradient.indices { gradient[j] -= 2 * v * c.coefficients[j] } }
        }
        return Self.offset - penalty
    }
}
