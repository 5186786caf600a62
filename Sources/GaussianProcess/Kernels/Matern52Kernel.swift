import Memberwise

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The Matérn kernel with smoothness 5/2: `c(r) = (1 + √5 r + 5r²/3) exp(-√5 r)`.
///
/// `dc/dr² = -(5/6) (1 + √5 r) exp(-√5 r)`. The default kernel, as in BoTorch before 0.12 and
/// in most Bayesian optimisation since Snoek et al. (2012).
@MemberwiseInit
public struct Matern52Kernel: Kernel {
    public var name: String { "matern52" }
    public var spectralDensity: SpectralDensity { .studentT(degreesOfFreedom: 5) }

    private static let sqrt5 = 5.0.squareRoot()

    @inline(__always)
    public func correlation(squaredDistance r2: Double) -> Double {
        let r = Self.sqrt5 * max(r2, 0).squareRoot()
        return (1 + r + r * r / 3) * exp(-r)
    }

    @inline(__always)
    public func correlationDerivative(squaredDistance r2: Double) -> Double {
        let r = Self.sqrt5 * max(r2, 0).squareRoot()
        return -(5.0 / 6.0) * (1 + r) * exp(-r)
    }

    public func correlations(fromSquaredDistances values: UnsafeMutableBufferPointer<Double>) {
        for i in values.indices {
            let r = Self.sqrt5 * max(values[i], 0).squareRoot()
            values[i] = (1 + r + r * r / 3) * exp(-r)
        }
    }

    public func correlationsWithDerivatives(
        fromSquaredDistances values: UnsafeMutableBufferPointer<Double>,
        derivatives: UnsafeMutableBufferPointer<Double>
    ) {
        for i in values.indices {
            let r = Self.sqrt5 * max(values[i], 0).squareRoot()
            let e = exp(-r)
            values[i] = (1 + r + r * r / 3) * e
            derivatives[i] = -(5.0 / 6.0) * (1 + r) * e
        }
    }
}
