import ArgumentParser
import BayesianOptimization
import Foundation
import GaussianProcess
import LinearAlgebra
import Pareto
import Problems
import Sampling

/// `paretopilot bench subset`: the bounded model of large studies against the exact GP.
struct BenchSubsetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "subset",
        abstract: "Compare the model of a large study (fitted to a subset of its data) with the exact GP on all of it.",
        discussion: """
            Past --limit observations an optimiser fits each output's GP to a subset (the best Pareto \
            ranks, up to half the limit, and a seeded uniform sample of the rest: \
            Observations.modelSubset). On n designs of a problem (half uniform, half near the first \
            Pareto ranks) this fits both models per objective and reports, at 2,000 test points (half \
            uniform, half near the front): the mean gap |mean_subset - mean_exact| over the exact \
            posterior's standard deviation, the ratio of the variances, both models' error against the \
            truth, the fit times, and the acquisition's view: how many of the 100 test points the exact \
            model ranks best (by a Chebyshev scalarisation of the predicted means) the subset model \
            ranks among its best 100 too.
            """
    )

    @Option(help: "Problem (\(ProblemRegistry.names.joined(separator: ", "))).")
    var problem = "dtlz2"

    @Option(name: .customLong("dim"), help: "Input dimension (DTLZ, ZDT).")
    var dimension: Int = 10

    @Option(name: .customLong("num-objectives"), help: "Objectives (DTLZ).")
    var objectives: Int = 3

    @Option(name: .customLong("n"), help: "Observations.")
    var count = 2000

    @Option(help: "Model points: the subset's size (the optimiser's default is 1,000).")
    var limit = 1000

    @Option(help: "Seed of the data, the subset and the fits.")
    var seed: UInt64 = 0

    @Flag(help: "Print one JSON object per objective.")
    var json = false

    func validate() throws {
        guard count >= 10, limit >= 2, limit < count else {
            throw ValidationError("--n must be at least 10 and --limit between 2 and --n - 1")
        }
    }

    func run() throws {
        guard let problem = try ProblemRegistry.problem(named: problem, dimension: dimension, objectives: objectives)
        else { throw ValidationError("--problem: unknown problem '\(self.problem)'") }
        let d = problem.dimension
        let m = problem.objectiveCount
        var random = SeededGenerator(seed: seed)
        func uniform() -> [Double] {
            (0..<d).map { Double.random(in: problem.lowerBounds[$0]...problem.upperBounds[$0], using: &random) }
        }
        func near(_ x: [Double]) -> [Double] {
            (0..<d).map { j in
                let width = problem.upperBounds[j] - problem.lowerBounds[j]
                let value = x[j] + 0.05 * width * Double.random(in: -1...1, using: &random)
                return min(max(value, problem.lowerBounds[j]), problem.upperBounds[j])
            }
        }
        func best(_ inputs: [[Double]], _ count: Int) -> [[Double]] {
            let values = inputs.map(problem.evaluate)
            let ranks = NondominatedSorting.ranks(PointSet(dimension: m, coordinates: values.flatMap { $0 }))
            return inputs.indices.sorted { ranks[$0] < ranks[$1] }.prefix(count).map { inputs[$0] }
        }
        // Data as a study has them late: half spread out, half close to the first Pareto ranks.
        var inputs = (0..<(count / 2)).map { _ in uniform() }
        let leaders = best(inputs, max(1, count / 20))
        inputs += (0..<(count - inputs.count)).map { i in near(leaders[i % leaders.count]) }
        var observations = Observations(inputs: inputs, objectives: inputs.map(problem.evaluate))
        observations.constraints = Array(repeating: [], count: inputs.count)
        let subset = observations.modelSubset(limit: limit, seed: seed)
        var tests = (0..<1000).map { _ in uniform() }
        let front = best(inputs, 100)
        tests += (0..<1000).map { i in near(front[i % front.count]) }
        let testMatrix = Matrix(rowArrays: tests)
        let truth = tests.map(problem.evaluate)
        let bounds = InputNormalization(lower: problem.lowerBounds, upper: problem.upperBounds)
        var options = GPFitOptions()
        options.restarts = 2

        var exactMeans: [[Double]] = []
        var subsetMeans: [[Double]] = []
        for objective in 0..<m {
            func fitted(_ data: Observations) throws -> (ExactGP, Double) {
                let started = Date()
                let model = try ExactGP.fit(
                    inputs: Matrix(rowArrays: data.inputs),
                    outputs: data.objectives.map { $0[objective] },
                    bounds: bounds,
                    options: options,
                    seed: seed &+ UInt64(objective)
                ).model
                return (model, Date().timeIntervalSince(started))
            }
            let (exact, exactSeconds) = try fitted(observations)
            let (approximate, subsetSeconds) = try fitted(subset)
            let e = exact.posterior(at: testMatrix)
            let s = approximate.posterior(at: testMatrix)
            exactMeans.append(e.mean)
            subsetMeans.append(s.mean)
            let gaps = tests.indices.map { abs(s.mean[$0] - e.mean[$0]) / max(e.variance[$0], 1e-300).squareRoot() }
            let ratios = tests.indices.map { s.variance[$0] / max(e.variance[$0], 1e-300) }.sorted()
            func rmse(_ mean: [Double]) -> Double {
                (tests.indices.map { pow(mean[$0] - truth[$0][objective], 2) }.reduce(0, +) / Double(tests.count))
                    .squareRoot()
            }
            let line = SubsetComparison(
                problem: problem.name,
                objective: objective,
                n: count,
                limit: limit,
                meanGapOverSD: gaps.reduce(0, +) / Double(gaps.count),
                meanGapOverSDP90: gaps.sorted()[Int(0.9 * Double(gaps.count))],
                varianceRatioMedian: ratios[ratios.count / 2],
                varianceRatioP10: ratios[ratios.count / 10],
                varianceRatioP90: ratios[9 * ratios.count / 10],
                rmseExact: rmse(e.mean),
                rmseSubset: rmse(s.mean),
                fitSecondsExact: exactSeconds,
                fitSecondsSubset: subsetSeconds
            )
            print(json ? StudyExecution.jsonLine(line) : line.text)
        }
        // The acquisition's view: the best 100 test points by a Chebyshev scalarisation of the
        // predicted means (each objective scaled by the exact model's range), under both models.
        let lows = exactMeans.map { $0.min() ?? 0 }
        let spans = exactMeans.indices.map { max((exactMeans[$0].max() ?? 1) - lows[$0], 1e-12) }
        func top(_ means: [[Double]]) -> Set<Int> {
            let score = tests.indices.map { i in means.indices.map { (means[$0][i] - lows[$0]) / spans[$0] }.max() ?? 0
            }
            return Set(tests.indices.sorted { score[$0] < score[$1] }.prefix(100))
        }
        let overlap = top(exactMeans).intersection(top(subsetMeans)).count
        print(
            json
                ? "{\"top100_overlap\":\(overlap)}"
                : "acquisition: \(overlap) of the exact model's best 100 test points are among the subset model's best 100"
        )
    }
}

/// One objective's comparison (`bench subset --json`).
struct SubsetComparison: Encodable {
    var problem: String
    var objective: Int
    var n: Int
    var limit: Int
    var meanGapOverSD: Double
    var meanGapOverSDP90: Double
    var varianceRatioMedian: Double
    var varianceRatioP10: Double
    var varianceRatioP90: Double
    var rmseExact: Double
    var rmseSubset: Double
    var fitSecondsExact: Double
    var fitSecondsSubset: Double

    enum CodingKeys: String, CodingKey {
        case problem, objective, n, limit
        case meanGapOverSD = "mean_gap_over_sd"
        case meanGapOverSDP90 = "mean_gap_over_sd_p90"
        case varianceRatioMedian = "variance_ratio_median"
        case varianceRatioP10 = "variance_ratio_p10"
        case varianceRatioP90 = "variance_ratio_p90"
        case rmseExact = "rmse_exact"
        case rmseSubset = "rmse_subset"
        case fitSecondsExact = "fit_s_exact"
        case fitSecondsSubset = "fit_s_subset"
    }

    var text: String {
        String(
            format:
                "%@ objective %d, n=%d, subset %d: mean gap %.3f sd (p90 %.3f), variance ratio %.2f (p10 %.2f, p90 %.2f), "
                + "rmse vs truth exact %.4f subset %.4f, fit %.2f s exact %.2f s subset",
            problem,
            objective,
            n,
            limit,
            meanGapOverSD,
            meanGapOverSDP90,
            varianceRatioMedian,
            varianceRatioP10,
            varianceRatioP90,
            rmseExact,
            rmseSubset,
            fitSecondsExact,
            fitSecondsSubset
        )
    }
}
