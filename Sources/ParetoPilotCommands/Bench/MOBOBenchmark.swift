import Acquisition
import BayesianOptimization
import Benchmarking
import Foundation
import GaussianProcess
import Pareto
import Problems

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The workload of `paretopilot bench mobo`: one optimisation run of a strategy on a test problem.
public struct MOBOBenchmark: Sendable {
    public var problem: any TestProblem
    public var acquisition: AcquisitionChoice
    public var budget: Int
    public var batch: Int
    public var initialDesignSize: Int?
    public var model: ModelChoice = .auto
    public var kernel: any Kernel = Matern52Kernel()
    public var monteCarloSamples = 128
    public var restarts = 20
    public var rawSamples = 1024
    /// Raw samples around the front and their scale (nil: the optimiser's defaults).
    public var samplesAroundBest: Int? = nil
    public var aroundBestScale: Double? = nil
    /// Fit the outputs' models at once (``BayesianOptimizer/parallelOutputFits``).
    public var parallelOutputFits = false
    public var noise: ObservationNoise? = nil
    /// An unknown constraint: designs whose unit-cube coordinates average above this are infeasible
    /// (they return nothing, as a failed geometry check), found only by trying them.
    public var hiddenConstraint: Double? = nil
    /// Whether infeasible designs are given to the optimiser (its feasibility model) or dropped,
    /// as failed trials were before it.
    public var modelsFeasibility = true
    /// The most observations the global models see (``BayesianOptimizer/maximumModelPoints``).
    public var maximumModelPoints: Int? = nil
    /// How categorical parameters are modelled (``BayesianOptimizer/categoricalEncoding``).
    public var categoricalEncoding: CategoricalEncoding = .overlap
    /// The models' prior mean (``GPFitOptions/priorMean``); nil: the optimiser's.
    public var priorMean: PriorMean? = nil
    /// Whether the result lists every evaluated design and its objectives.
    public var recordsDesigns = false
    /// From how many parameters on the acquisition is maximised in a trust region (nil: the optimiser's).
    public var localAcquisitionDimension: Int? = nil
    /// Gradient steps on the posterior means per slot of a Thompson batch; nil: the optimiser's.
    public var descentSteps: Int? = nil
    /// Candidates per trust region that recombine front points; nil: the optimiser's.
    public var recombinations: Int? = nil

    public init(
        problem: any TestProblem,
        acquisition: AcquisitionChoice,
        budget: Int,
        batch: Int,
        initialDesignSize: Int? = nil
    ) {
        self.problem = problem
        self.acquisition = acquisition
        self.budget = budget
        self.batch = batch
        self.initialDesignSize = initialDesignSize
    }

    /// One run's outcome.
    public struct Result: Sendable, Encodable {
        public var problem: String
        public var strategy: String
        /// The surrogate model fitted (`auto` resolved).
        public var model: String
        public var seed: UInt64
        public var budget: Int
        public var batch: Int
        public var hv: Double
        public var maxHV: Double?
        public var log10HVDifference: Double?
        public var medianAskSeconds: Double
        /// Hypervolume after the initial design and after each batch.
        public var hvTrace: [Double]
        /// Evaluations after the initial design and after each batch.
        public var evaluationTrace: [Int]
        /// With a hidden constraint: infeasible designs proposed after the initial design, and in all.
        public var infeasibleProposals: Int? = nil
        public var infeasibleTotal: Int? = nil
        public var modelsFeasibility: Bool? = nil
        /// With categorical parameters: how they were modelled (`overlap` or `ordinal`).
        public var categorical: String? = nil
        /// With ``MOBOBenchmark/recordsDesigns``: every evaluated design (in order) and its objectives.
        public var designs: [[Double]]? = nil
        public var objectives: [[Double]]? = nil

        enum CodingKeys: String, CodingKey {
            case problem, strategy, model, seed, budget, batch, hv
            case maxHV = "max_hv"
            case log10HVDifference = "log10_hv_diff"
            case medianAskSeconds = "median_ask_s"
            case hvTrace = "hv_trace"
            case evaluationTrace = "n_trace"
            case infeasibleProposals = "infeasible_after_initial"
            case infeasibleTotal = "infeasible_total"
            case modelsFeasibility = "feasibility_model"
            case categorical, designs, objectives
        }

        public var jsonLine: String { StudyExecution.jsonLine(self) }
    }

    /// Runs the strategy with `seed`; `progress` is called after each batch.
    public func run(seed: UInt64, progress: (Int, Double) -> Void = { _, _ in }) throws -> Result {
        var optimizer = BayesianOptimizer(problem: problem)
        optimizer.acquisition = acquisition
        optimizer.initialDesignSize = initialDesignSize
        optimizer.budget = budget
        optimizer.model = model
        optimizer.kernel = kernel
        optimizer.monteCarloSamples = monteCarloSamples
        var acquisitionOptimizer = AcquisitionOptimizer(rawSamples: rawSamples, restarts: restarts)
        if let samplesAroundBest { acquisitionOptimizer.samplesAroundBest = samplesAroundBest }
        if let aroundBestScale { acquisitionOptimizer.aroundBestScale = aroundBestScale }
        optimizer.optimizer = acquisitionOptimizer
        optimizer.observationNoise = noise ?? (problem.isDeterministic ? .deterministic : .inferred)
        if let maximumModelPoints { optimizer.maximumModelPoints = maximumModelPoints }
        optimizer.categoricalEncoding = categoricalEncoding
        if let priorMean { optimizer.fitOptions.priorMean = priorMean }
        optimizer.parallelOutputFits = parallelOutputFits
        if let localAcquisitionDimension { optimizer.localAcquisitionDimension = localAcquisitionDimension }
        if let descentSteps { optimizer.trustRegion.descentSteps = descentSteps }
        if let recombinations { optimizer.trustRegion.recombinations = recombinations }
        var observations = Observations()
        var askTimes: [Double] = []
        var hvTrace: [Double] = []
        var evaluationTrace: [Int] = []
        let clock = ContinuousClock()
        let initial = min(optimizer.initialDesignCount, budget)
        var round: UInt64 = 0
        var tried = 0
        var infeasible = (afterInitial: 0, total: 0)
        let space = SearchSpace(problem: problem)
        while tried < budget {
            let q = tried == 0 ? initial : min(batch, budget - tried)
            var designs: [[Double]] = []
            let elapsed = try clock.measure {
                designs = try optimizer.suggest(
                    count: q,
                    observations: observations,
                    pending: [],
                    seed: seed &* 1_000_003 &+ round
                )
            }
            if tried > 0 { askTimes.append(elapsed.seconds) }
            for x in designs {
                tried += 1
                if let threshold = hiddenConstraint {
                    let unit = space.unit(x)
                    if unit.reduce(0, +) / Double(unit.count) > threshold {
                        infeasible.total += 1
                        if round > 0 { infeasible.afterInitial += 1 }
                        // Without the model, an infeasible design leaves a hole in the data, as a
                        // failed trial did before.
                        if modelsFeasibility { observations.infeasibleInputs.append(x) }
                        continue
                    }
                }
                observations.inputs.append(x)
                observations.objectives.append(problem.evaluate(x))
                if problem.constraintCount > 0 { observations.constraints.append(problem.constraints(x)) }
            }
            let hv = try hypervolume(observations)
            hvTrace.append(hv)
            evaluationTrace.append(tried)
            progress(tried, hv)
            round += 1
        }
        let hv = hvTrace.last ?? 0
        askTimes.sort()
        let median =
            askTimes.isEmpty
            ? 0
            : askTimes.count % 2 == 1
                ? askTimes[askTimes.count / 2] : 0.5 * (askTimes[askTimes.count / 2 - 1] + askTimes[askTimes.count / 2])
        let difference = problem.maximumHypervolume.flatMap { $0 > hv ? log10($0 - hv) : nil }
        var result = Result(
            problem: problem.name,
            strategy: acquisition.rawValue,
            model: optimizer.resolvedModel.rawValue,
            seed: seed,
            budget: budget,
            batch: batch,
            hv: hv,
            maxHV: problem.maximumHypervolume,
            log10HVDifference: difference,
            medianAskSeconds: median,
            hvTrace: hvTrace,
            evaluationTrace: evaluationTrace
        )
        if recordsDesigns {
            result.designs = observations.inputs
            result.objectives = observations.objectives
        }
        if !optimizer.space.categoricalCoordinates.isEmpty { result.categorical = categoricalEncoding.rawValue }
        if hiddenConstraint != nil {
            result.infeasibleProposals = infeasible.afterInitial
            result.infeasibleTotal = infeasible.total
            result.modelsFeasibility = modelsFeasibility
        }
        return result
    }

    /// Hypervolume of the feasible observed objective vectors against the problem's reference point.
    func hypervolume(_ observations: Observations) throws -> Double {
        let rows = (0..<observations.count).filter { observations.isFeasible($0) }.map { observations.objectives[$0] }
        if rows.isEmpty { return 0 }
        return try Hypervolume.of(PointSet(rows: rows), reference: problem.referencePoint)
    }
}
