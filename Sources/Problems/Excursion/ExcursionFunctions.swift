import Sampling

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A function whose excursion set `{x : f(x) > threshold}` is to be found (the `excursion` package's
/// test functions, from Cranmer et al., "Active Learning for Excursion Set Estimation").
public struct ExcursionFunction: Sendable {
    public let name: String
    public let lower: [Double]
    public let upper: [Double]
    public let threshold: Double
    public let evaluate: @Sendable ([Double]) -> Double

    public var dimension: Int { lower.count }

    /// 1-D: `11 - 10 [tanh(3(x - 0.3)) + 0.15 sin(30 x)]` on [0, 1], threshold 0.7.
    public static let oneDimensional = ExcursionFunction(name: "1d", lower: [0], upper: [1], threshold: 0.7) { x in
        11 - 10 * (tanh(3 * (x[0] - 0.3)) + 0.15 * sin(30 * x[0]))
    }

    /// 2-D "physics": `3 [ln stats(xsec · eff) - ln 0.05]` on [0, 1.5]², threshold 0.
    public static let physics2D = ExcursionFunction(name: "2d", lower: [0, 0], upper: [1.5, 1.5], threshold: 0) { x in
        let xsec = 12 * exp(-x[0] / 2) + 0.1 * cos(10 * x[1] + 1) + 0.2 * cos(15 * x[0])
        let efficiency = tanh(1.3 * x[0] - x[1] + 1)
        return 3 * (log(statistics(xsec * efficiency)) - log(0.05))
    }

    /// 3-D: as 2-D with the cross-section times `exp(-0.3 z)` and `cos(10 y)`, on [0, 1.5]³, threshold 0.
    public static let physics3D = ExcursionFunction(
        name: "3d",
        lower: [0, 0, 0],
        upper: [1.5, 1.5, 1.5],
        threshold: 0
    ) { x in
        let xsec = (12 * exp(-x[0] / 2) + 0.1 * cos(10 * x[1]) + 0.2 * cos(15 * x[0])) * exp(-0.3 * x[2])
        let efficiency = tanh(1.3 * x[0] - x[1] + 1)
        return 3 * (log(statistics(xsec * efficiency)) - log(0.05))
    }

    static func statistics(_ n: Double) -> Double { (1 - tanh(n - 5)) / 2 }

    /// The functions by name.
    public static let all: [ExcursionFunction] = [.oneDimensional, .physics2D, .physics3D]

    /// A regular grid with `perSide` points per dimension (row-major points).
    public func grid(perSide: Int) -> [[Double]] {
        RegularGrid.points(lower: lower, upper: upper, perSide: perSide)
    }
}
