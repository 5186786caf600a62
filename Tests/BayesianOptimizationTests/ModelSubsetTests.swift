import Benchmarking
import Foundation
import GaussianProcess
import LinearAlgebra
import Sampling
import Testing

@testable import BayesianOptimization

@Suite("Bounded models at large n: a subset of the observations (best ranks and a uniform sample)")
struct ModelSubsetTests {
    static func observations(count n: Int, seed: UInt64) -> Observations {
        var generator = SeededGenerator(seed: seed)
        var observations = Observations()
        for _ in 0..<n {
            let x = [Double.random(in: 0...1, using: &generator), Double.random(in: 0...1, using: &generator)]
            observations.inputs.append(x)
            observations.objectives.append([x[0], 1 - x[0] * x[0] + 0.5 * x[1]])
        }
        return observations
    }

    @Test(
        "Past the limit the subset has `limit` rows: the whole first front, the rest sampled; seeded; nothing cut below it"
    )
    func selection() throws {
        let all = Self.observations(count: 400, seed: 1)
        let subset = all.modelSubset(limit: 100, seed: 7)
        #expect(subset.count == 100)
        #expect(subset.objectives.count == 100 && subset.inputs.count == 100)
        #expect(all.modelSubset(limit: 100, seed: 7).inputs == subset.inputs)
        #expect(all.modelSubset(limit: 100, seed: 8).inputs != subset.inputs)
        // The non-dominated designs all stay (here the front has fewer than 50).
        let front = (0..<all.count).filter { i in
            !(0..<all.count).contains { j in
                all.objectives[j][0] <= all.objectives[i][0] && all.objectives[j][1] <= all.objectives[i][1]
                    && all.objectives[j] != all.objectives[i]
            }
        }
        #expect(!front.isEmpty && front.count <= 50)
        let kept = Set(subset.inputs)
        #expect(front.allSatisfy { kept.contains(all.inputs[$0]) })
        #expect(all.modelSubset(limit: 400, seed: 7).inputs == all.inputs)
    }

    @Test(
        "A GP on 250 of 1,000 observations predicts like the exact GP: mean within 15% of the spread, far closer than 30 points (control)"
    )
    func predictsLikeExact() throws {
        let d = 4
        let data = SyntheticRegression.sample(count: 1000, dimension: d, seed: 3)
        var observations = Observations()
        for i in 0..<1000 {
            observations.inputs.append(data.inputs.row(i))
            observations.objectives.append([data.outputs[i]])
        }
        let space = try SearchSpace(
            names: (0..<d).map { "x\($0)" },
            lower: .init(repeating: 0, count: d),
            upper: .init(repeating: 1, count: d)
        )
        var optimizer = BayesianOptimizer(space: space, objectiveCount: 1)
        optimizer.fitOptions.restarts = 1
        optimizer.maximumModelPoints = 250
        let hyperparameters = try optimizer.fittedHyperparameters(observations: observations, seed: 0)[0]
        let bounds = InputNormalization(lower: space.lower, upper: space.upper)
        func model(_ rows: Observations) throws -> ExactGP {
            try hyperparameters.model(
                kernel: optimizer.kernel,
                inputs: Matrix(rowArrays: rows.inputs),
                outputs: rows.objectives.map { $0[0] },
                bounds: bounds,
                jitter: optimizer.fitOptions.jitter,
                priorMean: optimizer.fitOptions.priorMean
            )
        }
        let exact = try model(observations)
        let subset = try model(observations.modelSubset(limit: 250, seed: 0))
        let control = try model(observations.modelSubset(limit: 30, seed: 0))
        var generator = SeededGenerator(seed: 11)
        let test = SyntheticRegression.uniformPoints(count: 200, dimension: d, generator: &generator)
        let (exactMean, exactVariance) = exact.posterior(at: test)
        let (subsetMean, subsetVariance) = subset.posterior(at: test)
        let (controlMean, _) = control.posterior(at: test)
        let mean = data.outputs.reduce(0, +) / 1000
        let spread = (data.outputs.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 1000).squareRoot()
        func rms(_ a: [Double], _ b: [Double]) -> Double {
            (zip(a, b).map { ($0 - $1) * ($0 - $1) }.reduce(0, +) / Double(a.count)).squareRoot()
        }
        let subsetError = rms(subsetMean, exactMean) / spread
        let controlError = rms(controlMean, exactMean) / spread
        let varianceRatio = zip(subsetVariance, exactVariance).map { $0 / max($1, 1e-300) }.reduce(0, +) / 200
        // Measured: mean error 0.090 of the spread (control, 30 points: 0.26); the variance 26x the
        // exact on average (the exact model, on four times the data of noise 0.05, is nearly certain).
        #expect(subsetError < 0.15, "subset mean error \(subsetError) of the spread")
        #expect(controlError > 2 * subsetError, "control \(controlError), subset \(subsetError)")
        #expect(varianceRatio >= 1 && varianceRatio < 50, "variance ratio \(varianceRatio)")
        print("model subset: mean error \(subsetError), control \(controlError), variance ratio \(varianceRatio)")
    }
}
