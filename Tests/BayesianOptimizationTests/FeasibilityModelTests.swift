import GaussianProcess
import LinearAlgebra
import Problems
import Sampling
import Testing

@testable import BayesianOptimization

@Suite("The feasibility model of designs found infeasible (unknown constraints)")
struct FeasibilityModelTests {
    /// Quasi-random designs of the unit cube, split by a hidden half-space `mean(x) > threshold`
    /// into observed ones (with objectives from `problem`) and infeasible ones.
    static func observations(
        dimension d: Int,
        count: Int,
        threshold: Double,
        problem: (([Double]) -> [Double])? = nil
    ) -> Observations {
        var sobol = SobolSequence(dimension: d, seed: 1)
        var observations = Observations()
        for _ in 0..<count {
            let x = sobol.next()
            if x.reduce(0, +) / Double(d) > threshold {
                observations.infeasibleInputs.append(x)
            } else {
                observations.inputs.append(x)
                observations.objectives.append(problem?(x) ?? [0, 0])
            }
        }
        return observations
    }

    /// Infeasible designs (mean above `threshold`) among `seeds` batches of `count` proposed with the
    /// infeasible designs told, and with them hidden (the control).
    static func infeasibleProposals(
        _ optimizer: BayesianOptimizer,
        _ told: Observations,
        threshold: Double,
        count: Int,
        seeds: UInt64
    ) throws -> (with: Int, without: Int) {
        var hidden = told
        hidden.infeasibleInputs = []
        func infeasible(_ designs: [[Double]]) -> Int {
            designs.filter { $0.reduce(0, +) / Double($0.count) > threshold }.count
        }
        var result = (with: 0, without: 0)
        for seed in 0..<seeds {
            result.with += infeasible(try optimizer.suggest(count: count, observations: told, seed: seed))
            result.without += infeasible(try optimizer.suggest(count: count, observations: hidden, seed: seed))
        }
        return result
    }

    static func space(_ d: Int) throws -> SearchSpace {
        try SearchSpace(
            names: (0..<d).map { "x\($0)" },
            lower: .init(repeating: 0, count: d),
            upper: .init(repeating: 1, count: d)
        )
    }

    @Test("It tells a hidden half-space in 5-D from 30 designs better than the majority class does")
    func classifiesHalfSpace() throws {
        let d = 5
        let space = try Self.space(d)
        var optimizer = BayesianOptimizer(space: space, objectiveCount: 2)
        optimizer.fitOptions.restarts = 2
        let observations = Self.observations(dimension: d, count: 30, threshold: 0.55)
        let bounds = InputNormalization(lower: space.lower, upper: space.upper)
        let model = try #require(try optimizer.feasibilityModel(observations, bounds: bounds, seed: 0))
        var test = SobolSequence(dimension: d, seed: 99)
        let points = (0..<400).map { _ in test.next() }
        let mean = model.posterior(at: Matrix(rowArrays: points)).mean
        let truth = points.map { $0.reduce(0, +) / Double(d) > 0.55 }
        let accuracy = Double(zip(mean, truth).filter { ($0 > 0) == $1 }.count) / 400
        let majority = Double(truth.filter { !$0 }.count) / 400
        // Measured: accuracy 0.85 against a majority rate of 0.65.
        #expect(accuracy > majority + 0.1, "accuracy \(accuracy), majority \(majority)")
        #expect(try optimizer.feasibilityModel(Observations(), bounds: bounds, seed: 0) == nil)
    }

    @Test("Told where designs failed, the optimiser proposes fewer infeasible ones than without (control)")
    func fewerInfeasibleProposals() throws {
        let problem = BraninCurrin()
        var optimizer = BayesianOptimizer(problem: problem)
        optimizer.monteCarloSamples = 16
        optimizer.optimizer = .init(rawSamples: 128, restarts: 2)
        optimizer.fitOptions.restarts = 2
        optimizer.observationNoise = .deterministic
        let told = Self.observations(dimension: 2, count: 16, threshold: 0.5) { problem.evaluate($0) }
        let (with, without) = try Self.infeasibleProposals(optimizer, told, threshold: 0.5, count: 3, seeds: 4)
        #expect(with < without, "infeasible proposals with the model \(with), without \(without)")
        #expect(told.infeasibleInputs.count >= 3)
    }

    @Test("Trust-region batches told where designs failed propose fewer infeasible ones than without (control)")
    func trustRegionAvoidsInfeasible() throws {
        let problem = BraninCurrin()
        var optimizer = BayesianOptimizer(problem: problem)
        optimizer.acquisition = .trustRegion
        optimizer.trustRegion.candidatesPerRegion = 256
        optimizer.trustRegion.features = 128
        optimizer.fitOptions.restarts = 1
        optimizer.initialDesignSize = 6
        optimizer.observationNoise = .deterministic
        let told = Self.observations(dimension: 2, count: 20, threshold: 0.6) { problem.evaluate($0) }
        let (with, without) = try Self.infeasibleProposals(optimizer, told, threshold: 0.6, count: 4, seeds: 6)
        #expect(with < without, "infeasible trust-region proposals with the model \(with), without \(without)")
    }
}
