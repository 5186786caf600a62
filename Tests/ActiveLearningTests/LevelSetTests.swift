import ActiveLearning
import Benchmarking
import Problems
import Testing

@Suite("Excursion sets")
struct LevelSetTests {
    @Test("The test functions reproduce the reference facts")
    func functions() {
        let f = ExcursionFunction.oneDimensional
        for crossing in [0.86111, 0.92476] {
            #expect(abs(f.evaluate([crossing]) - f.threshold) < 2e-3)
        }
        let grid = ExcursionFunction.physics2D.grid(perSide: 41)
        let fraction = Double(grid.filter { ExcursionFunction.physics2D.evaluate($0) > 0 }.count) / Double(grid.count)
        #expect(abs(fraction - 0.6020) < 5e-4)
    }

    @Test("Straddle active learning finds both 1-D crossings within 12 evaluations")
    func oneDimensional() throws {
        var estimator = LevelSetEstimator(function: .oneDimensional, batch: 2)
        estimator.optimizer = .init(rawSamples: 128, restarts: 3)
        let result = try estimator.run(budget: 12, seed: 1, gridPerSide: 200)
        #expect(result.accuracy > 0.99, "accuracy \(result.accuracy)")
    }
}

@Suite("Stepwise uncertainty reduction")
struct UncertaintyReductionTests {
    @Test("SUR finds the 1-D crossings within 12 evaluations")
    func oneDimensional() throws {
        var estimator = LevelSetEstimator(function: .oneDimensional, batch: 2)
        estimator.criterion = .sur
        let result = try estimator.run(budget: 12, seed: 2, gridPerSide: 200)
        #expect(result.accuracy > 0.99, "accuracy \(result.accuracy)")
    }
}
