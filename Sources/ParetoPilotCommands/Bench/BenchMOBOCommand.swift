import ArgumentParser
import BayesianOptimization
import Foundation
import GaussianProcess
import Problems

/// `paretopilot bench mobo`: run a strategy on a test problem for several seeds.
struct BenchMOBOCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mobo",
        abstract: "Run a multi-objective strategy on a test problem and report the final hypervolume.",
        discussion: """
            For each seed F..F+S-1 (--first-seed F, default 0): an initial Sobol design of 2(d+1) points (from 10 parameters on at most max(10, budget/20); --initial), then batches of Q until the \
            budget (which counts every evaluation). With --json prints one line per seed: \
            {"problem", "strategy", "model", "seed", "budget", "batch", "hv", "max_hv", "log10_hv_diff", \
            "median_ask_s", "hv_trace", "n_trace", and "categorical" for a problem with categorical parameters}; median_ask_s is the median wall time of one ask \
            (model fits plus acquisition optimisation for a batch).
            """
    )

    @Option(help: "Problem (\(ProblemRegistry.names.joined(separator: ", "))).")
    var problem: String

    @Option(name: .customLong("dim"), help: "Input dimension (DTLZ, ZDT).")
    var dimension: Int?

    @Option(name: .customLong("num-objectives"), help: "Number of objectives (DTLZ, ToyTracker).")
    var objectives: Int?

    @Option(help: "Total number of evaluations, initial design included.")
    var budget: Int

    @Option(help: "Inputs in [0, 1] appended to the problem that its objectives ignore (a check of SAAS).")
    var inert: Int = 0

    @Option(help: "Initial quasi-random designs (default 2(d+1); from 10 parameters on at most max(10, budget/20)).")
    var initial: Int?

    @Option(help: "Batch size after the initial design.")
    var batch: Int = 4

    @Option(help: "Number of seeds (F..F+S-1).")
    var seeds: Int = 1

    @Option(help: "The first seed F (default 0): runs of disjoint seeds can go on separate cores.")
    var firstSeed: UInt64 = 0

    @Option(help: "Strategy (\(AcquisitionChoice.allCases.map(\.rawValue).joined(separator: ", "))).")
    var strategy: String = "auto"

    @Option(help: "Surrogate model (\(ModelChoice.allCases.map(\.rawValue).joined(separator: ", "))).")
    var model: String = "auto"

    @Option(help: "GP kernel (\(KernelRegistry.names.joined(separator: ", "))).")
    var kernel: String = KernelRegistry.defaultKernel.name

    @Option(name: .customLong("mc-samples"), help: "Monte-Carlo samples of the acquisition.")
    var monteCarloSamples: Int = 128

    @Option(help: "Quasi-Newton starts of the acquisition optimisation.")
    var restarts: Int = 20

    @Option(name: .customLong("raw-samples"), help: "Quasi-random raw samples of the acquisition optimisation.")
    var rawSamples: Int = 1024

    @Option(help: "Noise model: inferred or deterministic (default: deterministic, as every test problem is).")
    var noise: String?

    @Option(
        name: .customLong("hidden-constraint"),
        help:
            "An unknown constraint: designs whose unit-cube coordinates average above T fail like a geometry check (no outputs)."
    )
    var hiddenConstraint: Double?

    @Flag(
        name: .customLong("no-feasibility-model"),
        help: "With --hidden-constraint: drop infeasible designs (a hole in the data) instead of modelling them."
    )
    var noFeasibilityModel = false

    @Option(
        name: .customLong("max-model-points"),
        help: "Most observations the models see (default 1000; past it a subset: best ranks and a uniform sample)."
    )
    var maximumModelPoints: Int?

    @Option(
        help:
            "Categorical parameters: overlap (a categorical kernel, choices swept) or ordinal (the index relaxed, a control)."
    )
    var categorical: String = CategoricalEncoding.overlap.rawValue

    @Option(
        name: .customLong("prior-mean"),
        help: "The models' prior mean: maximum (the worst value observed, the default) or mean (a control)."
    )
    var priorMean: PriorMean?

    @Option(
        name: .customLong("around-best"),
        help: "Raw samples of the acquisition optimisation drawn around the current front (default the optimiser's)."
    )
    var aroundBest: Int?

    @Option(name: .customLong("around-best-scale"), help: "Their perturbation's standard deviation (unit cube).")
    var aroundBestScale: Double?

    @Flag(
        name: .customLong("parallel-fits"),
        help: "Fit the outputs' models at once on every core, as studies do (default: one after another)."
    )
    var parallelFits = false

    @Option(
        name: .customLong("local-from-dimension"),
        help: "Maximise the acquisition in one trust region from this many parameters on (default the optimiser's, 10)."
    )
    var localFromDimension: Int?

    @Option(
        name: .customLong("descent-steps"),
        help:
            "Gradient steps on the posterior means per slot of a Thompson batch (trust_region and large batches; default 30, 0: off)."
    )
    var descentSteps: Int?

    @Option(
        name: .customLong("recombinations"),
        help: "Candidates per trust region that recombine front points (default 1024, 0: none)."
    )
    var recombinations: Int?

    @Flag(help: "Print JSON lines.")
    var json = false

    @Flag(
        help: "With --json: add every evaluated design and its objectives to each line (\"designs\", \"objectives\")."
    )
    var designs = false

    func validate() throws {
        guard budget >= 1 else { throw ValidationError("--budget must be at least 1") }
        guard batch >= 1 else { throw ValidationError("--batch must be at least 1") }
        if let initial, initial < 1 { throw ValidationError("--initial must be at least 1") }
        guard inert >= 0 else { throw ValidationError("--inert must be at least 0") }
        guard seeds >= 1 else { throw ValidationError("--seeds must be at least 1") }
        guard firstSeed <= UInt64.max - UInt64(seeds) else {
            throw ValidationError("--first-seed plus --seeds must stay below 2^64")
        }
        if let hiddenConstraint, !(hiddenConstraint > 0 && hiddenConstraint < 1) {
            throw ValidationError("--hidden-constraint must be between 0 and 1 (exclusive)")
        }
        if let maximumModelPoints, maximumModelPoints < 2 {
            throw ValidationError("--max-model-points must be at least 2")
        }
        if let localFromDimension, localFromDimension < 1 {
            throw ValidationError("--local-from-dimension must be at least 1")
        }
        if let descentSteps, descentSteps < 0 { throw ValidationError("--descent-steps must be at least 0") }
        if let recombinations, recombinations < 0 { throw ValidationError("--recombinations must be at least 0") }
        if designs && !json { throw ValidationError("--designs needs --json") }
        if noFeasibilityModel && hiddenConstraint == nil {
            throw ValidationError("--no-feasibility-model needs --hidden-constraint")
        }
        guard KernelRegistry.kernel(named: kernel) != nil else {
            throw ValidationError(
                "--kernel: unknown kernel '\(kernel)'; known: \(KernelRegistry.names.joined(separator: ", "))"
            )
        }
        if let aroundBest, aroundBest < 0 { throw ValidationError("--around-best must be at least 0") }
        if let aroundBestScale, !(aroundBestScale > 0 && aroundBestScale.isFinite) {
            throw ValidationError("--around-best-scale must be a positive number")
        }
        guard CategoricalEncoding(rawValue: categorical) != nil else {
            throw ValidationError("--categorical: expected overlap or ordinal, got '\(categorical)'")
        }
        if let noise, ObservationNoise(rawValue: noise) == nil {
            throw ValidationError("--noise: expected inferred or deterministic, got '\(noise)'")
        }
        guard monteCarloSamples >= 1, restarts >= 1, rawSamples >= 1 else {
            throw ValidationError("--mc-samples, --restarts and --raw-samples must be at least 1")
        }
        guard AcquisitionChoice(rawValue: strategy.lowercased()) != nil else {
            throw ValidationError("--strategy: unknown strategy '\(strategy)'")
        }
        guard ModelChoice(rawValue: model.lowercased()) != nil else {
            throw ValidationError(
                "--model: unknown model '\(model)'; known: \(ModelChoice.allCases.map(\.rawValue).joined(separator: ", "))"
            )
        }
        do {
            guard try ProblemRegistry.problem(named: problem, dimension: dimension, objectives: objectives) != nil
            else {
                throw ValidationError(
                    "--problem: unknown problem '\(problem)'; known: \(ProblemRegistry.names.joined(separator: ", "))"
                )
            }
        } catch let error as ProblemError {
            throw ValidationError("--problem: \(error.message)")
        }
    }

    func run() async throws {
        guard
            let testProblem = try ProblemRegistry.problem(named: problem, dimension: dimension, objectives: objectives),
            let choice = AcquisitionChoice(rawValue: strategy.lowercased()),
            let modelChoice = ModelChoice(rawValue: model.lowercased())
        else { throw ExitCode(2) }
        var benchmark = MOBOBenchmark(
            problem: inert > 0 ? InertInputs(testProblem, count: inert) : testProblem,
            acquisition: choice,
            budget: budget,
            batch: batch,
            initialDesignSize: initial
        )
        benchmark.model = modelChoice
        benchmark.kernel = KernelRegistry.kernel(named: kernel)!
        benchmark.monteCarloSamples = monteCarloSamples
        benchmark.restarts = restarts
        benchmark.rawSamples = rawSamples
        benchmark.samplesAroundBest = aroundBest
        benchmark.parallelOutputFits = parallelFits
        benchmark.aroundBestScale = aroundBestScale
        benchmark.noise = noise.flatMap(ObservationNoise.init(rawValue:))
        benchmark.hiddenConstraint = hiddenConstraint
        benchmark.modelsFeasibility = !noFeasibilityModel
        benchmark.maximumModelPoints = maximumModelPoints
        benchmark.categoricalEncoding = CategoricalEncoding(rawValue: categorical) ?? .overlap
        benchmark.priorMean = priorMean
        benchmark.recordsDesigns = designs
        benchmark.localAcquisitionDimension = localFromDimension
        benchmark.descentSteps = descentSteps
        benchmark.recombinations = recombinations
        for seed in firstSeed..<(firstSeed + UInt64(seeds)) {
            let result = try benchmark.run(seed: seed) { count, hv in
                if !json { print("  seed \(seed): \(count) evaluations, hypervolume \(hv)") }
            }
            if json {
                print(result.jsonLine)
            } else {
                let gap = result.log10HVDifference.map { String(format: "%.3f", $0) } ?? "n/a"
                print(
                    "\(result.problem) \(result.strategy) seed \(seed): hv \(result.hv) (max \(result.maxHV.map { "\($0)" } ?? "unknown"), "
                        + "log10 gap \(gap)), median ask \(String(format: "%.3f", result.medianAskSeconds)) s"
                        + (result.infeasibleProposals.map { ", \($0) infeasible proposals after the initial design" }
                            ?? "")
                )
            }
        }
    }
}

extension PriorMean: ExpressibleByArgument {}
