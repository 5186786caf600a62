import Memberwise

/// Car side-impact design (Tanabe & Ishibuchi 2020, RE4-7-1): four objectives of seven inputs;
/// the fourth objective is the total violation of ten design constraints.
///
/// Reference point (45.4872, 4.5114, 13.3394, 10.3942); maximum hypervolume 484.72654347642793.
@MemberwiseInit
public struct CarSideImpact: TestProblem {
    public var name: String { "carsideimpact" }
    public var dimension: Int { 7 }
    public var objectiveNames: [String] { ["weight", "pubic_force", "velocity", "violation"] }
    public var lowerBounds: [Double] { [0.5, 0.45, 0.5, 0.5, 0.875, 0.4, 0.4] }
    public var upperBounds: [Double] { [1.5, 1.35, 1.5, 1.5, 2.625, 1.2, 1.2] }
    public var referencePoint: [Double] { [45.4872, 4.5114, 13.3394, 10.3942] }
    public var maximumHypervolume: Double? { 484.72654347642793 }

    public func evaluate(_ x: [Double]) -> [Double] {
        let (x1, x2, x3, x4, x5, x6, x7) = (x[0], x[1], x[2], x[3], x[4], x[5], x[6])
        var f1 = 1.98 + 4.9 * x1 + 6.67 * x2 + 6.98 * x3
        f1 += 4.01 * x4 + 1.78 * x5 + 1e-5 * x6 + 2.73 * x7
        let f2 = 4.72 - 0.5 * x4 - 0.19 * x2 * x3
        let vMBP = 10.58 - 0.674 * x1 * x2 - 0.67275 * x2
        let vFD = 16.45 - 0.489 * x3 * x7 - 0.843 * x5 * x6
        let f3 = 0.5 * (vMBP + vFD)
        var g = [Double](repeating: 0, count: 10)
        g[0] = 1 - 1.16 + 0.3717 * x2 * x4 + 0.0092928 * x3
        g[1] = 0.32 - 0.261 + 0.0159 * x1 * x2 + 0.06486 * x1 + 0.019 * x2 * x7 - 0.0144 * x3 * x5 - 0.0154464 * x6
        var g3 = 0.32 - 0.214 - 0.00817 * x5 + 0.045195 * x1 + 0.0135168 * x1 - 0.03099 * x2 * x6
        g3 += 0.018 * x2 * x7 - 0.007176 * x3 - 0.023232 * x3 + 0.00364 * x5 * x6 + 0.018 * x2 * x2
        g[2] = g3
        g[3] = 0.32 - 0.74 + 0.61 * x2 + 0.031296 * x3 + 0.031872 * x7 - 0.227 * x2 * x2
        g[4] = 32 - 28.98 - 3.818 * x3 + 4.2 * x1 * x2 - 1.27296 * x6 + 2.68065 * x7
        g[5] = 32 - 33.86 - 2.95 * x3 + 5.057 * x1 * x2 + 3.795 * x2 + 3.4431 * x7 - 1.45728
        g[6] = 32 - 46.36 + 9.9 * x2 + 4.4505 * x1
        g[7] = 4 - f2
        g[8] = 9.9 - vMBP
        g[9] = 15.7 - vFD
        let f4 = g.reduce(0) { $0 + ($1 < 0 ? -$1 : 0) }
        return [f1, f2, f3, f4]
    }
}
