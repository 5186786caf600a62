import BayesianOptimization
import Benchmarking
import Pareto
import Problems
import Testing

@Suite("Bayesian optimiser")
struct BayesianOptimizerTests {
    /// A small, fast configuration for debug-built tests.
    static func optimizer(for problem: some TestProblem, acquisition: AcquisitionChoice = .auto) -> BayesianOptimizer {
        var optimizer = BayesianOptimizer(problem: problem)
        optimizer.acquisition = acquisition
        optimizer.monteCarloSamples = 16
        optimizer.optimizer = .init(rawSamples: 64, restarts: 2)
        optimizer.fitOptions.restarts = 2
        optimizer.observationNoise = .deterministic
        return optimizer
    }

    /// The observations of `count` designs that `optimizer` suggests with no data (its initial design).
    static func observed(
        _ problem: some TestProblem,
        suggestedBy optimizer: BayesianOptimizer,
        count: Int,
        seed: UInt64
    ) throws -> Observations {
        var observations = Observations()
        observe(
            problem,
            try optimizer.suggest(count: count, observations: observations, seed: seed),
            into: &observations
        )
        return observations
    }

    static func observe(_ problem: some TestProblem, _ designs: [[Double]], into observations: inout Observations) {
        for x in designs {
            observations.inputs.append(x)
            observations.objectives.append(problem.evaluate(x))
            if problem.constraintCount > 0 { observations.constraints.append(problem.constraints(x)) }
        }
    }

    @Test(
        "Thompson designs once the designs in flight reach 16 or the observations 500; greedy below both",
        arguments: [(4, 0, false), (16, 0, true), (1, 15, true), (1, 200, true), (3, 12, false)]
    )
    func thompsonRuleCountsPendingDesigns(count: Int, pending: Int, thompson: Bool) {
        let optimizer = Self.optimizer(for: BraninCurrin())
        #expect(optimizer.usesThompsonBatch(count: count, pending: pending) == thompson)
        #expect(optimizer.usesThompsonBatch(count: count, pending: pending, observations: 500), "a large study")
        var single = optimizer
        single.objectiveCount = 1
        #expect(!single.usesThompsonBatch(count: count, pending: pending), "one objective: always LogEI")
    }

    @Test("The initial design is quasi-random, seeded, inside the box, and continues past pending designs")
    func initialDesign() throws {
        let problem = BraninCurrin()
        let optimizer = Self.optimizer(for: problem)
        let first = try optimizer.suggest(count: 6, observations: Observations(), seed: 3)
        #expect(first == (try optimizer.suggest(count: 6, observations: Observations(), seed: 3)))
        #expect(first.allSatisfy { x in x.indices.allSatisfy { x[$0] >= 0 && x[$0] <= 1 } })
        let next = try optimizer.suggest(count: 2, observations: Observations(), pending: first, seed: 3)
        #expect(next == optimizer.sobolDesigns(count: 2, skip: 6, seed: 3))
        #expect(Set(first.map { $0.description }).isDisjoint(with: next.map { $0.description }))
    }

    @Test(
        "A batch has distinct designs that improve on the initial front",
        arguments: [AcquisitionChoice.qlognehvi, .qnparego]
    )
    func batch(acquisition: AcquisitionChoice) throws {
        let problem = BraninCurrin()
        let optimizer = Self.optimizer(for: problem, acquisition: acquisition)
        var observations = Observations()
        Self.observe(problem, try optimizer.suggest(count: 6, observations: observations, seed: 1), into: &observations)
        let batch = try optimizer.suggest(count: 3, observations: observations, seed: 2)
        #expect(batch.count == 3)
        #expect(Set(batch.map { $0.description }).count == 3)
        for x in batch { #expect(!observations.inputs.contains(x)) }
    }

    @Test("Suggestions under reused hyperparameters equal those of a fresh fit on the same data")
    func reusedHyperparametersGiveTheSameSuggestions() throws {
        let problem = BraninCurrin()
        var optimizer = Self.optimizer(for: problem)
        var observations = Observations()
        Self.observe(problem, try optimizer.suggest(count: 8, observations: observations, seed: 1), into: &observations)
        let fresh = try optimizer.suggest(count: 2, observations: observations, seed: 5)
        let fitted = try optimizer.fittedHyperparameters(observations: observations, seed: 5)
        #expect(fitted.count == 2)
        optimizer.reusedHyperparameters = fitted
        #expect(try optimizer.suggest(count: 2, observations: observations, seed: 5) == fresh)
        // Hyperparameters of another shape are ignored rather than misapplied.
        optimizer.reusedHyperparameters = Array(fitted.prefix(1))
        #expect(try optimizer.suggest(count: 2, observations: observations, seed: 5) == fresh)
    }

    @Test("A fully discrete space of 32 designs is searched exhaustively: 32 evaluations visit every design once")
    func fullyDiscreteSpaceIsSearchedExhaustively() throws {
        // Five binary parameters, as the BIC calorimeter study's (32 designs).
        let space = try SearchSpace(
            names: (0..<5).map { "b\($0)" },
            lower: [Double](repeating: 0, count: 5),
            upper: [Double](repeating: 1, count: 5),
            kinds: [SearchSpace.Coordinate](repeating: .integer, count: 5)
        )
        var optimizer = BayesianOptimizer(space: space, objectiveCount: 2, referencePoint: [6, 6])
        optimizer.monteCarloSamples = 16
        optimizer.fitOptions.restarts = 2
        optimizer.observationNoise = .deterministic
        optimizer.initialDesignSize = 6
        optimizer.exhaustiveDiscreteSearch = true
        #expect(optimizer.discreteUnitDesigns()?.count == 32)
        func evaluate(_ x: [Double]) -> [Double] {
            let weights = [1.0, 2, 0.5, 1.5, 1]
            let f1 = zip(weights, x).reduce(0) { $0 + $1.0 * $1.1 }
            let f2 = zip(weights.reversed(), x).reduce(0) { $0 + $1.0 * (1 - $1.1) }
            return [f1, f2]
        }
        var observations = Observations()
        while observations.count < 32 {
            let batch = try optimizer.suggest(count: 2, observations: observations, seed: UInt64(observations.count))
            for x in batch {
                #expect(x.allSatisfy { $0 == 0 || $0 == 1 })
                observations.inputs.append(x)
                observations.objectives.append(evaluate(x))
            }
        }
        #expect(Set(observations.inputs).count == 32)
        // A continuous parameter, or too many designs, is not searched exhaustively.
        let mixed = try SearchSpace(names: ["a", "b"], lower: [0, 0], upper: [1, 1], kinds: [.integer, .continuous])
        #expect(BayesianOptimizer(space: mixed, objectiveCount: 2).discreteUnitDesigns() == nil)
        let large = try SearchSpace(
            names: ["a", "b"],
            lower: [0, 0],
            upper: [100, 100],
            kinds: [.integer, .integer]
        )
        #expect(BayesianOptimizer(space: large, objectiveCount: 2).discreteUnitDesigns() == nil)
    }

    @Test("A batch of 32 comes from Thompson samples: distinct, new, inside the box, deterministic, better than Sobol")
    func largeBatchesUseThompsonSampling() throws {
        let problem = try #require(try ProblemRegistry.problem(named: "zdt1", dimension: 3))
        var optimizer = Self.optimizer(for: problem)
        optimizer.trustRegion.features = 256
        let observations = try Self.observed(problem, suggestedBy: optimizer, count: 12, seed: 2)
        let pending = try optimizer.suggest(count: 4, observations: observations, seed: 3)
        let batch = try optimizer.suggest(count: 32, observations: observations, pending: pending, seed: 4)
        #expect(batch.count == 32)
        #expect(Set(batch).count == 32)
        #expect(Set(batch).isDisjoint(with: Set(observations.inputs + pending)))
        #expect(batch.allSatisfy { x in x.indices.allSatisfy { x[$0] >= 0 && x[$0] <= 1 } })
        #expect(try optimizer.suggest(count: 32, observations: observations, pending: pending, seed: 4) == batch)
        // Control: the batch adds more hypervolume than 32 Sobol designs.
        func hypervolume(adding designs: [[Double]]) throws -> Double {
            try Hypervolume.of(
                observations.objectives + designs.map(problem.evaluate),
                reference: problem.referencePoint
            )
        }
        let sobol = optimizer.sobolDesigns(count: 32, skip: 100, seed: 9)
        #expect(try hypervolume(adding: batch) > hypervolume(adding: sobol))
    }

    @Test("Integer parameters come back whole and constraints are modelled (ToyTracker)")
    func integersAndConstraints() throws {
        let problem = ToyTracker(objectives: ["resolution", "cost"])
        let optimizer = Self.optimizer(for: problem)
        let observations = try Self.observed(problem, suggestedBy: optimizer, count: 12, seed: 4)
        let batch = try optimizer.suggest(count: 2, observations: observations, seed: 5)
        for x in batch {
            #expect(x[0] == x[0].rounded() && x[0] >= 3 && x[0] <= 10)
            #expect(SearchSpace(problem: problem).violation(of: x) == nil)
        }
    }

    @Test("One objective uses LogEI; many use qNParEGO")
    func resolvedAcquisition() throws {
        let space = try SearchSpace(names: ["a"], lower: [0], upper: [1])
        #expect(BayesianOptimizer(space: space, objectiveCount: 1).resolvedAcquisition == .logei)
        #expect(BayesianOptimizer(space: space, objectiveCount: 3).resolvedAcquisition == .qlognehvi)
        #expect(BayesianOptimizer(space: space, objectiveCount: 5).resolvedAcquisition == .qnparego)
        var optimizer = BayesianOptimizer(space: space, objectiveCount: 1)
        optimizer.optimizer = .init(rawSamples: 32, restarts: 2)
        optimizer.fitOptions.restarts = 2
        let observations = Observations(
            inputs: [[0.1], [0.4], [0.6], [0.9]],
            objectives: [[1.0], [0.2], [0.3], [1.2]]
        )
        let next = try optimizer.suggest(count: 2, observations: observations, seed: 1)
        #expect(next.count == 2 && next[0] != next[1])
        #expect(next.allSatisfy { $0[0] > 0.15 && $0[0] < 0.85 })
    }

    @Test("Bad observations and bounds are rejected with the field named")
    func badInput() throws {
        #expect { try SearchSpace(names: ["a"], lower: [1], upper: [1]) } throws: {
            ($0 as? OptimizerError)?.field == "a"
        }
        let space = try SearchSpace(names: ["a", "b"], lower: [0, 0], upper: [1, 1])
        let optimizer = BayesianOptimizer(space: space, objectiveCount: 2)
        let ragged = Observations(inputs: [[0.1]], objectives: [[1, 2]])
        #expect { try optimizer.suggest(count: 1, observations: ragged) } throws: {
            ($0 as? OptimizerError)?.field == "inputs"
        }
        let nan = Observations(inputs: [[0.1, 0.2]], objectives: [[1, .nan]])
        #expect { try optimizer.suggest(count: 1, observations: nan) } throws: {
            ($0 as? OptimizerError)?.field == "objectives"
        }
        #expect(space.violation(of: [0.5, 2]) != nil)
    }

    @Test("The inferred reference point is the nadir moved out by 10% of the front's range")
    func referencePoint() {
        let reference = ReferencePoint.inferred(from: [[0, 1], [1, 0], [2, 2]])
        #expect(reference == [1.1, 1.1])
    }
}
