import Acquisition
import GaussianProcess
import LinearAlgebra
import Sampling

/// Active learning of excursion sets with Gaussian processes: a Sobol start, then batches chosen by
/// a ``LevelSetCriterion`` with one GP per output (fitted by MAP, noise fixed at 1e-6 for
/// deterministic simulations), until the budget is spent.
///
/// Use ``run(budget:seed:gridPerSide:)`` for a test function with known truth, or ``suggest(count:inputs:outputs:seed:)``
/// step by step with your own evaluations (the `paretopilot excursion --evaluator` loop).
public struct LevelSetEstimator: Sendable {
    public var problem: LevelSetProblem
    public var batch: Int
    public var initialDesign: Int
    public var criterion: LevelSetCriterion = .straddle
    /// Raw samples and restarts of the straddle's quasi-Newton search.
    public var optimizer = AcquisitionOptimizer(rawSamples: 512, restarts: 8)
    /// Quasi-random candidates scored by the candidate-based criteria (tMSE, entropy, SUR).
    public var candidateCount = 2048
    /// The GP kernel (a name in `KernelRegistry`).
    public var kernel = "matern52"
    /// The true functions, when known (test problems): one per output.
    public var truth: [@Sendable ([Double]) -> Double]?

    /// - Parameters:
    ///   - problem: Inputs, outputs and thresholds.
    ///   - batch: Designs per round.
    ///   - initialDesign: Sobol designs before the first model (default `2d + 2`, at least 4, rounded
    ///     up to a multiple of `batch`).
    public init(problem: LevelSetProblem, batch: Int = 4, initialDesign: Int? = nil) {
        self.problem = problem
        self.batch = batch
        // 2d + 2 Sobol points (at least 4), rounded up to whole batches so that evaluations come
        // in steps of the batch size.
        let minimum = max(2 * problem.dimension + 2, 4)
        self.initialDesign = initialDesign ?? (minimum + batch - 1) / max(batch, 1) * max(batch, 1)
    }

    /// The outcome of a run against known truth.
    public struct Result: Sendable {
        public var evaluations: Int
        /// Fraction of grid points classified correctly by the posterior means (mean over outputs).
        public var accuracy: Double
        /// Mean over classes of the fraction of each class's grid points recovered (mean over outputs).
        public var balancedAccuracy: Double
        public var inputs: [[Double]]
        public var outputs: [[Double]]
        public var models: [ExactGP]
        /// Accuracy after each round: (evaluations so far, accuracy).
        public var history: [(evaluations: Int, accuracy: Double)]
    }

    // MARK: Step by step

    /// The first designs: scrambled Sobol points.
    public func initialDesigns(seed: UInt64) -> [[Double]] {
        sobolDesigns(count: initialDesign, skip: 0, seed: seed)
    }

    func sobolDesigns(count: Int, skip: Int, seed: UInt64) -> [[Double]] {
        let map = UnitCubeMap(lower: problem.lower, upper: problem.upper)
        var sobol = SobolSequence(dimension: problem.dimension, scrambled: true, seed: seed)
        if skip > 0 { sobol.skip(skip) }
        return (0..<count).map { _ in map.point(sobol.next()) }
    }

    /// One GP per output, fitted to `outputs[i][k]` (design `i`, output `k`).
    public func fit(inputs: [[Double]], outputs: [[Double]], seed: UInt64) throws -> [ExactGP] {
        var options = GPFitOptions()
        options.noiseBounds = 1e-6...1e-6
        return try (0..<problem.outputs.count).map { k in
            try ExactGP.fit(
                inputs: Matrix(rowArrays: inputs),
                outputs: outputs.map { $0[k] },
                kernel: KernelRegistry.kernel(named: kernel) ?? Matern52Kernel(),
                bounds: InputNormalization(lower: problem.lower, upper: problem.upper),
                options: options,
                seed: seed &+ UInt64(k)
            ).model
        }
    }

    /// The next `count` designs after the observations so far (the initial design first).
    public func suggest(count: Int, inputs: [[Double]], outputs: [[Double]], seed: UInt64) throws -> [[Double]] {
        if inputs.count < initialDesign || criterion == .uniform {
            return sobolDesigns(count: count, skip: inputs.count, seed: seed)
        }
        let models = try fit(inputs: inputs, outputs: outputs, seed: seed &+ UInt64(inputs.count))
        return nextBatch(models, count: count, seed: seed &+ UInt64(inputs.count) &* 7919)
    }

    /// A batch by kriging believer: each design chosen on the models conditioned on the previous
    /// ones at their predicted means.
    func nextBatch(_ models: [ExactGP], count: Int, seed: UInt64) -> [[Double]] {
        var believers = models
        var chosen: [[Double]] = []
        let context = criterion == .sur || criterion == .entropy ? GridContext(problem: problem) : nil
        for k in 0..<count {
            let x = choose(believers, context: context, seed: seed &+ UInt64(k) &* 104_729)
            chosen.append(x)
            for (index, model) in believers.enumerated() {
                let mean = model.posterior(at: Matrix(rowArrays: [x])).mean[0]
                believers[index] = (try? model.conditioned(on: Matrix(rowArrays: [x]), outputs: [mean])) ?? model
            }
        }
        return chosen
    }

    func choose(_ models: [ExactGP], context: GridContext?, seed: UInt64) -> [Double] {
        let map = UnitCubeMap(lower: problem.lower, upper: problem.upper)
        if criterion == .straddle && models.count == 1 && problem.thresholds[0].count == 1 {
            let best = optimizer.maximize(
                StraddleAcquisition(model: models[0], threshold: problem.thresholds[0][0], map: map),
                seed: seed
            )
            if let point = best.first?.point { return map.point(point) }
        }
        var sobol = SobolSequence(dimension: problem.dimension, scrambled: true, seed: seed)
        let candidates = (0..<candidateCount).map { _ in map.point(sobol.next()) }
        let scores = LevelSetScores(problem: problem, models: models, context: context).scores(
            candidates,
            criterion: criterion
        )
        var best = 0
        for i in scores.indices where scores[i] > scores[best] { best = i }
        return candidates[best]
    }

    // MARK: Against known truth

    /// Runs to `budget` evaluations of the true functions and scores the final models on a grid of
    /// `gridPerSide` points per side.
    public func run(budget: Int, seed: UInt64, gridPerSide: Int = 100) throws -> Result {
        guard let truth, truth.count == problem.outputs.count else {
            throw LevelSetError("run(budget:seed:) needs the true function of every output")
        }
        func evaluate(_ x: [Double]) -> [Double] { truth.map { $0(x) } }
        var inputs = Array(initialDesigns(seed: seed).prefix(budget))
        var outputs = inputs.map(evaluate)
        var models = try fit(inputs: inputs, outputs: outputs, seed: seed)
        let grid = problem.grid(perSide: gridPerSide)
        let truthLabels = (0..<problem.outputs.count).map { k in grid.map { problem.label(truth[k]($0), output: k) } }
        var history = [(inputs.count, score(models, grid: grid, truth: truthLabels).accuracy)]
        var round: UInt64 = 0
        while inputs.count < budget {
            let q = min(batch, budget - inputs.count)
            let chosen =
                criterion == .uniform
                ? sobolDesigns(count: q, skip: inputs.count, seed: seed)
                : nextBatch(models, count: q, seed: seed &+ round &* 1000)
            inputs += chosen
            outputs += chosen.map(evaluate)
            models = try fit(inputs: inputs, outputs: outputs, seed: seed &+ round)
            history.append((inputs.count, score(models, grid: grid, truth: truthLabels).accuracy))
            round += 1
        }
        let (accuracy, balanced) = score(models, grid: grid, truth: truthLabels)
        return Result(
            evaluations: inputs.count,
            accuracy: accuracy,
            balancedAccuracy: balanced,
            inputs: inputs,
            outputs: outputs,
            models: models,
            history: history
        )
    }

    /// Accuracy and balanced accuracy of the posterior means' labels on `grid`, averaged over outputs.
    func score(_ models: [ExactGP], grid: [[Double]], truth: [[Int]]) -> (accuracy: Double, balanced: Double) {
        var accuracy = 0.0
        var balanced = 0.0
        for (k, model) in models.enumerated() {
            let mean = model.posterior(at: Matrix(rowArrays: grid)).mean
            let classes = problem.thresholds[k].count + 1
            var hits = [Int](repeating: 0, count: classes)
            var totals = [Int](repeating: 0, count: classes)
            var correct = 0
            for i in grid.indices {
                let actual = truth[k][i]
                totals[actual] += 1
                if problem.label(mean[i], output: k) == actual {
                    hits[actual] += 1
                    correct += 1
                }
            }
            accuracy += Double(correct) / Double(grid.count)
            let recalls = (0..<classes).filter { totals[$0] > 0 }.map { Double(hits[$0]) / Double(totals[$0]) }
            balanced += recalls.reduce(0, +) / Double(max(recalls.count, 1))
        }
        return (accuracy / Double(models.count), balanced / Double(models.count))
    }

    /// Accuracy of models on a grid of `gridPerSide` points per side against the known truth.
    public func score(_ models: [ExactGP], gridPerSide: Int) -> (accuracy: Double, balanced: Double) {
        guard let truth else { return (.nan, .nan) }
        let grid = problem.grid(perSide: gridPerSide)
        let labels = (0..<problem.outputs.count).map { k in grid.map { problem.label(truth[k]($0), output: k) } }
        return score(models, grid: grid, truth: labels)
    }
}

/// An error of active learning, with what went wrong.
public struct LevelSetError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
