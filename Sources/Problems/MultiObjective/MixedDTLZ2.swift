import Memberwise

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// DTLZ2 with two unordered choices in its distance function: a mixed categorical/continuous test
/// problem with a known optimum.
///
/// Inputs: `x0 ... x3` on `[0, 1]` and two categorical inputs, `c0` of 5 choices and `c1` of 3
/// (choice indices). With `g = Σ_{j=1..3} (x_j - 0.5)² + a[c0] + b[c1]`,
/// `a = (0.45, 0, 0.7, 0.2, 0.55)` and `b = (0.3, 0.55, 0)`, the objectives are DTLZ2's for two
/// objectives, `f0 = (1 + g) cos(x0 π/2)` and `f1 = (1 + g) sin(x0 π/2)`, both minimised. The
/// effects are not monotone in the choice index (so an ordinal reading of `c0` misleads), and the
/// front, at `c0 = 1`, `c1 = 2`, `x1 = x2 = x3 = 0.5`, is DTLZ2's: reference point 1.1, maximum
/// hypervolume `1.21 - π/4`.
@MemberwiseInit
public struct MixedDTLZ2: TestProblem {
    /// The distance added by each choice of `c0`.
    public static let firstEffects = [0.45, 0.0, 0.7, 0.2, 0.55]
    /// The distance added by each choice of `c1`.
    public static let secondEffects = [0.3, 0.55, 0.0]

    public var name: String { "mixeddtlz2" }
    public var dimension: Int { 6 }
    public var objectiveNames: [String] { ["f0", "f1"] }
    public var parameterNames: [String] { ["x0", "x1", "x2", "x3", "c0", "c1"] }
    public var parameterKinds: [ParameterKind] {
        [.continuous, .continuous, .continuous, .continuous, .categorical(choices: 5), .categorical(choices: 3)]
    }
    public var lowerBounds: [Double] { [0, 0, 0, 0, 0, 0] }
    public var upperBounds: [Double] { [1, 1, 1, 1, 4, 2] }
    public var referencePoint: [Double] { [1.1, 1.1] }
    public var maximumHypervolume: Double? { 1.21 - Double.pi / 4 }

    public func evaluate(_ x: [Double]) -> [Double] {
        var g = 0.0
        for j in 1...3 { g += (x[j] - 0.5) * (x[j] - 0.5) }
        g += Self.firstEffects[Self.choice(x[4], of: 5)] + Self.secondEffects[Self.choice(x[5], of: 3)]
        return [(1 + g) * cos(x[0] * Double.pi / 2), (1 + g) * sin(x[0] * Double.pi / 2)]
    }

    static func choice(_ value: Double, of count: Int) -> Int { min(max(Int(value.rounded()), 0), count - 1) }
}
