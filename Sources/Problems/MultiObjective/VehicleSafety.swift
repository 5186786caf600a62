import Memberwise

/// Vehicle crashworthiness (Tanabe & Ishibuchi 2020, RE3-5-4): three objectives (mass,
/// acceleration, toe-board intrusion) of five thicknesses in `[1, 3]`.
///
/// Reference point (1864.72022, 11.81993945, 0.2903999384); maximum hypervolume 246.81607081187002.
@MemberwiseInit
public struct VehicleSafety: TestProblem {
    public var name: String { "vehiclesafety" }
    public var dimension: Int { 5 }
    public var objectiveNames: [String] { ["mass", "acceleration", "intrusion"] }
    public var lowerBounds: [Double] { .init(repeating: 1, count: 5) }
    public var upperBounds: [Double] { .init(repeating: 3, count: 5) }
    public var referencePoint: [Double] { [1864.72022, 11.81993945, 0.2903999384] }
    public var maximumHypervolume: Double? { 246.81607081187002 }

    public func evaluate(_ x: [Double]) -> [Double] {
        let (x1, x2, x3, x4, x5) = (x[0], x[1], x[2], x[3], x[4])
        var f1 = 1640.2823 + 2.3573285 * x1 + 2.3220035 * x2
        f1 += 4.5688768 * x3 + 7.7213633 * x4 + 4.4559504 * x5
        var f2 = 6.5856 + 1.15 * x1 - 1.0427 * x2 + 0.9738 * x3 + 0.8364 * x4
        f2 += -0.3695 * x1 * x4 + 0.0861 * x1 * x5 + 0.3628 * x2 * x4
        f2 += -0.1106 * x1 * x1 - 0.3437 * x3 * x3 + 0.1764 * x4 * x4
        var f3 = -0.0551 + 0.0181 * x1 + 0.1024 * x2 + 0.0421 * x3
        f3 += -0.0073 * x1 * x2 + 0.024 * x2 * x3 - 0.0118 * x2 * x4 - 0.0204 * x3 * x4 - 0.008 * x3 * x5
        f3 += -0.0241 * x2 * x2 + 0.0109 * x4 * x4
        return [f1, f2, f3]
    }
}
