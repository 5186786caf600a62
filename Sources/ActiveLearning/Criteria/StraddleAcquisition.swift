import Acquisition
import GaussianProcess
import LinearAlgebra
import Memberwise
import Sampling

/// The straddle acquisition of Bryan et al. (2005) for level sets: `1.96 σ(x) - |μ(x) - t|`,
/// largest where the function is both uncertain and close to the threshold.
@MemberwiseInit
public struct StraddleAcquisition: AcquisitionFunction {
    let model: ExactGP
    let threshold: Double
    let map: UnitCubeMap

    public var dimension: Int { map.dimension }

    public func value(at u: [Double]) -> Double {
        let p = model.posterior(at: Matrix(rows: 1, columns: dimension, columnMajor: map.point(u)))
        return 1.96 * p.variance[0].squareRoot() - abs(p.mean[0] - threshold)
    }

    public func value(at u: [Double], gradient: inout [Double]) -> Double {
        let p = model.posteriorWithGradients(at: map.point(u))
        let sigma = max(p.variance, 1e-300).squareRoot()
        let sign: Double = p.mean >= threshold ? 1 : -1
        for j in 0..<dimension {
            gradient[j] = (1.96 * p.varianceGradient[j] / (2 * sigma) - sign * p.meanGradient[j]) * map.widths[j]
        }
        return 1.96 * sigma - abs(p.mean - threshold)
    }
}
