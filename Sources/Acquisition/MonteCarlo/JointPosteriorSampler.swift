import GaussianProcess
import LinearAlgebra
import Sampling

/// Joint posterior samples of one GP output at a fixed baseline `B` and at a moving candidate,
/// with fixed base samples, as Monte-Carlo acquisition functions need them.
///
/// The baseline samples are `F_B = μ_B + Z_B L_Bᵀ` (`L_B` the Cholesky factor of the posterior
/// covariance at `B`). A candidate `x` is sampled conditionally on them through the same base
/// samples: with `l = L_B⁻¹ Σ_Bx` and `δ = sqrt(σ²_x - |l|²)`, `f_x = μ_x + Z_B l + δ z_x`, which is
/// exactly the joint posterior of `(B, x)`; gradients follow the same formula.
struct JointPosteriorSampler {
    let model: ExactGP
    let reference: PosteriorReferenceSet
    /// Base samples for the baseline, `S x N` column-major.
    let baselineBase: Matrix
    /// Base samples for the candidate, `S`.
    let candidateBase: [Double]
    /// Cholesky factor of the baseline posterior covariance.
    let factor: CholeskyFactor?
    /// Baseline sample values, `S x N` column-major.
    let baselineValues: Matrix

    var sampleCount: Int { candidateBase.count }
    var baselineCount: Int { reference.count }

    /// - Parameters:
    ///   - baseline: `N x d` points in user units (may be empty).
    ///   - baselineBase: `S x N` standard normal base samples.
    ///   - candidateBase: `S` standard normal base samples.
    init(model: ExactGP, baseline: Matrix, baselineBase: Matrix, candidateBase: [Double]) {
        self.model = model
        self.reference = model.referenceSet(baseline)
        self.baselineBase = baselineBase
        self.candidateBase = candidateBase
        let s = candidateBase.count
        let n = baseline.rows
        if n == 0 {
            factor = nil
            baselineValues = Matrix(rows: s, columns: 0)
            return
        }
        let (mean, covariance) = model.jointPosterior(at: baseline)
        let cholesky = try? CholeskyFactor(
            factoring: covariance,
            policy: JitterPolicy(initialRelative: 1e-8, maximumRelative: 1e-1)
        )
        factor = cholesky
        var values = Matrix(rows: s, columns: n)
        if let cholesky {
            // Z L^T
            Matrix.gemm(baselineBase, .none, cholesky.lower, .transpose, into: &values)
        } else {
            // Independent marginals when even a large jitter fails.
            for b in 0..<n {
                let sd = max(covariance[b, b], 0).squareRoot()
                for k in 0..<s { values[k, b] = sd * baselineBase[k, b] }
            }
        }
        for b in 0..<n {
            for k in 0..<s { values.elements[k + b * s] += mean[b] }
        }
        baselineValues = values
    }

    /// One sampler per model over the same baseline, with independent quasi-random base samples
    /// (one scrambled Sobol sequence of dimension `(N + 1) x models`, split by model).
    static func samplers(for models: [ExactGP], baseline: Matrix, samples: Int, seed: UInt64) -> [JointPosteriorSampler]
    {
        let n = baseline.rows
        let stride = (n + 1) * models.count
        let base = NormalDistribution.quasiRandomSamples(count: samples, dimension: stride, seed: seed)
        return models.enumerated().map { k, model in
            var baselineBase = Matrix(rows: samples, columns: n)
            var candidateBase = [Double](repeating: 0, count: samples)
            for s in 0..<samples {
                for b in 0..<n { baselineBase[s, b] = base[s * stride + k * (n + 1) + b] }
                candidateBase[s] = base[s * stride + k * (n + 1) + n]
            }
            return JointPosteriorSampler(
                model: model,
                baseline: baseline,
                baselineBase: baselineBase,
                candidateBase: candidateBase
            )
        }
    }

    /// Candidate samples (`S`) and, if asked, their gradients (`S x d` column-major, user units).
    func candidateSamples(at x: [Double], withGradient: Bool) -> (values: [Double], gradient: Matrix?) {
        let s = sampleCount
        let n = baselineCount
        let d = model.dimension
        let posterior = model.crossPosterior(at: x, reference: reference)
        var values = [Double](repeating: posterior.mean, count: s)
        guard n > 0, let factor else {
            let sd = posterior.variance.squareRoot()
            for k in 0..<s { values[k] += sd * candidateBase[k] }
            guard withGradient else { return (values, nil) }
            var gradient = Matrix(rows: s, columns: d)
            for j in 0..<d {
                let dsd = sd > 1e-300 ? posterior.varianceGradient[j] / (2 * sd) : 0
                for k in 0..<s { gradient.elements[k + j * s] = posterior.meanGradient[j] + dsd * candidateBase[k] }
            }
            return (values, gradient)
        }
        // l = L⁻¹ c
        var l = Matrix(rows: n, columns: 1, columnMajor: posterior.covariance)
        factor.solveLower(&l)
        var residual = posterior.variance
        for b in 0..<n { residual -= l.elements[b] * l.elements[b] }
        let floor = 1e-12 * max(posterior.variance, 1e-300)
        let delta = max(residual, floor).squareRoot()
        let zl = baselineBase.multiplied(byVector: l.elements)
        for k in 0..<s { values[k] += zl[k] + delta * candidateBase[k] }
        guard withGradient else { return (values, nil) }
        // ∂l = L⁻¹ ∂c  (N x d)
        var dl = Matrix(rows: n, columns: d, columnMajor: posterior.covarianceGradient)
        factor.solveLower(&dl)
        // ∂δ = (∂σ² - 2 lᵀ ∂l) / (2 δ)
        var ddelta = [Double](repeating: 0, count: d)
        if residual > floor {
            let ldl = dl.multiplied(byVector: l.elements, transposingSelf: true)
            for j in 0..<d { ddelta[j] = (posterior.varianceGradient[j] - 2 * ldl[j]) / (2 * delta) }
        }
        var gradient = Matrix(rows: s, columns: d)
        Matrix.gemm(baselineBase, .none, dl, .none, into: &gradient)
        for j in 0..<d {
            let dm = posterior.meanGradient[j]
            let dd = ddelta[j]
            for k in 0..<s { gradient.elements[k + j * s] += dm + dd * candidateBase[k] }
        }
        return (values, gradient)
    }
}
