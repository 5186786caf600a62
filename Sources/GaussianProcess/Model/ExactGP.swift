import LinearAlgebra

/// Exact Gaussian-process regression with a stationary ARD kernel, conditioned on data.
///
/// The model works in normalised units: inputs mapped to the unit cube by ``inputTransform``,
/// outputs standardised by ``outcomeTransform``; hyperparameters (``kernelHyperparameters``,
/// ``noiseVariances``) are in those units. Every query takes and returns the user's units.
///
/// Conditioning factors `K + diag(noise)` once (`dpotrf`, with jitter escalation) and keeps the
/// factor, so a posterior at `m` points costs `O(n² m)` (one `dtrsm`), and adding observations
/// without refitting (``conditioned(on:outputs:noiseVariances:)``) costs `O(n² k)`.
/// Build one with ``fit(inputs:outputs:kernel:noise:bounds:options:seed:)`` to learn
/// hyperparameters, or with ``init(kernel:hyperparameters:noiseVariances:inputs:outputs:inputTransform:outcomeTransform:jitter:)``
/// to use given ones.
public struct ExactGP: Sendable {
    /// The covariance shape.
    public let kernel: any Kernel
    /// Lengthscales (unit-cube units) and output scale (standardised units).
    public let kernelHyperparameters: KernelHyperparameters
    /// Observation noise variance per training point, in standardised units.
    public let noiseVariances: [Double]
    /// True when the noise variance was inferred (one value for all points), false when given.
    public let inferredNoise: Bool
    /// Maps user inputs to the unit cube.
    public let inputTransform: InputNormalization
    /// Maps user outputs to standardised ones.
    public let outcomeTransform: OutcomeStandardization
    /// The inputs the kernel treats as categorical (overlap distance), none by default.
    public let categorical: CategoricalInputs
    /// Training inputs, `n x d`, user units.
    public let trainingInputs: Matrix
    /// Training outputs, user units.
    public let trainingOutputs: [Double]
    /// Diagonal jitter the Cholesky factorisation needed (0 when none).
    public var jitter: Double { cholesky.jitter }

    let center: [Double]
    let scaledTraining: ScaledInputs
    let modelOutputs: [Double]
    let cholesky: CholeskyFactor
    /// `(K + diag(noise))⁻¹ y` in model units.
    let alpha: [Double]

    /// Number of training points.
    public var count: Int { trainingOutputs.count }
    /// Number of input dimensions.
    public var dimension: Int { trainingInputs.columns }

    /// Conditions a GP with fixed hyperparameters on data.
    ///
    /// - Parameters:
    ///   - kernel: the covariance shape.
    ///   - hyperparameters: lengthscales (unit-cube units, one per dimension) and output scale.
    ///   - noiseVariances: noise variance per point in standardised units, or one value for all.
    ///   - inputs: `n x d` training inputs, user units.
    ///   - outputs: `n` training outputs, user units.
    ///   - inputTransform: defaults to the identity (inputs already in the unit cube).
    ///   - outcomeTransform: defaults to the identity (no standardisation).
    ///   - jitter: the Cholesky jitter policy.
    ///   - categorical: inputs compared by overlap rather than by distance (their bounds `0 ... C-1`).
    /// - Throws: ``GPError`` for inconsistent shapes, non-finite data, or a failed factorisation.
    /// - Complexity: `O(n² d + n³/3)`.
    public init(
        kernel: any Kernel,
        hyperparameters: KernelHyperparameters,
        noiseVariances: [Double],
        inputs: Matrix,
        outputs: [Double],
        inputTransform: InputNormalization? = nil,
        outcomeTransform: OutcomeStandardization = .identity,
        jitter: JitterPolicy = .default,
        categorical: CategoricalInputs = .none
    ) throws(GPError) {
        try Self.validate(inputs: inputs, outputs: outputs)
        let n = inputs.rows
        let d = inputs.columns
        try categorical.validate(dimension: d)
        guard hyperparameters.lengthscales.count == d else {
            throw .invalid("lengthscales", "expected \(d) lengthscales, got \(hyperparameters.lengthscales.count)")
        }
        guard hyperparameters.lengthscales.allSatisfy({ $0 > 0 && $0.isFinite }),
            hyperparameters.outputscale > 0, hyperparameters.outputscale.isFinite
        else {
            throw .invalid("hyperparameters", "lengthscales and output scale must be positive and finite")
        }
        let noise = noiseVariances.count == 1 ? [Double](repeating: noiseVariances[0], count: n) : noiseVariances
        guard noise.count == n, noise.allSatisfy({ $0 >= 0 && $0.isFinite }) else {
            throw .invalid("noiseVariances", "expected one or \(n) non-negative finite noise variances")
        }
        let transform = inputTransform ?? .identity(dimension: d)
        guard transform.dimension == d else {
            throw .invalid("bounds", "bounds have \(transform.dimension) dimensions, inputs have \(d)")
        }
        let normalized = transform.apply(inputs)
        let center = (0..<d).map { j in n > 0 ? normalized.column(j).reduce(0, +) / Double(n) : 0.5 }
        let scaled = ScaledInputs(
            normalized,
            center: center,
            lengthscales: hyperparameters.lengthscales,
            categorical: categorical
        )
        let y = outcomeTransform.apply(outputs)

        var covariance = Matrix(rows: n, columns: n)
        scaled.squaredDistancesLower(into: &covariance)
        covariance.elements.withUnsafeMutableBufferPointer { kernel.correlations(fromSquaredDistances: $0) }
        let s = hyperparameters.outputscale
        for j in 0..<n {
            for i in j..<n { covariance.elements[i + j * n] *= s }
            covariance.elements[j * (n + 1)] += noise[j]
        }
        let factor: CholeskyFactor
        do {
            factor = try CholeskyFactor(factoring: covariance, policy: jitter)
        } catch {
            throw GPError(
                code: .numericalFailure,
                message: "the training covariance could not be factored",
                cause: error
            )
        }
        self.kernel = kernel
        self.kernelHyperparameters = hyperparameters
        self.noiseVariances = noise
        self.inferredNoise = noiseVariances.count == 1
        self.inputTransform = transform
        self.outcomeTransform = outcomeTransform
        self.categorical = categorical
        self.trainingInputs = inputs
        self.trainingOutputs = outputs
        self.center = center
        self.scaledTraining = scaled
        self.modelOutputs = y
        self.cholesky = factor
        self.alpha = factor.solve(y)
    }

    private init(copying base: ExactGP, inputs: Matrix, outputs: [Double], noise: [Double], factor: CholeskyFactor) {
        self.kernel = base.kernel
        self.kernelHyperparameters = base.kernelHyperparameters
        self.noiseVariances = noise
        self.inferredNoise = base.inferredNoise
        self.inputTransform = base.inputTransform
        self.outcomeTransform = base.outcomeTransform
        self.categorical = base.categorical
        self.trainingInputs = inputs
        self.trainingOutputs = outputs
        self.center = base.center
        self.scaledTraining = ScaledInputs(
            base.inputTransform.apply(inputs),
            center: base.center,
            lengthscales: base.kernelHyperparameters.lengthscales,
            categorical: base.categorical
        )
        self.modelOutputs = base.outcomeTransform.apply(outputs)
        self.cholesky = factor
        self.alpha = factor.solve(self.modelOutputs)
    }

    static func validate(inputs: Matrix, outputs: [Double]) throws(GPError) {
        guard inputs.rows == outputs.count else {
            throw .invalid("outputs", "got \(outputs.count) outputs for \(inputs.rows) input points")
        }
        guard inputs.columns > 0 else { throw .invalid("inputs", "inputs need at least one dimension") }
        if let bad = inputs.elements.firstIndex(where: { !$0.isFinite }) {
            throw .invalid(
                "inputs",
                "input point \(bad % max(inputs.rows, 1)), dimension \(bad / max(inputs.rows, 1)) is \(inputs.elements[bad])"
            )
        }
        if let bad = outputs.firstIndex(where: { !$0.isFinite }) {
            throw .invalid("outputs", "output \(bad) is \(outputs[bad])")
        }
    }

    /// The log marginal likelihood `log p(y | θ)` of the standardised training outputs.
    public var logMarginalLikelihood: Double {
        let n = Double(count)
        var quadratic = 0.0
        for i in 0..<count { quadratic += modelOutputs[i] * alpha[i] }
        return -0.5 * quadratic - 0.5 * cholesky.logDeterminant - 0.5 * n * (2 * Double.pi).logNatural
    }

    /// The leave-one-out log predictive density of the training outputs (standardised units),
    /// `Σ_i log N(y_i; μ_{-i}, σ²_{-i})` with the closed forms `μ_{-i} = y_i - [K⁻¹y]_i / [K⁻¹]_ii` and
    /// `σ²_{-i} = 1 / [K⁻¹]_ii` (Rasmussen and Williams 2006, eq. 5.12): a model-selection score
    /// that, unlike the marginal likelihood, does not depend on the hyperparameter priors.
    ///
    /// - Complexity: `O(n³)` (the inverse of the factor).
    public var leaveOneOutLogPredictiveDensity: Double {
        let n = count
        guard n > 0 else { return 0 }
        let inverse = cholesky.inverse(fillingUpper: false)
        var total = 0.0
        for i in 0..<n {
            let precision = max(inverse.elements[i + i * n], 1e-300)
            let residual = alpha[i] / precision
            total += 0.5 * (precision.logNatural - (2 * Double.pi).logNatural) - 0.5 * residual * residual * precision
        }
        return total
    }

    /// The model with more observations, under the same hyperparameters and transforms.
    ///
    /// The Cholesky factor is extended by a block update (``CholeskyFactor/appending(cross:block:policy:)``)
    /// instead of refactorised; this is how pending evaluations are "fantasised".
    ///
    /// - Parameters:
    ///   - inputs: `k x d` new inputs, user units.
    ///   - outputs: `k` new outputs (observed or fantasised), user units.
    ///   - noiseVariances: noise per new point in standardised units; defaults to the model's
    ///     inferred noise, or the mean of its fixed noise.
    /// - Complexity: `O(n² k + k³)`.
    public func conditioned(
        on inputs: Matrix,
        outputs: [Double],
        noiseVariances: [Double]? = nil
    ) throws(GPError) -> ExactGP {
        try Self.validate(inputs: inputs, outputs: outputs)
        guard inputs.columns == dimension else {
            throw .invalid("inputs", "new points have \(inputs.columns) dimensions, the model has \(dimension)")
        }
        let k = inputs.rows
        if k == 0 { return self }
        let defaultNoise = noiseVariances?.first ?? (self.noiseVariances.reduce(0, +) / Double(max(count, 1)))
        let newNoise =
            noiseVariances.map { $0.count == 1 ? [Double](repeating: $0[0], count: k) : $0 }
            ?? [Double](repeating: defaultNoise, count: k)
        guard newNoise.count == k else { throw .invalid("noiseVariances", "expected 1 or \(k) noise variances") }
        let scaledNew = scaled(inputs)
        let s = kernelHyperparameters.outputscale
        var cross = Matrix(rows: count, columns: k)
        scaledTraining.squaredDistances(to: scaledNew, into: &cross)
        cross.elements.withUnsafeMutableBufferPointer { kernel.correlations(fromSquaredDistances: $0) }
        cross = s * cross
        var block = Matrix(rows: k, columns: k)
        scaledNew.squaredDistancesLower(into: &block)
        block.elements.withUnsafeMutableBufferPointer { kernel.correlations(fromSquaredDistances: $0) }
        block = s * block
        for i in 0..<k { block[i, i] += newNoise[i] }
        let factor: CholeskyFactor
        do {
            factor = try cholesky.appending(cross: cross, block: block)
        } catch {
            throw GPError(code: .numericalFailure, message: "conditioning on new points failed", cause: error)
        }
        return ExactGP(
            copying: self,
            inputs: trainingInputs.appendingRows(inputs),
            outputs: trainingOutputs + outputs,
            noise: self.noiseVariances + newNoise,
            factor: factor
        )
    }
}

extension Double {
    var logNatural: Double { naturalLog(self) }
}
