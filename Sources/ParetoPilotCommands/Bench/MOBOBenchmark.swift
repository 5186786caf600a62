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
    public var noise: ObservationNoise? = nil

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

        enum CodingKeys: String, CodingKey {
            case problem, strategy, model, seed, budget, batch, hv
            case maxHV = "max_hv"
            case log10HVDifference = "log10_hv_diff"
            case medianAskSeconds = "median_ask_s"
            case hvTrace = "hv_trace"
            case evaluationTrace = "n_trace"
        }

        public var jsonLine: String {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            encoder.nonConformingFloatEncodingStrategy = .convertToString(
                positiveInfinity: "inf",
                negativeInfinity: "-inf",
                nan: "nan"
            )
            return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self)
        }
    }

    /// Runs the strategy with `seed`; `progress` is called after each batch.
    public func run(seed: UInt64, progress: (Int, Double) -> Void = { _, _ in }) throws -> Result {
        var optimizer = BayesianOptimizer(
            space: SearchSpace(problem: problem),
            objectiveCount: problem.objectiveCount,
            constraintCount: problem.constraintCount,
            referencePoint: problem.referencePoint
        )
        optimizer.acquisition = acquisition
        optimizer.initialDesignSize = initialDesignSize
        optimizer.budget = budget
        optimizer.model = model
        optimizer.kernel = kernel
        optimizer.monteCarloSamples = monteCarloSamples
        optimizer.optimizer = AcquisitionOptimizer(rawSamples: rawSamples, restarts: restarts)
        optimizer.observationNoise = noise ?? (problem.isDeterministic ? .deterministic : .inferred)
        var observations = Observations()
        var askTimes: [Double] = []
        var hvTrace: [Double] = []
        var evaluationTrace: [Int] = []
        let clock = ContinuousClock()
        let initial = min(initialDesignSize ?? 2 * (problem.dimension + 1), budget)
        var round: UInt64 = 0
        while observations.count < budget {
            let q = observations.count == 0 ? initial : min(batch, budget - observations.count)
            var designs: [[Double]] = []
            let elapsed = try clock.measure {
                designs = try optimizer.suggest(count: q, observations: observations, seed: seed &* 1_000_003 &+ round)
            }
            if observations.count > 0 { askTimes.append(elapsed.seconds) }
            for x in designs {
                observations.inputs.append(x)
                observations.objectives.append(problem.evaluate(x))
                if problem.constraintCount > 0 { observations.constraints.append(problem.constraints(x)) }
            }
            let hv = try hypervolume(observations)
            hvTrace.append(hv)
            evaluationTrace.append(observations.count)
            progress(observations.count, hv)
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
        return Result(
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
    }

    /// Hypervolume of the feasible observed objective vectors against the problem's reference point.
    func hypervolume(_ observations: Observations) throws -> Double {
        let rows = (0..<observations.count).filter { observations.isFeasible($0) }.map { observations.objectives[$0] }
        if rows.isEmpty { return 0 }
        return try Hypervolume.of(PointSet(rows: rows), reference: problem.referencePoint)
    }
}
