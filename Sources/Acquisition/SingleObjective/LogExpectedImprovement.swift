import GaussianProcess
import Memberwise
import Sampling

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Logarithm of the analytic expected improvement below `best` (minimisation), computed stably in
/// both tails (Ament et al. 2023, "Unexpected improvements to expected improvement").
///
/// With `u = (best - μ) / σ`, `EI = σ h(u)` where `h(u) = φ(u) + u Φ(u)`. For `u > -5` `log h` is
/// computed directly; below, `h(u) = φ(u) g(-u)` with `g(t) = 1 - t R(t)` (R the Mills ratio, from
/// its continued fraction up to `t = 10` and the asymptotic series `1/t² - 3/t⁴ + 15/t⁶ - ...`
/// beyond), so `log EI` stays finite and informative where EI underflows.
@MemberwiseInit
public struct LogExpectedImprovement: AcquisitionFunction {
    let model: ExactGP
    let best: Double
    let map: UnitCubeMap

    public var dimension: Int { map.dimension }

    public func value(at u: [Double]) -> Double {
        let posterior = model.posterior(at: .init(rows: 1, columns: dimension, columnMajor: map.point(u)))
        let sigma = max(posterior.variance[0], 1e-300).squareRoot()
        return Self.logEI(mean: posterior.mean[0], sigma: sigma, best: best).value
    }

    public func value(at u: [Double], gradient: inout [Double]) -> Double {
        let p = model.posteriorWithGradients(at: map.point(u))
        let sigma = max(p.variance, 1e-300).squareRoot()
        let (value, dMean, dSigma) = Self.logEI(mean: p.mean, sigma: sigma, best: best)
        for j in 0..<dimension {
            let dsigma = p.varianceGradient[j] / (2 * sigma)
            gradient[j] = (dMean * p.meanGradient[j] + dSigma * dsigma) * map.widths[j]
        }
        return value
    }

    /// `log EI` and its derivatives with respect to the mean and the standard deviation.
    static func logEI(mean: Double, sigma: Double, best: Double) -> (value: Double, dMean: Double, dSigma: Double) {
        let u = (best - mean) / sigma
        let (logH, cdfOverH, pdfOverH) = logH(u)
        // EI = σ h(u): ∂/∂μ log EI = -Φ(u) / (σ h); ∂/∂σ log EI = φ(u) / (σ h)
        return (log(sigma) + logH, -cdfOverH / sigma, pdfOverH / sigma)
    }

    /// `log h(u)`, `Φ(u) / h(u)` and `φ(u) / h(u)`.
    static func logH(_ u: Double) -> (Double, Double, Double) {
        if u > -5 {
            let pdf = NormalDistribution.density(u)
            let cdf = NormalDistribution.cdf(u)
            let h = pdf + u * cdf
            return (log(h), cdf / h, pdf / h)
        }
        let t = -u
        // Mills ratio R(t) = (1 - Φ(t)) / φ(t) and g(t) = 1 - t R(t).
        let g: Double
        let mills: Double
        if t <= 10 {
            var fraction = t
            for k in stride(from: 40, through: 1, by: -1) { fraction = t + Double(k) / fraction }
            mills = 1 / fraction
            g = 1 - t * mills
        } else {
            let inverse2 = 1 / (t * t)
            var term = inverse2
            var sum = 0.0
            var k = 1.0
            for _ in 0..<12 {
                sum += term
                term *= -(2 * k + 1) * inverse2
                k += 1
            }
            g = sum
            mills = (1 - g) / t
        }
        let logPDF = -0.5 * t * t - 0.918_938_533_204_672_7
        // h = φ g, Φ(u) = φ R: Φ/h = R/g, φ/h = 1/g
        return (logPDF + log(g), mills / g, 1 / g)
    }
}

/// The lower confidence bound `-(μ - √β σ)` (minimisation; larger is better), BoTorch's
/// `UpperConfidenceBound(maximize=False)`.
@MemberwiseInit
public struct LowerConfidenceBound: AcquisitionFunction {
    let model: ExactGP
    var beta: Double = 2
    let map: UnitCubeMap

    public var dimension: Int { map.dimension }

    public func value(at u: [Double]) -> Double {
        let posterior = model.posterior(at: .init(rows: 1, columns: dimension, columnMajor: map.point(u)))
        return -posterior.mean[0] + beta.squareRoot() * posterior.variance[0].squareRoot()
    }

    public func value(at u: [Double], gradient: inout [Double]) -> Double {
        let p = model.posteriorWithGradients(at: map.point(u))
        let sigma = max(p.variance, 1e-300).squareRoot()
        let root = beta.squareRoot()
        for j in 0..<dimension {
            gradient[j] = (-p.meanGradient[j] + root * p.varianceGradient[j] / (2 * sigma)) * map.widths[j]
        }
        return -p.mean + root * p.variance.squareRoot()
    }
}
