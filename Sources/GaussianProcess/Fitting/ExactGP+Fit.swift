import LinearAlgebra
import Optimization
import Sampling

extension ExactGP {
    /// Fits a GP by maximum a posteriori estimation of its hyperparameters and conditions it on the data.
    ///
    /// Inputs are mapped to the unit cube by `bounds` (or the data's range when nil) and outputs
    /// standardised; the log posterior (log marginal likelihood plus priors, BoTorch's by default) is
    /// maximised over `ln ℓ`, `ln s` and `ln σ²` by ``BoundedLBFGS`` with the analytic gradient, from
    /// ``GPFitOptions/restarts`` starts (the prior mode first). Above ``GPFitOptions/subsetThreshold``
    /// points the restarts run on a random subset and the best is polished on all the data.
    ///
    /// - Parameters:
    ///   - inputs: `n x d`, user units.
    ///   - outputs: `n` values, user units.
    ///   - kernel: the covariance shape (default Matérn-5/2).
    ///   - noise: inferred, or fixed per-point variances in user units.
    ///   - bounds: the search box per dimension (`lower`, `upper`), or nil for the data's range.
    ///   - options: fit settings.
    ///   - seed: seeds the restarts and the subset; the fit is deterministic given it.
    /// - Returns: the conditioned model and a report.
    /// - Throws: ``GPError`` for invalid data, or if no start could be evaluated.
    /// - Complexity: `O(n³)` per objective evaluation on all the data.
    public static func fit(
        inputs: Matrix,
        outputs: [Double],
        kernel: any Kernel = Matern52Kernel(),
        noise: NoiseSpecification = .inferred,
        bounds: InputNormalization? = nil,
        options: GPFitOptions = GPFitOptions(),
        seed: UInt64 = 0
    ) throws(GPError) -> (model: ExactGP, report: GPFitReport) {
        try validate(inputs: inputs, outputs: outputs)
        let n = inputs.rows
        let d = inputs.columns
        guard n > 0 else { throw .invalid("inputs", "at least one observation is needed to fit a GP") }
        try options.categorical.validate(dimension: d)
        var transform = bounds ?? .fitted(to: inputs)
        if bounds == nil {
            // A categorical input is read as its choice index: bounds 0 ... C-1, not the data's range.
            for input in options.categorical.inputs {
                transform.lower[input.dimension] = 0
                transform.upper[input.dimension] = Double(input.choices - 1)
            }
        }
        guard transform.dimension == d else {
            throw .invalid("bounds", "bounds have \(transform.dimension) dimensions, inputs have \(d)")
        }
        for j in 0..<d where !(transform.upper[j] > transform.lower[j]) {
            throw .invalid(
                "bounds",
                "dimension \(j): upper bound \(transform.upper[j]) is not above lower bound \(transform.lower[j])"
            )
        }
        let standardization =
            options.standardizeOutputs
            ? OutcomeStandardization.fitted(to: outputs, priorMean: options.priorMean) : .identity
        let y = standardization.apply(outputs)
        var fixedNoise: [Double]? = nil
        if case .fixed(let variances) = noise {
            guard variances.count == n, variances.allSatisfy({ $0 >= 0 && $0.isFinite }) else {
                throw .invalid("noise", "expected \(n) non-negative finite noise variances, got \(variances.count)")
            }
            let scale2 = standardization.scale * standardization.scale
            fixedNoise = variances.map { max($0 / scale2, 1e-12) }
        }
        let priors = options.priors ?? .botorch(dimension: d)
        let normalized = transform.apply(inputs)

        // Parameter box in log space.
        var lower = [Double](repeating: options.lengthscaleBounds.lowerBound.logNatural, count: d)
        var upper = [Double](repeating: options.lengthscaleBounds.upperBound.logNatural, count: d)
        lower.append(options.outputscaleBounds.lowerBound.logNatural)
        upper.append(options.outputscaleBounds.upperBound.logNatural)
        if fixedNoise == nil {
            lower.append(options.noiseBounds.lowerBound.logNatural)
            upper.append(options.noiseBounds.upperBound.logNatural)
        }
        if case .sparseAxisAligned(let prior) = priors.lengthscale {
            lower.append(prior.globalBounds.lowerBound.logNatural)
            upper.append(prior.globalBounds.upperBound.logNatural)
        }
        let starts = startingPoints(
            count: max(1, options.restarts),
            dimension: d,
            inferNoise: fixedNoise == nil,
            priors: priors,
            lower: lower,
            upper: upper,
            seed: seed
        )

        let full = MarginalLikelihoodObjective(
            kernel: kernel,
            normalizedInputs: normalized,
            outputs: y,
            fixedNoise: fixedNoise,
            priors: priors,
            jitter: options.jitter,
            categorical: options.categorical
        )
        var best: BoundedLBFGS.Result? = nil
        var subsetEvaluations = 0
        let useSubset = n > options.subsetThreshold && options.subsetSize < n && options.restarts > 1
        if useSubset {
            // Nested random subsets: restarts on the smallest, then polish on ever larger ones
            // (growing by `subsetGrowth`), each warm-started from the last with its curvature pairs.
            var generator = SeededGenerator(seed: seed ^ 0x5EED_5B5E)
            var permutation = Array(0..<n)
            for i in 0..<(n - 1) {
                let j = i + Int(generator.next() % UInt64(n - i))
                permutation.swapAt(i, j)
            }
            var sizes = [options.subsetSize]
            while Double(sizes.last!) * options.subsetGrowth < Double(n) {
                sizes.append(Int(Double(sizes.last!) * options.subsetGrowth))
            }
            func objective(size: Int) -> MarginalLikelihoodObjective {
                if size == n { return full }
                let chosen = Array(permutation[0..<size]).sorted()
                return MarginalLikelihoodObjective(
                    kernel: kernel,
                    normalizedInputs: normalized.selectingRows(chosen),
                    outputs: chosen.map { y[$0] },
                    fixedNoise: fixedNoise.map { noise in chosen.map { noise[$0] } },
                    priors: priors,
                    jitter: options.jitter,
                    categorical: options.categorical
                )
            }
            let first = objective(size: sizes[0])
            var current: BoundedLBFGS.Result? = nil
            for start in starts {
                let result = options.polish.minimize(first.evaluate, start: start, lower: lower, upper: upper)
                if result.value.isFinite, result.value < (current?.value ?? .infinity) { current = result }
            }
            subsetEvaluations += first.evaluations
            var previousSize = sizes[0]
            for size in sizes.dropFirst() + [n] {
                guard let warm = current else { break }
                let level = objective(size: size)
                // The data term grows about linearly in n, so curvature pairs scale by the size ratio.
                current = options.polish.minimize(
                    level.evaluate,
                    start: warm.x,
                    lower: lower,
                    upper: upper,
                    initialMemory: warm.memory.scalingCurvature(by: Double(size) / Double(previousSize))
                )
                if size != n { subsetEvaluations += level.evaluations }
                previousSize = size
            }
            best = current
        }
        if best == nil || !(best!.value.isFinite) {
            best = nil
            for start in starts {
                let result = options.optimizer.minimize(full.evaluate, start: start, lower: lower, upper: upper)
                if result.value.isFinite, result.value < (best?.value ?? .infinity) { best = result }
            }
        }
        guard let best, best.value.isFinite else {
            throw GPError(
                code: .numericalFailure,
                message: "no starting point gave a factorable covariance; the data may be degenerate"
            )
        }
        let theta = best.x
        let hyperparameters = KernelHyperparameters(
            lengthscales: (0..<d).map { theta[$0].exponential },
            outputscale: theta[d].exponential
        )
        let noiseVariances = fixedNoise ?? [theta[d + 1].exponential]
        let model = try ExactGP(
            kernel: kernel,
            hyperparameters: hyperparameters,
            noiseVariances: noiseVariances,
            inputs: inputs,
            outputs: outputs,
            inputTransform: transform,
            outcomeTransform: standardization,
            jitter: options.jitter,
            categorical: options.categorical
        )
        let report = GPFitReport(
            negativeLogPosterior: best.value,
            logMarginalLikelihood: model.logMarginalLikelihood,
            fullEvaluations: full.evaluations,
            subsetEvaluations: subsetEvaluations,
            usedSubset: useSubset
        )
        return (model, report)
    }

    /// The prior mode, then draws from the priors, clamped to the box.
    static func startingPoints(
        count: Int,
        dimension d: Int,
        inferNoise: Bool,
        priors: GPPriors,
        lower: [Double],
        upper: [Double],
        seed: UInt64
    ) -> [[Double]] {
        var generator = SeededGenerator(seed: seed)
        var starts: [[Double]] = []
        let outputscalePrior = priors.outputscale ?? LogNormalPrior(location: 0, scale: 1)
        let noisePrior = priors.noise ?? .botorchNoise
        // Under SAAS: lengthscales about 1 in the unit cube and τ at its prior's scale (a moderate
        // shrinkage the fit can relax or tighten per dimension), then log-normal draws around them.
        let lengthscaleStart: LogNormalPrior
        var globalStart: LogNormalPrior? = nil
        switch priors.lengthscale {
        case .logNormal(let prior): lengthscaleStart = prior
        case .sparseAxisAligned(let prior):
            lengthscaleStart = LogNormalPrior(location: 1, scale: 1)
            globalStart = LogNormalPrior(location: prior.globalScale.logNatural + 1, scale: 1)
        }
        for index in 0..<count {
            var theta: [Double] = []
            if index == 0 {
                theta += [Double](repeating: lengthscaleStart.mode.logNatural, count: d)
                theta.append(0)
                if inferNoise { theta.append(noisePrior.mode.logNatural) }
                if let globalStart { theta.append(globalStart.mode.logNatural) }
            } else {
                for _ in 0..<d {
                    theta.append(lengthscaleStart.location + lengthscaleStart.scale * generator.nextNormal())
                }
                theta.append(outputscalePrior.location + 0.5 * outputscalePrior.scale * generator.nextNormal())
                if inferNoise { theta.append(noisePrior.location + noisePrior.scale * generator.nextNormal()) }
                if let globalStart { theta.append(globalStart.location + globalStart.scale * generator.nextNormal()) }
            }
            for i in theta.indices { theta[i] = min(max(theta[i], lower[i]), upper[i]) }
            starts.append(theta)
        }
        return starts
    }
}

extension Double {
    var exponential: Double { naturalExp(self) }
}
