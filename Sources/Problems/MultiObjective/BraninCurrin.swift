import Memberwise

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Branin–Currin: two objectives on `[0, 1]²` (Belakaria et al. 2019; BoTorch's definition).
///
/// `f₀ = Branin(15 x₀ - 5, 15 x₁)`, `f₁ = (1 - exp(-1/(2 x₁))) (2300 x₀³ + 1900 x₀² + 2092 x₀ + 60) /
/// (100 x₀³ + 500 x₀² + 4 x₀ + 20)`. Reference point (18, 6), maximum hypervolume 59.36011874867746.
@MemberwiseInit
public struct BraninCurrin: TestProblem {
    public var name: String { "branincurrin" }
    public var dimension: Int { 2 }
    public var objectiveNames: [String] { ["branin", "currin"] }
    public var lowerBounds: [Double] { [0, 0] }
    public var upperBounds: [Double] { [1, 1] }
    public var referencePoint: [Double] { [18, 6] }
    public var maximumHypervolume: Double? { 59.36011874867746 }

    public func evaluate(_ x: [Double]) -> [Double] {
        let u = 15 * x[0] - 5
        let v = 15 * x[1]
        let t1 = v - 5.1 / (4 * Double.pi * Double.pi) * u * u + 5 / Double.pi * u - 6
        let t2 = 10 * (1 - 1 / (8 * Double.pi)) * cos(u)
        let branin = t1 * t1 + t2 + 10
        let factor = 1 - exp(-1 / (2 * x[1]))
        let numerator = 2300 * pow(x[0], 3) + 1900 * x[0] * x[0] + 2092 * x[0] + 60
        let denominator = 100 * pow(x[0], 3) + 500 * x[0] * x[0] + 4 * x[0] + 20
        return [branin, factor * numerator / denominator]
    }
}
