#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// DTLZ1 (Deb, Thiele, Laumanns & Zitzler 2002) in BoTorch's form: `d > M` inputs on `[0, 1]^d`,
/// linear front `Σ f = 0.5`; reference point 400 in every objective.
public struct DTLZ1: TestProblem {
    public let dimension: Int
    public let objectiveCount: Int

    /// - Precondition: `dimension > objectives >= 2`.
    public init(dimension: Int = 6, objectives: Int = 2) {
        precondition(objectives >= 2 && dimension > objectives, "DTLZ1 needs dimension > objectives >= 2")
        self.dimension = dimension
        self.objectiveCount = objectives
    }

    public var name: String { "dtlz1" }
    public var objectiveNames: [String] { (0..<objectiveCount).map { "f\($0)" } }
    public var lowerBounds: [Double] { .init(repeating: 0, count: dimension) }
    public var upperBounds: [Double] { .init(repeating: 1, count: dimension) }
    public var referencePoint: [Double] { .init(repeating: 400, count: objectiveCount) }
    /// BoTorch's value `400^M - 1/2^M` (the exact one is `400^M - 0.5^M / M!`; they differ below 1e-6 relative).
    public var maximumHypervolume: Double? { pow(400, Double(objectiveCount)) - 1 / pow(2, Double(objectiveCount)) }

    public func evaluate(_ x: [Double]) -> [Double] {
        let m = objectiveCount
        let k = dimension - m + 1
        var sum = 0.0
        for j in (m - 1)..<dimension {
            let t = x[j] - 0.5
            sum += t * t - cos(20 * Double.pi * t)
        }
        let g = 100 * (Double(k) + sum)
        let half = 0.5 * (1 + g)
        return (0..<m).map { i in
            let index = m - 1 - i
            var value = half
            for j in 0..<index { value *= x[j] }
            if i > 0 { value *= 1 - x[index] }
            return value
        }
    }
}

/// DTLZ2 in BoTorch's form: `d > M` inputs on `[0, 1]^d`, front on the positive unit sphere,
/// reference point 1.1; maximum hypervolume `1.1^M - π^{M/2} / (2^M Γ(M/2 + 1))`.
public struct DTLZ2: TestProblem {
    public let dimension: Int
    public let objectiveCount: Int

    /// - Precondition: `dimension > objectives >= 2`.
    public init(dimension: Int = 6, objectives: Int = 2) {
        precondition(objectives >= 2 && dimension > objectives, "DTLZ2 needs dimension > objectives >= 2")
        self.dimension = dimension
        self.objectiveCount = objectives
    }

    public var name: String { "dtlz2" }
    public var objectiveNames: [String] { (0..<objectiveCount).map { "f\($0)" } }
    public var lowerBounds: [Double] { .init(repeating: 0, count: dimension) }
    public var upperBounds: [Double] { .init(repeating: 1, count: dimension) }
    public var referencePoint: [Double] { .init(repeating: 1.1, count: objectiveCount) }
    public var maximumHypervolume: Double? {
        let m = Double(objectiveCount)
        return pow(1.1, m) - pow(Double.pi, m / 2) / tgamma(m / 2 + 1) / pow(2, m)
    }

    public func evaluate(_ x: [Double]) -> [Double] { Self.objectives(x, count: objectiveCount) }

    static func objectives(_ x: [Double], count m: Int) -> [Double] {
        var g = 0.0
        for j in (m - 1)..<x.count { g += (x[j] - 0.5) * (x[j] - 0.5) }
        return (0..<m).map { i in
            let index = m - 1 - i
            var value = 1 + g
            for j in 0..<index { value *= cos(x[j] * Double.pi / 2) }
            if i > 0 { value *= sin(x[index] * Double.pi / 2) }
            return value
        }
    }
}

/// C2-DTLZ2 in BoTorch's form: DTLZ2 with one constraint (radius 0.2) that cuts the front into
/// pieces; feasible when `min(min₁, min₂) <= 0` with
/// `min₁ = min_i [(f_i - 1)² + Σ_{j≠i} (f_j² - r²)]`, `min₂ = Σ_i [(f_i - 1/√M)² - r²]`.
public struct C2DTLZ2: TestProblem {
    public let dimension: Int
    public let objectiveCount: Int
    static let radius = 0.2

    public init(dimension: Int = 6, objectives: Int = 2) {
        precondition(objectives >= 2 && dimension > objectives, "C2DTLZ2 needs dimension > objectives >= 2")
        self.dimension = dimension
        self.objectiveCount = objectives
    }

    public var name: String { "c2dtlz2" }
    public var objectiveNames: [String] { (0..<objectiveCount).map { "f\($0)" } }
    public var lowerBounds: [Double] { .init(repeating: 0, count: dimension) }
    public var upperBounds: [Double] { .init(repeating: 1, count: dimension) }
    public var referencePoint: [Double] { .init(repeating: 1.1, count: objectiveCount) }
    /// BoTorch's constant (an NSGA-II estimate for two objectives).
    public var maximumHypervolume: Double? { objectiveCount == 2 ? 0.3996406303723544 : nil }
    public var constraintCount: Int { 1 }

    public func evaluate(_ x: [Double]) -> [Double] { DTLZ2.objectives(x, count: objectiveCount) }

    /// `min(min₁, min₂)`: the negated BoTorch slack, feasible when `<= 0`.
    public func constraints(_ x: [Double]) -> [Double] {
        let f = evaluate(x)
        let m = f.count
        let r2 = Self.radius * Self.radius
        var first = Double.infinity
        for i in 0..<m {
            var value = (f[i] - 1) * (f[i] - 1)
            for j in 0..<m where j != i { value += f[j] * f[j] - r2 }
            first = min(first, value)
        }
        var second = 0.0
        let center = 1 / Double(m).squareRoot()
        for i in 0..<m { second += (f[i] - center) * (f[i] - center) - r2 }
        return [min(first, second)]
    }
}
