import Memberwise

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The Matérn kernel with smoothness 3/2: `c(r) = (1 + √3 r) exp(-√3 r)`, `dc/dr² = -(3/2) exp(-√3 r)`.
///
/// Rougher than Matérn-5/2; useful for simulation outputs with kinks (thresholds, binning).
@MemberwiseInit
public struct Matern32Kernel: Kernel {
    public var name: String { "matern32" }
    public var spectralDensity: SpectralDensity { .studentT(degreesOfFreedom: 3) }

    private static let sqrt3 = 3.0.squareRoot()

    @inline(__always)
    public func correlation(squaredDistance r2: Double) -> Double {
        let r = Self.sqrt3 * max(r2, 0).squareRoot()
        return (1 + r) * exp(-r)
    }

    @inline(__always)
    public func correlationDerivative(squaredDistance r2: Double) -> Double {
        -1.5 * exp(-Self.sqrt3 * max(r2, 0).squareRoot())
    }

    public func correlations(fromSquaredDistances values: UnsafeMutableBufferPointer<Double>) {
        for i in values.indices {
            let r = Self.sqrt3 * max(values[i], 0).squareRoot()
            values[i] = (1 + r) * exp(-r)
        }
    }

    public func correlationsWithDerivatives(
        fromSquaredDistances values: UnsafeMutableBufferPointer<Double>,
        derivatives: UnsafeMutableBufferPointer<Double>
    ) {
        for i in values.indices {
            let r = Self.sqrt3 * max(values[i], 0).squareRoot()
            let e = exp(-r)
            values[i] = (1 + r) * e
            derivatives[i] = -1.5 * e
        }
    }
}
