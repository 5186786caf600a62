#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The standard normal distribution: density, distribution function, quantile.
public enum NormalDistribution {
    /// `φ(x) = exp(-x²/2) / √(2π)`.
    @inlinable
    public static func density(_ x: Double) -> Double { 0.398_942_280_401_432_7 * exp(-0.5 * x * x) }

    /// `Φ(x)`, via `erfc` for accuracy in both tails.
    @inlinable
    public static func cdf(_ x: Double) -> Double { 0.5 * erfc(-x * 0.707_106_781_186_547_5) }

    /// `Φ⁻¹(p)` for `p` in `(0, 1)`: Wichura's AS 241 (PPND16), relative error about 1e-16.
    public static func quantile(_ p: Double) -> Double {
        precondition(p > 0 && p < 1, "NormalDistribution.quantile: p must be in (0, 1), got \(p)")
        let q = p - 0.5
        if abs(q) <= 0.425 {
            let r = 0.180625 - q * q
            let num =
                (((((((2509.0809287301226727 * r + 33430.575583588128105) * r + 67265.770927008700853) * r
                    + 45921.953931549871457) * r + 13731.693765509461125) * r + 1971.5909503065514427) * r
                    + 133.14166789178437745) * r + 3.387132872796366608)
            let den =
                (((((((5226.495278852545925 * r + 28729.085735721942674) * r + 39307.89580009271061) * r
                    + 21213.794301586595867) * r + 5394.1960214247511077) * r + 687.1870074920579083) * r
                    + 42.313330701600911252) * r + 1)
            return q * num / den
        }
        var r = q < 0 ? p : 1 - p
        r = (-log(r)).squareRoot()
        var value: Double
        if r <= 5 {
            r -= 1.6
            let num =
                (((((((7.7454501427834140764e-4 * r + 0.0227238449892691845833) * r + 0.24178072517745061177) * r
                    + 1.27045825245236838258) * r + 3.64784832476320460504) * r + 5.7694972214606914055) * r
                    + 4.6303378461565452959) * r + 1.42343711074968357734)
            let den =
                (((((((1.05075007164441684324e-9 * r + 5.475938084995344946e-4) * r + 0.0151986665636164571966) * r
                    + 0.14810397642748007459) * r + 0.68976733498510000455) * r + 1.6763848301838038494) * r
                    + 2.05319162663775882187) * r + 1)
            value = num / den
        } else {
            r -= 5
            let num =
                (((((((2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r + 0.0012426609473880784386) * r
                    + 0.026532189526576123093) * r + 0.29656057182850489123) * r + 1.7848265399172913358) * r
                    + 5.4637849111641143699) * r + 6.6579046435011037772)
            let den =
                (((((((2.04426310338993978564e-15 * r + 1.4215117583164458887e-7) * r + 1.8463183175100546818e-5) * r
                    + 7.868691311456132591e-4) * r + 0.0148753612908506148525) * r + 0.13692988092273580531) * r
                    + 0.59983220655588793769) * r + 1)
            value = num / den
        }
        return q < 0 ? -value : value
    }

    /// `count x dimension` quasi-random standard normal deviates (row-major): scrambled Sobol points
    /// through `Φ⁻¹`, as BoTorch's `SobolQMCNormalSampler`; pseudo-random normals above 1,024 dimensions.
    public static func quasiRandomSamples(count: Int, dimension: Int, seed: UInt64) -> [Double] {
        if dimension <= SobolSequence.maximumDimension {
            var sobol = SobolSequence(dimension: dimension, scrambled: true, seed: seed)
            var values = sobol.next(count: count)
            let tiny = 1e-10
            for i in values.indices { values[i] = quantile(min(max(values[i], tiny), 1 - tiny)) }
            return values
        }
        var generator = SeededGenerator(seed: seed)
        return (0..<(count * dimension)).map { _ in generator.nextNormal() }
    }
}
