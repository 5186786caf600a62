import Acquisition
import BayesianOptimization
import Benchmarking
import Pareto
import Problems
import Testing

/// A smooth function of `u0` plus an unordered effect per choice of `u1` (5 choices): the best
/// choice, index 3, sits between two poor ones, so no gradient in `u1` points to it.
struct ChoiceAcquisition: AcquisitionFunction {
    static let effects = [0.2, 0.0, 0.5, 1.0, 0.1]
    var dimension: Int { 2 }

    func value(at u: [Double]) -> Double {
        let level = Int((u[1] * 4).rounded())
        return -(u[0] - 0.3) * (u[0] - 0.3) + Self.effects[level]
    }

    func value(at u: [Double], gradient: inout [Double]) -> Double {
        gradient = [-2 * (u[0] - 0.3), 0]
        return value(at: u)
    }
}

/// A peak in `u0`, an input that barely matters (`u1`: a slope of 1e-4 toward its upper bound)
/// and a categorical `u2` of 3 choices whose best is the middle one.
struct FlatInputAcquisition: AcquisitionFunction {
    var dimension: Int { 3 }

    func value(at u: [Double]) -> Double {
        -10 * (u[0] - 0.3) * (u[0] - 0.3) + 1e-4 * u[1] + [0.0, 0.5, 0.2][Int((u[2] * 2).rounded())]
    }

    func value(at u: [Double], gradient: inout [Double]) -> Double {
        gradient = [-20 * (u[0] - 0.3), 1e-4, 0]
        return value(at: u)
    }
}

@Suite("Mixed categorical and continuous spaces")
struct MixedSpaceTests {
    @Test("Categorical coordinates of the acquisition optimum are choices, and sweeps find the best choice")
    func acquisitionOptimizerSweepsChoices() {
        var optimizer = AcquisitionOptimizer(rawSamples: 4, restarts: 2)
        optimizer.categorical = [.categorical(dimension: 1, choices: 5)]
        let candidates = optimizer.maximize(ChoiceAcquisition(), seed: 7)
        let levels = [0, 0.25, 0.5, 0.75, 1]
        #expect(candidates.allSatisfy { levels.contains($0.point[1]) })
        #expect(candidates[0].point[1] == 0.75)
        #expect(abs(candidates[0].point[0] - 0.3) < 1e-4)
        // Control: without the sweeps, 4 raw samples rarely hold the best choice's neighbourhood.
        var plain = optimizer
        plain.categoricalCandidates = 0
        let unswept = plain.maximize(ChoiceAcquisition(), seed: 7)
        #expect(unswept[0].value <= candidates[0].value)
    }

    @Test(
        "With a flat-coordinate tolerance the best optimum's flat input leaves the bound, within the tolerance of the optimum; choices are kept",
        arguments: [UInt64(1), 2, 3]
    )
    func flatCoordinatesAreRedrawn(seed: UInt64) {
        var optimizer = AcquisitionOptimizer(rawSamples: 32, restarts: 4)
        optimizer.categorical = [.categorical(dimension: 2, choices: 3)]
        let plain = optimizer.maximize(FlatInputAcquisition(), seed: seed)[0]
        // Control: the search takes the flat input to its bound.
        #expect(abs(plain.point[1] - 1) < 1e-9)
        #expect(abs(plain.point[0] - 0.3) < 1e-4 && plain.point[2] == 0.5)
        optimizer.flatCoordinateTolerance = 0.01
        let redrawn = optimizer.maximize(FlatInputAcquisition(), seed: seed)[0]
        #expect(redrawn.point[1] < 1 - 1e-3)
        #expect(redrawn.point[2] == 0.5)
        #expect(redrawn.value >= plain.value - 0.01 - 1e-12)
        #expect(abs(redrawn.value - FlatInputAcquisition().value(at: redrawn.point)) < 1e-12)
        #expect(abs(redrawn.point[0] - 0.3) <= (0.01 / 10).squareRoot() + 1e-4)
        // Deterministic given the seed.
        #expect(optimizer.maximize(FlatInputAcquisition(), seed: seed)[0].point == redrawn.point)
    }

    static func optimizer(_ encoding: CategoricalEncoding) -> BayesianOptimizer {
        var optimizer = BayesianOptimizerTests.optimizer(for: MixedDTLZ2())
        optimizer.categoricalEncoding = encoding
        return optimizer
    }

    @Test("The overlap encoding gives the models categorical inputs; the ordinal control does not")
    func encodingReachesTheModels() throws {
        let problem = MixedDTLZ2()
        let optimizer = Self.optimizer(.overlap)
        #expect(optimizer.space.categoricalCoordinates.map(\.dimension) == [4, 5])
        let observations = try BayesianOptimizerTests.observed(problem, suggestedBy: optimizer, count: 14, seed: 1)
        let overlap = try optimizer.fittedHyperparameters(observations: observations, seed: 2)
        let ordinal = try Self.optimizer(.ordinal).fittedHyperparameters(observations: observations, seed: 2)
        #expect(overlap != ordinal)
        let batch = try optimizer.suggest(count: 3, observations: observations, seed: 3)
        for x in batch {
            #expect([0.0, 1, 2, 3, 4].contains(x[4]) && [0.0, 1, 2].contains(x[5]), "\(x)")
            #expect(!observations.inputs.contains(x))
        }
    }

    @Test("A fully categorical space is searched design by design without asking, and reaches the best design")
    func fullyCategoricalSpaceIsSearchedExhaustively() throws {
        // 5 x 4 x 3 = 60 designs; one objective, unordered effects with one best design.
        let space = try SearchSpace(
            names: ["a", "b", "c"],
            lower: [0, 0, 0],
            upper: [4, 3, 2],
            kinds: [.categorical(choices: 5), .categorical(choices: 4), .categorical(choices: 3)]
        )
        func evaluate(_ x: [Double]) -> Double {
            [0.6, 0.1, 0.9, 0.0, 0.4][Int(x[0])] + [0.3, 0.8, 0.0, 0.5][Int(x[1])] + [0.2, 0.0, 0.7][Int(x[2])]
        }
        var optimizer = BayesianOptimizer(space: space, objectiveCount: 1)
        optimizer.fitOptions.restarts = 2
        optimizer.observationNoise = .deterministic
        optimizer.initialDesignSize = 8
        #expect(optimizer.discreteUnitDesigns()?.count == 60)
        var observations = Observations()
        while observations.count < 24 {
            for x in try optimizer.suggest(count: 2, observations: observations, seed: UInt64(observations.count)) {
                #expect(!observations.inputs.contains(x))
                observations.inputs.append(x)
                observations.objectives.append([evaluate(x)])
            }
        }
        #expect(observations.objectives.map { $0[0] }.min() == 0, "the best design [3, 2, 1] was found")
    }

    @Test("A categorical parameter's bounds must be its choice indices")
    func categoricalBoundsAreChecked() {
        #expect {
            try SearchSpace(names: ["gas"], lower: [1], upper: [3], kinds: [.categorical(choices: 3)])
        } throws: { error in
            "\(error)".contains("gas") && "\(error)".contains("0 ... 2")
        }
    }
}

@Suite("Per-output fits")
struct ParallelOutputFitTests {
    @Test("Fitting the outputs' models concurrently gives the same hyperparameters and designs as one after another")
    func concurrentFitsEqualSequentialFits() throws {
        let problem = ToyTracker()
        var optimizer = BayesianOptimizerTests.optimizer(for: problem)
        let observations = try BayesianOptimizerTests.observed(problem, suggestedBy: optimizer, count: 14, seed: 1)
        let sequential = try optimizer.fittedHyperparameters(observations: observations, seed: 4)
        let sequentialDesigns = try optimizer.suggest(count: 2, observations: observations, seed: 4)
        optimizer.parallelOutputFits = true
        #expect(try optimizer.fittedHyperparameters(observations: observations, seed: 4) == sequential)
        #expect(try optimizer.suggest(count: 2, observations: observations, seed: 4) == sequentialDesigns)
        #expect(sequential.count == problem.objectiveCount + problem.constraintCount)
    }
}
