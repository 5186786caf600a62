import Memberwise
import Sampling

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A counting experiment: `n ~ Poisson(μ + b)` with known background `b` and signal strength `μ >= 0`.
///
/// Upper limits use the CLs construction (Read 2002) with the one-sided test statistic
/// `q̃_μ` of Cowan, Cranmer, Gross & Vitells (2011): with `μ̂ = n - b`,
/// `q̃_μ = -2 ln L(μ)/L(0)` if `μ̂ < 0`, `-2 ln L(μ)/L(μ̂)` if `0 <= μ̂ <= μ`, and 0 if `μ̂ > μ`.
public struct CountingExperiment: Sendable {
    public let background: Double

    public init(background: Double) {
        precondition(background > 0 && background.isFinite, "CountingExperiment: the background must be positive")
        self.background = background
    }

    /// `ln Poisson(n | λ)`.
    static func logPoisson(_ n: Double, _ lambda: Double) -> Double {
        if lambda == 0 { return n == 0 ? 0 : -.infinity }
        return n * log(lambda) - lambda - lgamma(n + 1)
    }

    /// The test statistic `q̃_μ` for a count `n` (real-valued, so Asimov counts work too).
    public func testStatistic(count n: Double, signal mu: Double) -> Double {
        let b = background
        let muHat = n - b
        if muHat > mu { return 0 }
        let fitted = max(muHat, 0)
        let value = -2 * (Self.logPoisson(n, mu + b) - Self.logPoisson(n, fitted + b))
        return max(value, 0)
    }

    // MARK: Asymptotic (Cowan et al. 2011)

    /// `q_A(μ)`: the test statistic on the background-only Asimov count `n = b`.
    public func asimovStatistic(signal mu: Double) -> Double { testStatistic(count: background, signal: mu) }

    /// The asymptotic CLs of signal strength `mu` for the observed count.
    public func asymptoticCLs(observed n: Double, signal mu: Double) -> Double {
        let q = testStatistic(count: n, signal: mu)
        let qA = max(asimovStatistic(signal: mu), 1e-300)
        let rootQ = q.squareRoot()
        let rootA = qA.squareRoot()
        // CL_{s+b} = P(q >= q_obs | μ), CL_b = P(q >= q_obs | 0), from the asymptotic distributions
        // of q̃_μ (Cowan et al. 2011, eqs. 65 and 66 with μ²/σ² = q_A).
        let sPlusB: Double
        let backgroundOnly: Double
        if q <= qA {
            sPlusB = 1 - NormalDistribution.cdf(rootQ)
            backgroundOnly = NormalDistribution.cdf(rootA - rootQ)
        } else {
            sPlusB = 1 - NormalDistribution.cdf((q + qA) / (2 * rootA))
            backgroundOnly = 1 - NormalDistribution.cdf((q - qA) / (2 * rootA))
        }
        return backgroundOnly > 0 ? sPlusB / backgroundOnly : 1
    }

    /// The asymptotic expected CLs at `sigma` standard deviations of the background-only
    /// distribution: `Φ(σ_n - √q_A(μ)) / Φ(σ_n)`.
    public func expectedAsymptoticCLs(signal mu: Double, sigma: Double) -> Double {
        NormalDistribution.cdf(sigma - asimovStatistic(signal: mu).squareRoot()) / NormalDistribution.cdf(sigma)
    }

    /// The asymptotic CLs upper limit at level `alpha`.
    public func asymptoticLimit(observed n: Double, alpha: Double = 0.05) -> Double {
        Self.solve(alpha) { self.asymptoticCLs(observed: n, signal: $0) }
    }

    /// Expected asymptotic limits at -2, -1, 0, +1, +2 standard deviations.
    public func expectedAsymptoticLimits(alpha: Double = 0.05) -> [Double] {
        [-2.0, -1, 0, 1, 2].map { sigma in Self.solve(alpha) { self.expectedAsymptoticCLs(signal: $0, sigma: sigma) } }
    }

    // MARK: Exact and toys

    /// The exact CLs of a counting experiment, `P(n <= n_obs | μ + b) / P(n <= n_obs | b)`: what toys converge to.
    public func exactCLs(observed n: Int, signal mu: Double) -> Double {
        Self.poissonCDF(n, mu + background) / Self.poissonCDF(n, background)
    }

    /// The exact CLs upper limit.
    public func exactLimit(observed n: Int, alpha: Double = 0.05) -> Double {
        Self.solve(alpha) { self.exactCLs(observed: n, signal: $0) }
    }

    /// The smallest count `n` with `P(N <= n) >= p` for `N ~ Poisson(lambda)`.
    public static func poissonQuantile(_ p: Double, _ lambda: Double) -> Int {
        var n = 0
        while poissonCDF(n, lambda) < p && n < 10_000_000 { n += 1 }
        return n
    }

    static func poissonCDF(_ n: Int, _ lambda: Double) -> Double {
        var term = exp(-lambda)
        var total = term
        if n > 0 {
            for k in 1...n {
                term *= lambda / Double(k)
                total += term
            }
        }
        return min(total, 1)
    }

    /// CLs from toys at one signal strength, with its binomial standard error.
    @MemberwiseInit
    public struct ToyEstimate: Sendable, Equatable {
        public var signal: Double
        public var cls: Double
        public var error: Double
        public var toys: Int
    }

    /// Estimates CLs at `mu` with `toys` pseudo-experiments under `μ + b` and as many under `b`.
    ///
    /// `p_{s+b} = P(q̃_μ >= q_obs | μ)`, `1 - p_b = P(q̃_μ >= q_obs | 0)`; the error propagates both
    /// binomial errors.
    public func toyCLs(observed n: Int, signal mu: Double, toys: Int, generator: inout SeededGenerator) -> ToyEstimate {
        let observedQ = testStatistic(count: Double(n), signal: mu)
        var signalExceeding = 0
        var backgroundExceeding = 0
        for _ in 0..<toys {
            if testStatistic(count: Double(Self.poisson(mu + background, &generator)), signal: mu) >= observedQ - 1e-12
            {
                signalExceeding += 1
            }
            if testStatistic(count: Double(Self.poisson(background, &generator)), signal: mu) >= observedQ - 1e-12 {
                backgroundExceeding += 1
            }
        }
        let pSB = Double(signalExceeding) / Double(toys)
        let pB = max(Double(backgroundExceeding) / Double(toys), 1 / Double(toys))
        let cls = pSB / pB
        let varianceSB = pSB * (1 - pSB) / Double(toys)
        let varianceB = pB * (1 - pB) / Double(toys)
        let error = cls * ((varianceSB / max(pSB * pSB, 1e-300)) + varianceB / (pB * pB)).squareRoot()
        return ToyEstimate(signal: mu, cls: cls, error: pSB > 0 ? error : 1 / Double(toys) / pB, toys: toys)
    }

    /// A Poisson deviate (inversion for small means, normal-corrected transformed rejection above 30).
    static func poisson(_ lambda: Double, _ generator: inout SeededGenerator) -> Int {
        if lambda < 30 {
            let limit = exp(-lambda)
            var product = generator.nextUniform()
            var count = 0
            while product > limit {
                product *= generator.nextUniform()
                count += 1
            }
            return count
        }
        // PTRS (Hörmann 1993).
        let slam = lambda.squareRoot()
        let loglam = log(lambda)
        let b = 0.931 + 2.53 * slam
        let a = -0.059 + 0.02483 * b
        let invalpha = 1.1239 + 1.1328 / (b - 3.4)
        let vr = 0.9277 - 3.6224 / (b - 2)
        while true {
            let u = generator.nextUniform() - 0.5
            let v = generator.nextUniform()
            let us = 0.5 - abs(u)
            let k = ((2 * a / us + b) * u + lambda + 0.43).rounded(.down)
            if us >= 0.07 && v <= vr { return Int(k) }
            if k < 0 || (us < 0.013 && v > us) { continue }
            if log(v) + log(invalpha) - log(a / (us * us) + b) <= -lambda + k * loglam - lgamma(k + 1) { return Int(k) }
        }
    }

    /// The `μ` where a decreasing CLs curve crosses `alpha`: bracket by doubling, then bisection to 1e-10.
    static func solve(_ alpha: Double, _ cls: (Double) -> Double) -> Double {
        var low = 0.0
        var high = 1.0
        while cls(high) > alpha && high < 1e9 {
            low = high
            high *= 2
        }
        for _ in 0..<200 {
            let mid = 0.5 * (low + high)
            if cls(mid) > alpha { low = mid } else { high = mid }
            if high - low < 1e-10 * max(1, high) { break }
        }
        return 0.5 * (low + high)
    }
}
