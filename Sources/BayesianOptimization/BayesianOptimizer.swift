import Acquisition
import GaussianProcess
import LinearAlgebra
import Memberwise
import Pareto
import Sampling

/// Evaluated designs: inputs, objective values (minimised) and outcome-constraint values (feasible when `<= 0`).
@MemberwiseInit
public struct Observations: Sendable {
    public var inputs: [[Double]] = []
    public var objectives: [[Double]] = []
    public var constraints: [[Double]] = []
    /// Designs that turned out infeasible without outputs (an unknown constraint: a workflow step
    /// declared the design infeasible). The optimiser fits a feasibility model to them and the
    /// evaluated designs and weights its acquisition by the probability of feasibility.
    public var infeasibleInputs: [[Double]] = []

    public var count: Int { inputs.count }

    /// Whether observation `i` satisfies every constraint.
    public func isFeasible(_ i: Int) -> Bool { constraints.isEmpty || constraints[i].allSatisfy { $0 <= 0 } }
}

/// What the optimiser assumes about the noise of the evaluations.
public enum ObservationNoise: String, Sendable, CaseIterable {
    /// One noise variance per output, learned with the GP (BoTorch's default; for stochastic simulations).
    case inferred
    /// Evaluations are exact (a deterministic simulator): the GP interpolates, with a noise floor of
    /// 1e-6 of the output variance for numerical stability.
    case deterministic
}

/// Which acquisition function proposes candidates.
public enum AcquisitionChoice: String, Sendable, CaseIterable {
    /// qLogNEHVI for two to four objectives, qNParEGO above, LogEI for one (NEI with constraints).
    case auto
    case qlognehvi
    case qnparego
    case logei
    case ucb
    /// Trust-region search with Thompson sampling (``TrustRegionSettings``): for many parameters,
    /// large budgets and large batches.
    case trustRegion = "trust_region"
    /// Quasi-random search only (a baseline).
    case sobol
}

/// Which surrogate model the optimiser fits to each output.
public enum ModelChoice: String, Sendable, CaseIterable {
    /// The rule of ``BayesianOptimizer/resolvedModel``.
    case auto
    /// An exact GP with BoTorch's dimension-scaled log-normal lengthscale prior.
    case gp
    /// An exact GP under the sparse axis-aligned subspace prior (SAAS), fitted by MAP: for many
    /// parameters of which few matter.
    case saas
}

/// Proposes the next designs to evaluate: a space-filling design first, then Bayesian optimisation
/// with one GP per objective and constraint, with the designs still running treated as pending.
///
/// Stateless: every call looks at the observations and the pending designs it is given, so the
/// study engine can ask at any moment, with any number of evaluations in flight.
public struct BayesianOptimizer: Sendable {
    public var space: SearchSpace
    public var objectiveCount: Int
    public var constraintCount: Int
    /// Reference point (minimisation); inferred from the observed front when nil.
    public var referencePoint: [Double]?
    public var acquisition: AcquisitionChoice = .auto
    /// Number of initial quasi-random designs; when nil, `2 (d + 1)`, but from 10 parameters on with
    /// a ``budget`` at most a twentieth of it unless that is below 10 (``defaultInitialDesignSize``).
    public var initialDesignSize: Int?
    public var monteCarloSamples = 128
    public var optimizer = AcquisitionOptimizer()
    public var kernel: any Kernel = Matern52Kernel()
    /// GP fitting settings; more restarts than a one-off fit, since small-data fits in the loop are
    /// cheap and a poor local optimum of the likelihood misleads every later ask.
    ///
    /// The models' prior mean is the worst value observed (``PriorMean/observedMaximum``: every
    /// output is minimised here, constraints and the feasibility labels included) rather than the
    /// mean. With the mean, a design far from the data is predicted as average with the largest
    /// variance, and in 10 or more dimensions the acquisitions spent tens of evaluations on the
    /// cube's faces and corners (DTLZ2 d=10: 26 of the 30 designs after the initial 20 had
    /// a distance coordinate at a bound). Measured with `bench mobo` (q=4, median HV, the mean /
    /// the worst value, same session): DTLZ2 M=3 d=10, 100, 5 seeds 0.619 / 0.64995; d=30, 150,
    /// 0.243 / 0.385; d=16, 120, 3 seeds 0.446 / 0.523; `mixeddtlz2` 50, 10 seeds 0.373 / 0.383;
    /// DTLZ2 d=6 M=2 60 0.361 / 0.389; DTLZ1 d=6 M=2 60 157,312 / 157,208; ZDT3 60 128.31 / 128.30.
    /// A prior mean above the worst value (mean + 5 sd) was better still at d=30 and worse where
    /// the front has to be found far from the data (ZDT3 126.93).
    public var fitOptions: GPFitOptions = {
        var options = GPFitOptions()
        options.restarts = 8
        options.priorMean = .observedMaximum
        return options
    }()
    /// Noise model of the evaluations.
    public var observationNoise: ObservationNoise = .inferred
    /// The surrogate model of every output.
    public var model: ModelChoice = .auto
    /// Batches in flight of at least this many designs (the new ones and the pending ones, with two
    /// or more objectives) come from Thompson sampling of the global models (``thompsonDesigns``)
    /// instead of sequential greedy qLogNEHVI or qNParEGO, whose cost grows with every design of
    /// the batch and every pending one (each is a point of the baseline the improvement integrates
    /// over): what lets many pilots be served. With 200 pilots running, a greedy qLogNEHVI of one
    /// design took 5 to 7 s at 1,000 observations and a batch of 14 took 70 s; Thompson batches of
    /// 50 took 0.4 to 0.6 s. (`Int.max` turns it off.)
    public var thompsonBatchThreshold = 16

    /// Whether suggestions come from global GP models whose hyperparameters are worth keeping
    /// between suggestions (not Sobol designs, not the trust regions' local models).
    public var keepsGlobalModels: Bool { ![.sobol, .trustRegion].contains(resolvedAcquisition) }

    /// Studies with at least this many observations get Thompson designs however few are asked
    /// for: a greedy qLogNEHVI design (ToyTracker, three objectives, one at a time) took 0.33 s
    /// at 300 observations, 1.05 s at 600 and 3.3 to 4 s from 1,000 to 10,000 (the models are
    /// capped at ``maximumModelPoints``, the acquisition's optimisation is not), a Thompson design
    /// 0.28 s at 10,000.
    public var thompsonObservationThreshold = 500

    /// From this many parameters on, Thompson batches (``usesThompsonBatch(count:pending:observations:)``)
    /// come from the trust regions' local models (``AcquisitionChoice/trustRegion``) instead of the
    /// global ones. In batches of 50, one thread: DTLZ2 d=100 M=2, 2,000 evaluations (seed 0), the
    /// global models' batches ended at hypervolume 0 (distance function g 0.22) in 11.2 s per
    /// batch, the trust regions' at 0.204 (g 0.06) in 8.0 s; DTLZ2 d=10 M=3, 1,000 evaluations
    /// (seeds 0, 1), 0.731 and 0.731 against 0.762 and 0.766. (`Int.max` turns it off.)
    public var trustRegionBatchDimension = 10

    /// Whether `count` new designs with `pending` in flight, from `observations` results, come
    /// from Thompson sampling (see ``thompsonBatchThreshold`` and ``thompsonObservationThreshold``)
    /// rather than the greedy batch of the acquisition.
    public func usesThompsonBatch(count: Int, pending: Int, observations: Int = 0) -> Bool {
        (count + pending >= thompsonBatchThreshold || observations >= thompsonObservationThreshold)
            && objectiveCount >= 2 && [.qlognehvi, .qnparego].contains(resolvedAcquisition)
    }

    /// Score every design of a small fully discrete space (``discreteUnitDesigns()``) instead of
    /// optimising a continuous relaxation and rounding. Off by default: on a 6 x 6 x 6 grid with
    /// two objectives (14 evaluations, 10 seeds) it reached a median hypervolume of 4.918 against
    /// the relaxation's 4.950 (maximum 5.050), the exact acquisition maximum favouring the grid's
    /// corners more than rounded continuous optima do.
    public var exhaustiveDiscreteSearch = false
    /// Fit the outputs' models at once, one per core (``OutputParallelism``), instead of one after
    /// the other; the models are the same either way. Off by default, so that a benchmark's "one
    /// thread" means one; the server turns it on.
    public var parallelOutputFits = false
    /// How the models see categorical parameters: by overlap (default; see ``CategoricalEncoding``)
    /// or as an ordinal index like an integer (the relaxation, kept as a control).
    public var categoricalEncoding: CategoricalEncoding = .overlap
    /// Hyperparameters of each output's model (objectives, then constraints) from an earlier fit:
    /// when set, the global models are conditioned on the data under them instead of being fitted,
    /// one Cholesky factorisation per output instead of a quasi-Newton search with restarts.
    /// (Trust-region search fits its local models regardless.)
    public var reusedHyperparameters: [OutputHyperparameters]? = nil
    /// The most observations the global models are fitted to and conditioned on: past it, a subset
    /// (``Observations/modelSubset(limit:seed:)``: the best Pareto ranks and a uniform sample of the
    /// rest), so that a suggestion costs at most `O(limit³)` per output and `O(limit²)` memory however
    /// many evaluations a study has. Measured against the exact GP at n = 2,000 (d = 6): see
    /// `ModelSubsetTests`.
    public var maximumModelPoints = 1000
    /// Settings of ``AcquisitionChoice/trustRegion``.
    public var trustRegion = TrustRegionSettings()
    /// From this many parameters on, the greedy acquisitions (qLogNEHVI, qNParEGO, LogEI, UCB) are
    /// maximised inside trust regions (``acquisitionRegions(_:reference:batch:)``) instead of the
    /// whole box: in many dimensions a global model's uncertainty is largest in the corners, far
    /// from every observation, and a global search goes there (on DTLZ2 d=30 M=3 every design
    /// qLogNEHVI proposed after the initial design had coordinates at 0 or 1 and none improved on
    /// it). `Int.max` turns it off.
    public var localAcquisitionDimension = 10
    /// Designs searched in turn in different boxes (trust regions, and the whole cube below
    /// ``globalAcquisitionSlotDimension``).
    public var acquisitionRegionCount = 4
    /// Below this many parameters one of the ``acquisitionRegionCount`` boxes is the whole cube.
    public var globalAcquisitionSlotDimension = 20
    /// The study's total number of evaluations, when known: trust-region search shrinks its
    /// perturbations and fresh regions as the budget is spent.
    public var budget: Int?
    /// Linear constraints between parameters, `Σ a_j x_j <= b` in the search space's coordinates.
    public var linearConstraints: [(coefficients: [Double], bound: Double)] = []

    /// The linear constraints in unit-cube coordinates.
    var unitConstraints: [UnitLinearConstraint] {
        linearConstraints.map { constraint in
            var coefficients = [Double](repeating: 0, count: space.dimension)
            var bound = constraint.bound
            for j in 0..<space.dimension {
                coefficients[j] = constraint.coefficients[j] * (space.upper[j] - space.lower[j])
                bound -= constraint.coefficients[j] * space.lower[j]
            }
            return UnitLinearConstraint(coefficients: coefficients, bound: bound)
        }
    }

    /// Whether a design (search-space coordinates) satisfies the linear constraints.
    public func satisfiesLinearConstraints(_ x: [Double]) -> Bool {
        linearConstraints.allSatisfy { c in
            zip(c.coefficients, x).reduce(0) { $0 + $1.0 * $1.1 } <= c.bound + 1e-9 * max(1, abs(c.bound))
        }
    }

    public init(space: SearchSpace, objectiveCount: Int, constraintCount: Int = 0, referencePoint: [Double]? = nil) {
        self.space = space
        self.objectiveCount = objectiveCount
        self.constraintCount = constraintCount
        self.referencePoint = referencePoint
    }

    /// The acquisition actually used for this many objectives.
    public var resolvedAcquisition: AcquisitionChoice {
        guard acquisition == .auto else { return acquisition }
        switch objectiveCount {
        case 1: return constraintCount > 0 ? .qnparego : .logei
        case 2...4: return .qlognehvi
        default: return .qnparego
        }
    }

    var initialCount: Int { initialDesignSize ?? defaultInitialDesignSize }

    /// The initial design without ``initialDesignSize``: `2 (d + 1)` scrambled Sobol points; from 10
    /// parameters on, when the budget is known, at most `max(10, budget / 20)` (10, AID(2)E's
    /// choice, up to a budget of 200), so that in many dimensions the budget goes to the models,
    /// whose prior mean at the worst observation (``fitOptions``) keeps their exploration off the
    /// cube's faces. Measured with `bench mobo` (DTLZ2 M=3, q=4, median HV, 20 initial designs /
    /// 10, same session): d=30, 150, 5 seeds 0.385 / 0.432 (minimum 0.129 / 0.391); d=16, 120, 3
    /// seeds 0.523 / 0.577; d=10, 100, 10 seeds 0.648 / 0.648; DTLZ2 M=2 d=100, 2,000 in batches
    /// of 50, 200 / 100 initial designs, 5 seeds 0.301 / 0.329. Below 10 parameters it stays
    /// `2 (d + 1)`: 10 there changed nothing beyond the seeds' spread (DTLZ2 d=6 M=2, VehicleSafety,
    /// ZDT3, C2DTLZ2, `mixeddtlz2`, 10 seeds each).
    public var defaultInitialDesignSize: Int {
        let rule = 2 * (space.dimension + 1)
        guard let budget, space.dimension >= 10 else { return rule }
        return min(rule, max(10, budget / 20))
    }

    /// Observations before model-based suggestions start: the initial design's size (at least 2).
    public var initialDesignCount: Int { max(initialCount, 2) }

    /// The model actually fitted: `auto` is the plain GP. SAAS wins where few parameters matter
    /// and loses where all do, and neither the leave-one-out predictive density nor the marginal
    /// likelihood told the two cases apart in the benchmarks (README, "Choosing a model"), so SAAS
    /// is the user's choice.
    public var resolvedModel: ModelChoice { model == .saas ? .saas : .gp }

    /// The fit settings of one output's model: ``fitOptions`` with the model's priors and the
    /// noise model's bounds.
    var modelFitOptions: GPFitOptions {
        var options = fitOptions
        if observationNoise == .deterministic { options.noiseBounds = 1e-6...1e-6 }
        options.categorical = modelCategoricalInputs
        if resolvedModel == .saas {
            options.priors = .sparseAxisAligned
            // BoTorch's MAP SAAS bounds: inactive dimensions may go flat.
            options.lengthscaleBounds = min(options.lengthscaleBounds.lowerBound, 0.01)...1e4
        }
        return options
    }

    /// One output's model, fitted with ``modelFitOptions``.
    func fitModel(
        inputs: Matrix,
        outputs: [Double],
        bounds: InputNormalization,
        restarts: Int? = nil,
        seed: UInt64
    ) throws(GPError) -> ExactGP {
        var options = modelFitOptions
        if let restarts { options.restarts = restarts }
        return try ExactGP.fit(
            inputs: inputs,
            outputs: outputs,
            kernel: kernel,
            bounds: bounds,
            options: options,
            seed: seed
        ).model
    }

    /// Fits every output's model (objectives, then constraints) to `observations` and returns
    /// their hyperparameters, for ``reusedHyperparameters`` of later suggestions.
    ///
    /// - Complexity: one MAP fit per output, `O(n³)` per objective evaluation.
    public func fittedHyperparameters(
        observations: Observations,
        seed: UInt64 = 0
    ) throws(OptimizerError) -> [OutputHyperparameters] {
        try validate(observations, pending: [])
        let observations = observations.modelSubset(limit: maximumModelPoints, seed: seed)
        let inputs = Matrix(rowArrays: observations.inputs)
        let bounds = InputNormalization(lower: space.lower, upper: space.upper)
        let columns =
            (0..<objectiveCount).map { m in observations.objectives.map { $0[m] } }
            + (0..<constraintCount).map { k in observations.constraints.map { $0[k] } }
        let outcomes = OutputParallelism.map(columns.count, concurrently: parallelOutputFits) {
            offset -> Result<OutputHyperparameters, OptimizerError> in
            do {
                let model = try fitModel(
                    inputs: inputs,
                    outputs: columns[offset],
                    bounds: bounds,
                    seed: seed &+ UInt64(offset) &* 7919
                )
                return .success(OutputHyperparameters(model))
            } catch {
                return .failure(OptimizerError("fitting the model of output \(offset) failed: \(error)"))
            }
        }
        return try outcomes.map { outcome throws(OptimizerError) in try outcome.get() }
    }

    /// The next `count` designs (user units, integers rounded), given what is observed and pending.
    ///
    /// - Throws: ``OptimizerError`` for inconsistent observations or a model that cannot be fitted.
    public func suggest(
        count: Int,
        observations: Observations,
        pending: [[Double]] = [],
        seed: UInt64 = 0
    ) throws(OptimizerError) -> [[Double]] {
        try validate(observations, pending: pending)
        if count <= 0 { return [] }
        let tried = observations.count + observations.infeasibleInputs.count
        if resolvedAcquisition == .sobol || tried < initialCount || observations.count < 2 {
            return sobolDesigns(count: count, skip: tried + pending.count, seed: seed)
        }
        let reference = resolvedReference(observations)
        let localThompson =
            space.dimension >= trustRegionBatchDimension
            && usesThompsonBatch(
                count: count,
                pending: pending.count,
                observations: min(observations.count, maximumModelPoints)
            )
        if resolvedAcquisition == .trustRegion || localThompson {
            return try trustRegionDesigns(
                count: count,
                observations: observations,
                pending: pending,
                reference: reference,
                seed: seed
            )
        }
        let all = observations
        let observations = all.modelSubset(limit: maximumModelPoints, seed: seed)
        let n = observations.count
        let inputs = Matrix(rowArrays: observations.inputs)
        let bounds = InputNormalization(lower: space.lower, upper: space.upper)
        let reused = reusedHyperparameters.flatMap { $0.count == objectiveCount + constraintCount ? $0 : nil }
        @Sendable func fit(_ column: [Double], offset: Int) throws(OptimizerError) -> ExactGP {
            do {
                if let reused {
                    return try reused[offset].model(
                        kernel: kernel,
                        inputs: inputs,
                        outputs: column,
                        bounds: bounds,
                        jitter: fitOptions.jitter,
                        priorMean: fitOptions.priorMean,
                        categorical: modelCategoricalInputs
                    )
                }
                return try fitModel(
                    inputs: inputs,
                    outputs: column,
                    bounds: bounds,
                    seed: seed &+ UInt64(offset) &* 7919
                )
            } catch {
                throw OptimizerError("fitting the model of output \(offset) failed: \(error)")
            }
        }
        let columns =
            (0..<objectiveCount).map { m in observations.objectives.map { $0[m] } }
            + (0..<constraintCount).map { k in observations.constraints.map { $0[k] } }
        let fitted = OutputParallelism.map(columns.count, concurrently: parallelOutputFits) {
            offset -> Result<ExactGP, OptimizerError> in
            do throws(OptimizerError) { return .success(try fit(columns[offset], offset: offset)) } catch {
                return .failure(error)
            }
        }
        let models = try fitted.map { outcome throws(OptimizerError) in try outcome.get() }
        let objectiveModels = Array(models.prefix(objectiveCount))
        var constraintModels = Array(models.dropFirst(objectiveCount))
        if let feasibility = try feasibilityModel(observations, bounds: bounds, seed: seed) {
            constraintModels.append(feasibility)
        }
        if usesThompsonBatch(count: count, pending: pending.count, observations: n) {
            return thompsonDesigns(
                count: count,
                objectiveModels: objectiveModels,
                constraintModels: constraintModels,
                observations: observations,
                pending: pending,
                reference: reference,
                seed: seed
            )
        }
        let map = UnitCubeMap(lower: space.lower, upper: space.upper)

        var baseline = try prunedBaseline(
            objectiveModels: objectiveModels,
            constraintModels: constraintModels,
            observations: observations,
            reference: reference,
            seed: seed
        )
        var taken = all.inputs + all.infeasibleInputs + pending
        baseline += pending
        var chosen: [[Double]] = []
        let discrete = searchesExhaustively ? discreteUnitDesigns() : nil
        let regions = discrete == nil ? acquisitionRegions(all, reference: reference, batch: count) : []
        let allIncumbents = incumbentUnitDesigns(observations)
        // One objective with a feasibility model: constrained noisy EI (qNParEGO of one objective),
        // as with declared constraints.
        let choice =
            acquisition == .auto && resolvedAcquisition == .logei && constraintModels.count > constraintCount
            ? .qnparego : resolvedAcquisition
        for k in 0..<count {
            let stepSeed = seed &+ UInt64(k) &* 0x9E37_79B9
            let region = regions.isEmpty ? nil : regions[(pending.count + k) % regions.count]
            let incumbents = region.map { box in allIncumbents.filter(box.contains) } ?? allIncumbents
            let candidates: [AcquisitionOptimizer.Candidate]
            switch choice {
            case .qlognehvi, .auto:
                let function = LogNoisyExpectedHypervolumeImprovement(
                    objectiveModels: objectiveModels,
                    constraintModels: constraintModels,
                    baseline: Matrix(rowArrays: baseline),
                    reference: reference,
                    map: map,
                    samples: monteCarloSamples,
                    seed: stepSeed
                )
                candidates = maximize(function, seed: stepSeed, over: discrete, around: incumbents, within: region)
            case .qnparego:
                let function = LogNoisyParEGO(
                    objectiveModels: objectiveModels,
                    constraintModels: constraintModels,
                    baseline: Matrix(rowArrays: baseline),
                    map: map,
                    samples: monteCarloSamples,
                    seed: stepSeed
                )
                candidates = maximize(function, seed: stepSeed, over: discrete, around: incumbents, within: region)
            case .logei, .ucb:
                // Pending designs enter as fantasies at the posterior mean (kriging believer).
                var model = objectiveModels[0]
                let extra = Array(baseline.suffix(from: baseline.count - pending.count - chosen.count))
                if !extra.isEmpty {
                    let fantasyInputs = Matrix(rowArrays: extra)
                    let fantasy = model.posterior(at: fantasyInputs).mean
                    if let conditioned = try? model.conditioned(on: fantasyInputs, outputs: fantasy) {
                        model = conditioned
                    }
                }
                if resolvedAcquisition == .logei {
                    let best =
                        (0..<all.count).filter { all.isFeasible($0) }.map { all.objectives[$0][0] }.min()
                        ?? all.objectives.map { $0[0] }.min()!
                    candidates = maximize(
                        LogExpectedImprovement(model: model, best: best, map: map),
                        seed: stepSeed,
                        over: discrete,
                        around: incumbents,
                        within: region
                    )
                } else {
                    candidates = maximize(
                        LowerConfidenceBound(model: model, map: map),
                        seed: stepSeed,
                        over: discrete,
                        around: incumbents,
                        within: region
                    )
                }
            case .sobol, .trustRegion:
                candidates = []
            }
            let design = pickDistinct(candidates, taken: taken, seed: stepSeed)
            chosen.append(design)
            taken.append(design)
            baseline.append(design)
        }
        return chosen
    }

    /// The model of an unknown constraint, when some designs turned out infeasible
    /// (``Observations/infeasibleInputs``): a GP fitted by MAP to labels `+1` (infeasible) and `-1`
    /// (evaluated) on every design tried, read as a constraint `c(x) <= 0` like the declared ones,
    /// so the acquisition is weighted by the probability of feasibility. (A GP classifier's latent
    /// function approximated by regression on the labels, with learned noise: one exact fit,
    /// `O((n + n_infeasible)³)`.)
    ///
    /// - Returns: `nil` when no design was infeasible.
    func feasibilityModel(
        _ observations: Observations,
        bounds: InputNormalization,
        seed: UInt64
    ) throws(OptimizerError) -> ExactGP? {
        guard !observations.infeasibleInputs.isEmpty else { return nil }
        let inputs = Matrix(rowArrays: observations.inputs + observations.infeasibleInputs)
        let labels =
            [Double](repeating: -1, count: observations.count)
            + [Double](repeating: 1, count: observations.infeasibleInputs.count)
        var options = fitOptions
        options.categorical = modelCategoricalInputs
        if resolvedModel == .saas { options.priors = .sparseAxisAligned }
        do {
            return try ExactGP.fit(
                inputs: inputs,
                outputs: labels,
                kernel: kernel,
                bounds: bounds,
                options: options,
                seed: seed ^ 0xFEA5
            ).model
        } catch {
            throw OptimizerError("fitting the feasibility model failed: \(error)")
        }
    }

    /// The study's reference point, else BoTorch's rule on the feasible observations (all of them
    /// when none is feasible).
    func resolvedReference(_ observations: Observations) -> [Double] {
        let feasible = (0..<observations.count).filter { observations.isFeasible($0) }
        return referencePoint
            ?? ReferencePoint.inferred(
                from: (feasible.isEmpty ? Array(0..<observations.count) : feasible).map { observations.objectives[$0] }
            ) ?? [Double](repeating: 0, count: objectiveCount)
    }

    /// The categorical inputs of the models: the space's categorical coordinates under the overlap
    /// encoding, none under the ordinal one.
    var modelCategoricalInputs: CategoricalInputs {
        guard categoricalEncoding == .overlap else { return .none }
        return CategoricalInputs(
            choices: Dictionary(uniqueKeysWithValues: space.categoricalCoordinates.map { ($0.dimension, $0.choices) })
        )
    }

    /// Whether a fully discrete space is scored design by design: when asked
    /// (``exhaustiveDiscreteSearch``), and always when it has a categorical parameter compared by
    /// overlap, whose acquisition has no gradient to follow.
    var searchesExhaustively: Bool {
        exhaustiveDiscreteSearch || (categoricalEncoding == .overlap && !space.categoricalCoordinates.isEmpty)
    }

    /// The observed designs raw samples are drawn around (``AcquisitionOptimizer/samplesAroundBest``),
    /// in the unit cube: the feasible Pareto front (all observations' when none is feasible), at most
    /// 64 of it; with one objective the 8 best.
    func incumbentUnitDesigns(_ observations: Observations) -> [[Double]] {
        guard optimizer.samplesAroundBest > 0, observations.count > 0 else { return [] }
        let feasible = (0..<observations.count).filter { observations.isFeasible($0) }
        let pool = feasible.isEmpty ? Array(0..<observations.count) : feasible
        let chosen: [Int]
        if objectiveCount == 1 {
            chosen = Array(pool.sorted { observations.objectives[$0][0] < observations.objectives[$1][0] }.prefix(8))
        } else {
            guard let set = try? PointSet(rows: pool.map { observations.objectives[$0] }) else { return [] }
            chosen = Array(NondominatedSorting.nondominatedIndices(set).map { pool[$0] }.prefix(64))
        }
        return chosen.map { space.unit(observations.inputs[$0]) }
    }

    /// The most designs a fully discrete space may have to be searched exhaustively.
    public static let exhaustiveSearchLimit = 5000

    /// Every design of a fully discrete space (integer and categorical parameters only) of at most
    /// ``exhaustiveSearchLimit`` designs that satisfies the linear constraints, as unit-cube points;
    /// nil for any other space.
    public func discreteUnitDesigns() -> [[Double]]? {
        guard space.kinds.allSatisfy(\.isDiscrete) else { return nil }
        var levels: [[Double]] = []
        var total = 1
        for j in 0..<space.dimension {
            let low = space.lower[j].rounded(.up)
            let high = space.upper[j].rounded(.down)
            guard high >= low else { return nil }
            let count = Int(high - low) + 1
            total *= count
            guard total <= Self.exhaustiveSearchLimit else { return nil }
            let width = space.upper[j] - space.lower[j]
            levels.append((0..<count).map { (low + Double($0) - space.lower[j]) / width })
        }
        var designs: [[Double]] = [[]]
        for values in levels {
            designs = designs.flatMap { prefix in values.map { prefix + [$0] } }
        }
        if linearConstraints.isEmpty { return designs }
        return designs.filter { satisfiesLinearConstraints(space.point(fromUnit: $0)) }
    }

    /// In a space with categorical parameters, continuous coordinates of a proposed design whose
    /// redraw costs the (log-scale) acquisition at most 5% are redrawn uniformly
    /// (``AcquisitionOptimizer/flatCoordinateTolerance``). The overlap kernel multiplies, so within
    /// the best combination of choices an input the models read as flat stays where the search
    /// left it, a bound, in every later design of that combination, and the distance it adds is
    /// never learned. Measured with `bench mobo --problem mixeddtlz2 --budget 50`, 10 seeds, median
    /// hypervolume (seeds stalled below 0.11), the models' prior mean at the outputs' mean: 0.360 (3)
    /// without, 0.373 (0) with; with `--inert 2` 0.272 (4) against 0.357 (1); with the prior mean
    /// at the worst observation (``fitOptions``) 0.377 against 0.383, and 0.362 against 0.373. Not
    /// used for continuous spaces, where it cost (prior mean at the mean): C2DTLZ2 d=6 0.332 to
    /// 0.306, CarSideImpact 435.1 to 433.7, DTLZ2 d=10 M=3 0.619 to 0.577.
    static let mixedSpaceFlatCoordinateTolerance = 0.051_293_294_387_550_5  // -ln 0.95

    /// Maximises `acquisition`: over every design of `designs` when given (a fully discrete space,
    /// scored exhaustively, best first), else by the multi-start optimiser, restricted to the
    /// linear constraints when there are any.
    func maximize(
        _ acquisition: some AcquisitionFunction,
        seed: UInt64,
        over designs: [[Double]]? = nil,
        around incumbents: [[Double]] = [],
        within region: AcquisitionOptimizer.Region? = nil
    ) -> [AcquisitionOptimizer.Candidate] {
        if let designs {
            // Ties (flat acquisition far from the data) are broken at random, seeded, rather than
            // always toward the same corner of the grid.
            var generator = SeededGenerator(seed: seed ^ 0x7E57_D15C)
            let scored = designs.map { design in
                let value = acquisition.value(at: design)
                return (
                    candidate: AcquisitionOptimizer.Candidate(point: design, value: value.isNaN ? -.infinity : value),
                    tie: generator.next()
                )
            }
            return scored.sorted {
                $0.candidate.value > $1.candidate.value
                    || ($0.candidate.value == $1.candidate.value && $0.tie < $1.tie)
            }.map(\.candidate)
        }
        var optimizer = self.optimizer
        if categoricalEncoding == .overlap {
            optimizer.categorical = space.categoricalCoordinates.map {
                .categorical(dimension: $0.dimension, choices: $0.choices)
            }
            if !optimizer.categorical.isEmpty && resolvedAcquisition != .ucb && optimizer.flatCoordinateTolerance == nil
            {
                optimizer.flatCoordinateTolerance = Self.mixedSpaceFlatCoordinateTolerance
            }
        }
        if linearConstraints.isEmpty {
            return optimizer.maximize(acquisition, around: incumbents, within: region, seed: seed)
        }
        return optimizer.maximize(
            LinearlyConstrainedAcquisition(base: acquisition, constraints: unitConstraints),
            around: incumbents,
            within: region,
            seed: seed
        )
    }

    /// Scrambled Sobol designs `skip ..< skip + count` of the seeded sequence (of its designs that
    /// satisfy the linear constraints, when there are any).
    public func sobolDesigns(count: Int, skip: Int, seed: UInt64) -> [[Double]] {
        var sobol = SobolSequence(dimension: space.dimension, scrambled: true, seed: seed)
        if linearConstraints.isEmpty {
            sobol.skip(skip)
            return (0..<count).map { _ in space.point(fromUnit: sobol.next()) }
        }
        var feasible: [[Double]] = []
        var drawn = 0
        while feasible.count < skip + count && drawn < 1 << 20 {
            let x = space.point(fromUnit: sobol.next())
            drawn += 1
            if satisfiesLinearConstraints(x) { feasible.append(x) }
        }
        return Array(feasible.dropFirst(skip).prefix(count))
    }

    /// The best candidate whose rounded design is not already observed, pending or chosen.
    func pickDistinct(_ candidates: [AcquisitionOptimizer.Candidate], taken: [[Double]], seed: UInt64) -> [Double] {
        let widths = zip(space.lower, space.upper).map { $1 - $0 }
        func isTaken(_ x: [Double]) -> Bool {
            taken.contains { t in (0..<x.count).allSatisfy { abs(t[$0] - x[$0]) <= 1e-9 * widths[$0] } }
        }
        for candidate in candidates {
            let x = space.point(fromUnit: candidate.point)
            if !isTaken(x) && satisfiesLinearConstraints(x) { return x }
        }
        // Everything proposed is taken: fall back to quasi-random designs.
        var sobol = SobolSequence(dimension: space.dimension, scrambled: true, seed: seed ^ 0xD15_7111C7)
        for _ in 0..<(1 << 16) {
            let x = space.point(fromUnit: sobol.next())
            if !isTaken(x) && satisfiesLinearConstraints(x) { return x }
        }
        return space.point(fromUnit: sobol.next())
    }

    /// Observed designs with a positive probability of being on the (feasible) front, estimated
    /// from joint posterior samples (BoTorch's `prune_inferior_points_multi_objective`), at most 100.
    func prunedBaseline(
        objectiveModels: [ExactGP],
        constraintModels: [ExactGP],
        observations: Observations,
        reference: [Double],
        seed: UInt64
    ) throws(OptimizerError) -> [[Double]] {
        let n = observations.count
        guard resolvedAcquisition == .qlognehvi, n > 1 else { return observations.inputs }
        let samples = 256
        let inputs = Matrix(rowArrays: observations.inputs)
        let outputs = objectiveModels.count + constraintModels.count
        let base = NormalDistribution.quasiRandomSamples(count: samples, dimension: n * outputs, seed: seed ^ 0x9B0E)
        func values(_ model: ExactGP, _ k: Int) -> Matrix {
            let (mean, covariance) = model.jointPosterior(at: inputs)
            var z = Matrix(rows: samples, columns: n)
            for s in 0..<samples {
                for b in 0..<n { z[s, b] = base[s * n * outputs + k * n + b] }
            }
            var result = Matrix(rows: samples, columns: n)
            if let factor = try? CholeskyFactor(
                factoring: covariance,
                policy: JitterPolicy(initialRelative: 1e-8, maximumRelative: 1e-1)
            ) {
                Matrix.gemm(z, .none, factor.lower, .transpose, into: &result)
            }
            for b in 0..<n {
                for s in 0..<samples { result[s, b] += mean[b] }
            }
            return result
        }
        let objectiveValues = objectiveModels.enumerated().map { values($0.element, $0.offset) }
        let constraintValues = constraintModels.enumerated().map {
            values($0.element, objectiveModels.count + $0.offset)
        }
        var hits = [Int](repeating: 0, count: n)
        let m = objectiveModels.count
        for s in 0..<samples {
            var indices: [Int] = []
            var coordinates: [Double] = []
            for b in 0..<n where !constraintValues.contains(where: { $0[s, b] > 0 }) {
                indices.append(b)
                for j in 0..<m { coordinates.append(objectiveValues[j][s, b]) }
            }
            guard !indices.isEmpty else { continue }
            let mask = NondominatedSorting.nondominatedMask(PointSet(dimension: m, coordinates: coordinates))
            for (k, b) in indices.enumerated() where mask[k] { hits[b] += 1 }
        }
        var kept = (0..<n).filter { hits[$0] > 0 }
        if kept.isEmpty { return observations.inputs }
        if kept.count > 100 { kept = Array(kept.sorted { hits[$0] > hits[$1] }.prefix(100)) }
        return kept.map { observations.inputs[$0] }
    }

    func validate(_ observations: Observations, pending: [[Double]]) throws(OptimizerError) {
        let d = space.dimension
        guard observations.objectives.count == observations.count else {
            throw OptimizerError(
                "observations: \(observations.count) designs but \(observations.objectives.count) objective rows",
                field: "objectives"
            )
        }
        if let bad = observations.infeasibleInputs.firstIndex(where: { $0.count != d || !$0.allSatisfy(\.isFinite) }) {
            throw OptimizerError(
                "infeasible design \(bad) needs \(d) finite coordinates",
                field: "infeasible_inputs"
            )
        }
        if constraintCount > 0 && observations.constraints.count != observations.count {
            throw OptimizerError(
                "observations: \(constraintCount) constraints declared but \(observations.constraints.count) constraint rows",
                field: "constraints"
            )
        }
        for (i, x) in observations.inputs.enumerated() where x.count != d {
            throw OptimizerError("observation \(i) has \(x.count) parameters, expected \(d)", field: "inputs")
        }
        for (i, y) in observations.objectives.enumerated() {
            guard y.count == objectiveCount, y.allSatisfy(\.isFinite) else {
                throw OptimizerError(
                    "observation \(i) needs \(objectiveCount) finite objective values, got \(y)",
                    field: "objectives"
                )
            }
        }
        for (i, c) in observations.constraints.enumerated()
        where c.count != constraintCount || !c.allSatisfy(\.isFinite) {
            throw OptimizerError(
                "observation \(i) needs \(constraintCount) finite constraint values",
                field: "constraints"
            )
        }
        for (i, x) in pending.enumerated() where x.count != d {
            throw OptimizerError("pending design \(i) has \(x.count) parameters, expected \(d)", field: "pending")
        }
        for (k, c) in linearConstraints.enumerated() where c.coefficients.count != d || !c.bound.isFinite {
            throw OptimizerError(
                "linear constraint \(k) needs \(d) coefficients and a finite bound",
                field: "parameter_constraints"
            )
        }
        if !linearConstraints.isEmpty && sobolDesigns(count: 1, skip: 0, seed: 0).isEmpty {
            throw OptimizerError(
                "no design satisfies the linear constraints between parameters",
                field: "parameter_constraints"
            )
        }
        if let referencePoint, referencePoint.count != objectiveCount {
            throw OptimizerError(
                "the reference point has \(referencePoint.count) values for \(objectiveCount) objectives",
                field: "reference"
            )
        }
    }
}
