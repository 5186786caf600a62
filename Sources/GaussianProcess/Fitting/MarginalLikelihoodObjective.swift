import LinearAlgebra
import Memberwise

/// The negative log posterior of GP hyperparameters and its analytic gradient.
///
/// Parameters, all in log space: `[ln ℓ_1 ... ln ℓ_d, ln s, ln σ², ln τ]`, with `ln σ²` only when the
/// noise is inferred and `ln τ` (the SAAS global shrinkage) only under a
/// ``LengthscalePrior/sparseAxisAligned(_:)`` prior. The value is `-(log p(y | θ) + log p(θ))` with
/// `log p(y | θ) = -½ yᵀα - Σ ln L_ii - (n/2) ln 2π`, `α = K⁻¹y`; the gradient is
/// `∂/∂θ = ½ tr((ααᵀ - K⁻¹) ∂K/∂θ)` plus the priors'. For the lengthscales the trace is reduced
/// to BLAS: with `M = s (ααᵀ - K⁻¹) ∘ C'` (`C'` = `dc/dr²`),
/// `∂/∂ ln ℓ_j = -Σ_ik M_ik (z_ij - z_kj)² = -(2 Σ_i z_ij² (M1)_i - 2 Σ_i z_ij (MZ)_ij)`, one `dsymm`.
///
/// A categorical input's lengthscale gets the sum of its one-hot columns' terms (``ScaledInputs``).
///
/// One evaluation costs `n³` flops (`dpotrf` + `dpotri`) plus `O(n² d)`.
final class MarginalLikelihoodObjective {
    let kernel: any Kernel
    /// Normalised inputs: `n x d`.
    let normalized: Matrix
    /// The column means of ``normalized`` (the centre of the scaled inputs).
    let center: [Double]
    let categorical: CategoricalInputs
    let outputs: [Double]
    let fixedNoise: [Double]?
    let priors: GPPriors
    let jitter: JitterPolicy

    var count: Int { normalized.rows }
    var dimension: Int { normalized.columns }
    var parameterCount: Int { dimension + (fixedNoise == nil ? 2 : 1) + (hasGlobalShrinkage ? 1 : 0) }
    var hasGlobalShrinkage: Bool {
        if case .sparseAxisAligned = priors.lengthscale { return true }
        return false
    }

    /// Evaluations so far (for diagnostics and tests).
    private(set) var evaluations = 0

    // Workspaces reused by every evaluation (n x n each): no allocation in the loop.
    private var correlation: Matrix
    private var derivative: Matrix
    private var covariance: Matrix
    private var inverse: Matrix
    private var factor: CholeskyFactor?

    init(
        kernel: any Kernel,
        normalizedInputs: Matrix,
        outputs: [Double],
        fixedNoise: [Double]?,
        priors: GPPriors,
        jitter: JitterPolicy,
        categorical: CategoricalInputs = .none
    ) {
        let n = normalizedInputs.rows
        self.kernel = kernel
        self.normalized = normalizedInputs
        self.center = (0..<normalizedInputs.columns).map {
            normalizedInputs.column($0).reduce(0, +) / Double(max(n, 1))
        }
        self.categorical = categorical
        self.outputs = outputs
        self.fixedNoise = fixedNoise
        self.priors = priors
        self.jitter = jitter
        self.correlation = Matrix(rows: n, columns: n)
        self.derivative = Matrix(rows: n, columns: n)
        self.covariance = Matrix(rows: n, columns: n)
        self.inverse = Matrix(rows: n, columns: n)
    }

    /// The negative log posterior at `theta`; writes its gradient into `gradient`.
    /// Returns `+infinity` if the covariance cannot be factored.
    func evaluate(_ theta: [Double], gradient: inout [Double]) -> Double {
        evaluations += 1
        let n = count
        let d = dimension
        let lengthscales = (0..<d).map { naturalExp(theta[$0]) }
        let s = naturalExp(theta[d])
        let sharedNoise = fixedNoise == nil ? naturalExp(theta[d + 1]) : 0

        let scaled = ScaledInputs(normalized, center: center, lengthscales: lengthscales, categorical: categorical)
        scaled.squaredDistancesLower(into: &correlation)
        correlation.elements.withUnsafeMutableBufferPointer { c in
            derivative.elements.withUnsafeMutableBufferPointer { dc in
                covariance.elements.withUnsafeMutableBufferPointer { k in
                    // Lower triangle only, one column segment at a time.
                    for j in 0..<n {
                        let offset = j * (n + 1)
                        let count = n - j
                        kernel.correlationsWithDerivatives(
                            fromSquaredDistances: UnsafeMutableBufferPointer(rebasing: c[offset..<(offset + count)]),
                            derivatives: UnsafeMutableBufferPointer(rebasing: dc[offset..<(offset + count)])
                        )
                        for i in offset..<(offset + count) { k[i] = s * c[i] }
                        k[offset] += fixedNoise?[j] ?? sharedNoise
                    }
                }
            }
        }

        do {
            if factor == nil {
                factor = try CholeskyFactor(factoring: covariance, policy: jitter)
            } else {
                try factor!.refactor(covariance, policy: jitter)
            }
        } catch {
            factor = nil
            for i in gradient.indices { gradient[i] = 0 }
            return .infinity
        }
        let factor = self.factor!
        let alpha = factor.solve(outputs)
        var quadratic = 0.0
        for i in 0..<n { quadratic += outputs[i] * alpha[i] }
        let logLikelihood = -0.5 * quadratic - 0.5 * factor.logDeterminant - 0.5 * Double(n) * naturalLog(2 * Double.pi)

        // W = ααᵀ - K⁻¹ (lower triangle), then the trace terms.
        factor.inverse(into: &inverse, fillingUpper: false)
        var traceOutputscale = 0.0
        var traceNoise = 0.0
        var rowSums = [Double](repeating: 0, count: n)
        inverse.elements.withUnsafeBufferPointer { pw in
            correlation.elements.withUnsafeBufferPointer { pc in
                derivative.elements.withUnsafeMutableBufferPointer { pm in
                    for k in 0..<n {
                        let ak = alpha[k]
                        // diagonal
                        let wkk = ak * ak - pw[k + k * n]
                        traceOutputscale += wkk * pc[k + k * n]
                        traceNoise += wkk
                        pm[k + k * n] = s * wkk * pm[k + k * n]
                        rowSums[k] += pm[k + k * n]
                        for i in (k + 1)..<max(k + 1, n) {
                            let wik = alpha[i] * ak - pw[i + k * n]
                            traceOutputscale += 2 * wik * pc[i + k * n]
                            let mik = s * wik * pm[i + k * n]
                            pm[i + k * n] = mik
                            rowSums[i] += mik
                            rowSums[k] += mik
                        }
                    }
                }
            }
        }
        // MZ with M symmetric (lower triangle stored in `derivative`).
        let columns = scaled.z.columns
        var mz = Matrix(rows: n, columns: columns)
        Matrix.symmLower(derivative, scaled.z, into: &mz)
        for j in 0..<d { gradient[j] = 0 }
        for column in 0..<columns {
            var sum = 0.0
            for i in 0..<n {
                let zij = scaled.z.elements[i + column * n]
                sum += zij * (zij * rowSums[i] - mz.elements[i + column * n])
            }
            // ∂ log p / ∂ ln ℓ_j = -2 sum, summed over a categorical input's one-hot columns
            let owner = column < d ? column : scaled.embeddedOwners[column - d]
            gradient[owner] += 2 * sum
        }
        gradient[d] = -(0.5 * s * traceOutputscale)
        if fixedNoise == nil { gradient[d + 1] = -(0.5 * sharedNoise * traceNoise) }

        // Priors.
        var logPrior = 0.0
        switch priors.lengthscale {
        case .logNormal(let prior):
            for j in 0..<d {
                logPrior += prior.logDensity(atLog: theta[j])
                gradient[j] -= prior.logDensityDerivative(atLog: theta[j])
            }
        case .sparseAxisAligned(let prior):
            var lengthscaleGradient = [Double](repeating: 0, count: d)
            let globalIndex = parameterCount - 1
            let (value, globalDerivative) = theta.withUnsafeBufferPointer { t in
                lengthscaleGradient.withUnsafeMutableBufferPointer { g in
                    prior.logDensity(
                        logLengthscales: UnsafeBufferPointer(rebasing: t[0..<d]),
                        logGlobal: t[globalIndex],
                        lengthscaleGradient: g
                    )
                }
            }
            logPrior += value
            for j in 0..<d { gradient[j] -= lengthscaleGradient[j] }
            gradient[globalIndex] = -globalDerivative
        }
        if let prior = priors.outputscale {
            logPrior += prior.logDensity(atLog: theta[d])
            gradient[d] -= prior.logDensityDerivative(atLog: theta[d])
        }
        if fixedNoise == nil, let prior = priors.noise {
            logPrior += prior.logDensity(atLog: theta[d + 1])
            gradient[d + 1] -= prior.logDensityDerivative(atLog: theta[d + 1])
        }
        return -(logLikelihood + logPrior)
    }
}

/// Priors on the hyperparameters of an ``ExactGP`` (nil: flat).
@MemberwiseInit
public struct GPPriors: Sendable, Equatable {
    /// Prior on the lengthscales (unit-cube units).
    public var lengthscale: LengthscalePrior
    /// Prior on the output scale (standardised units).
    public var outputscale: LogNormalPrior?
    /// Prior on an inferred noise variance (standardised units).
    public var noise: LogNormalPrior?

    /// BoTorch's priors (since 0.12) for `d` inputs, with a weak `LogNormal(0, 1)` on the output scale.
    public static func botorch(dimension: Int) -> GPPriors {
        GPPriors(
            lengthscale: .logNormal(.botorchLengthscale(dimension: dimension)),
            outputscale: .outputscale,
            noise: .botorchNoise
        )
    }

    /// The SAAS prior on the lengthscales (BoTorch's MAP SAAS settings) with the usual weak priors on
    /// the output scale and the noise.
    public static let sparseAxisAligned = GPPriors(
        lengthscale: .sparseAxisAligned(.botorch),
        outputscale: .outputscale,
        noise: .botorchNoise
    )
}
