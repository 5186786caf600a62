#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The ZDT problems (Zitzler, Deb & Thiele 2000) in BoTorch's form: two objectives, `d >= 2`
/// inputs on `[0, 1]^d`, `f₀ = x₀`, `g = 1 + 9 mean(x₁...)`, reference point (11, 11).
public struct ZDT: TestProblem {
    /// Which member of the family.
    public enum Variant: Int, Sendable, CaseIterable {
        /// Convex front `1 - sqrt(f₀)`.
        case one = 1
        /// Concave front `1 - f₀²`.
        case two = 2
        /// Disconnected front (BoTorch's ZDT3 has no leading `g` in `f₁`).
        case three = 3
    }

    public let variant: Variant
    public let dimension: Int

    /// - Precondition: `dimension >= 2`.
    public init(_ variant: Variant, dimension: Int = 4) {
        precondition(dimension >= 2, "ZDT needs at least two inputs")
        self.variant = variant
        self.dimension = dimension
    }

    public var name: String { "zdt\(variant.rawValue)" }
    public var objectiveNames: [String] { ["f0", "f1"] }
    public var lowerBounds: [Double] { .init(repeating: 0, count: dimension) }
    public var upperBounds: [Double] { .init(repeating: 1, count: dimension) }
    public var referencePoint: [Double] { [11, 11] }
    public var maximumHypervolume: Double? {
        switch variant {
        case .one: 120 + 2.0 / 3
        case .two: 120 + 1.0 / 3
        case .three: 128.77811613069076060
        }
    }

    public func evaluate(_ x: [Double]) -> [Double] {
        let f0 = x[0]
        let g = 1 + 9 * x[1...].reduce(0, +) / Double(dimension - 1)
        let ratio = f0 / g
        switch variant {
        case .one: return [f0, g * (1 - ratio.squareRoot())]
        case .two: return [f0, g * (1 - ratio * ratio)]
        case .three: return [f0, 1 - ratio.squareRoot() - ratio * sin(10 * Double.pi * f0)]
        }
    }
}
