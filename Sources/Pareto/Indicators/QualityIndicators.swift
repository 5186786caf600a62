#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Quality indicators of an approximation set against a reference front (minimisation), with
/// moocore's definitions.
public enum QualityIndicators {
    /// IGD: the mean over reference points of the Euclidean distance to the nearest approximation point.
    public static func invertedGenerationalDistance(
        _ approximation: PointSet,
        referenceFront: PointSet
    ) throws(ParetoError) -> Double {
        try meanOverReference(approximation, referenceFront) { a, r, d in distance(a, r, d) { $0 } }
    }

    /// IGD+ (Ishibuchi et al. 2015): as IGD, with only the amounts by which an approximation point
    /// is worse than the reference point counted: `sqrt(Σ max(a_j - r_j, 0)²)`. Weakly Pareto compliant.
    public static func invertedGenerationalDistancePlus(
        _ approximation: PointSet,
        referenceFront: PointSet
    ) throws(ParetoError) -> Double {
        try meanOverReference(approximation, referenceFront) { a, r, d in distance(a, r, d) { max($0, 0) } }
    }

    /// Additive epsilon: the smallest `ε` such that every reference point is weakly dominated by some
    /// approximation point shifted by `-ε`: `max_r min_a max_j (a_j - r_j)`.
    public static func additiveEpsilon(
        _ approximation: PointSet,
        referenceFront: PointSet
    ) throws(ParetoError) -> Double {
        try check(approximation, referenceFront)
        let d = approximation.dimension
        var worst = -Double.infinity
        approximation.coordinates.withUnsafeBufferPointer { a in
            referenceFront.coordinates.withUnsafeBufferPointer { r in
                for k in 0..<referenceFront.count {
                    var best = Double.infinity
                    for i in 0..<approximation.count {
                        var gap = -Double.infinity
                        for j in 0..<d { gap = max(gap, a[i * d + j] - r[k * d + j]) }
                        best = min(best, gap)
                    }
                    worst = max(worst, best)
                }
            }
        }
        return worst
    }

    private static func check(_ approximation: PointSet, _ referenceFront: PointSet) throws(ParetoError) {
        guard approximation.dimension == referenceFront.dimension else {
            throw ParetoError(
                message:
                    "the approximation has \(approximation.dimension) objectives, the reference front \(referenceFront.dimension)",
                field: "referenceFront"
            )
        }
        guard approximation.count > 0, referenceFront.count > 0 else {
            throw ParetoError(message: "both sets need at least one point", field: "points")
        }
    }

    /// `sqrt(Σ_j gap(a_j - r_j)²)` over the `d` coordinates of `a` and `r`.
    private static func distance(
        _ a: UnsafePointer<Double>,
        _ r: UnsafePointer<Double>,
        _ d: Int,
        gap: (Double) -> Double
    ) -> Double {
        var sum = 0.0
        for j in 0..<d {
            let delta = gap(a[j] - r[j])
            sum += delta * delta
        }
        return sum.squareRoot()
    }

    private static func meanOverReference(
        _ approximation: PointSet,
        _ referenceFront: PointSet,
        distance: (UnsafePointer<Double>, UnsafePointer<Double>, Int) -> Double
    ) throws(ParetoError) -> Double {
        try check(approximation, referenceFront)
        let d = approximation.dimension
        var total = 0.0
        approximation.coordinates.withUnsafeBufferPointer { a in
            referenceFront.coordinates.withUnsafeBufferPointer { r in
                for k in 0..<referenceFront.count {
                    var best = Double.infinity
                    for i in 0..<approximation.count {
                        best = min(best, distance(a.baseAddress! + i * d, r.baseAddress! + k * d, d))
                    }
                    total += best
                }
            }
        }
        return total / Double(referenceFront.count)
    }
}
