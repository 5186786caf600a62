import Memberwise

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The squared-exponential (RBF) kernel: `c(r²) = exp(-r²/2)`, `dc/dr² = -c/2`.
///
/// BoTorch's default kernel since 0.12, with a dimension-scaled lengthscale prior.
@MemberwiseInit
public struct RBFKernel: Kernel {
    public var name: String { "rbf" }
    public var spectralDensity: SpectralDensity { .gaussian }

    @inline(__always)
    public func correlation(squaredDistance r2: Double) -> Double { exp(-0.5 * max(r2, 0)) }

    @inline(__always)
    public func correlationDerivative(squaredDistance r2: Double) -> Double { -0.5 * exp(-0.5 * max(r2, 0)) }

    public func correlations(fromSquaredDistances values: UnsafeMutableBufferPointer<Double>) {
        for i in values.indices { values[i] = exp(-0.5 * max(values[i], 0)) }
    }

    public func correlationsWithDerivatives(
        fromSquaredDistances values: UnsafeMutableBufferPointer<Double>,
        derivatives: UnsafeMutableBufferPointer<Double>
    ) {
        for i in values.indices {
            let c = exp(-0.5 * max(values[i], 0))
            values[i] = c
            derivatives[i] = -0.5 * c
        }
    }
}
