import Acquisition
import Problems
import Testing

@testable import BayesianOptimization

/// `-|u - target|²`: its maximum is `target`, wherever that is.
private struct DistanceToTarget: AcquisitionFunction {
    var target: [Double]
    var dimension: Int { target.count }

    func value(at u: [Double]) -> Double {
        -zip(u, target).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
    }

    func value(at u: [Double], gradient: inout [Double]) -> Double {
        gradient = zip(u, target).map { -2 * ($0 - $1) }
        return value(at: u)
    }
}

@Suite("Acquisition in trust regions")
struct AcquisitionRegionTests {
    @Test("A region is clipped to the unit cube and contains its centre")
    func regionClipsToTheCube() {
        let region = AcquisitionOptimizer.Region(center: [0.1, 0.5, 0.95], length: 0.4)
        #expect(region.lower.enumerated().allSatisfy { abs($0.element - [0, 0.3, 0.75][$0.offset]) < 1e-12 })
        #expect(region.upper.enumerated().allSatisfy { abs($0.element - [0.3, 0.7, 1][$0.offset]) < 1e-12 })
        #expect(region.contains([0.1, 0.5, 0.95]))
        #expect(!region.contains([0.31, 0.5, 0.95]))
    }

    @Test(
        "Maximised within a region, every candidate is inside it and the best is the point of the box nearest the optimum"
    )
    func maximizeStaysInTheRegion() {
        let acquisition = DistanceToTarget(target: [0.9, 0.9, 0.2, 0.5])
        let region = AcquisitionOptimizer.Region(lower: [0.2, 0.2, 0.2, 0.2], upper: [0.6, 0.6, 0.6, 0.6])
        let optimizer = AcquisitionOptimizer(rawSamples: 64, restarts: 4)
        let candidates = optimizer.maximize(acquisition, around: [[0.4, 0.4, 0.4, 0.4]], within: region, seed: 3)
        #expect(!candidates.isEmpty)
        #expect(candidates.allSatisfy { region.contains($0.point) })
        let best = candidates[0].point
        for (j, expected) in [0.6, 0.6, 0.2, 0.5].enumerated() { #expect(abs(best[j] - expected) < 1e-5) }
        // Control: without the region the optimum itself is found.
        let free = optimizer.maximize(acquisition, seed: 3)[0].point
        for (j, expected) in acquisition.target.enumerated() { #expect(abs(free[j] - expected) < 1e-5) }
    }

    @Test(
        "Trust regions from 10 parameters on, with one slot of the whole cube below 20",
        arguments: [(6, 0, false), (12, 4, true), (24, 4, false)]
    )
    func regionRuleByDimension(dimension: Int, boxes: Int, hasGlobalSlot: Bool) {
        let problem = DTLZ2(dimension: dimension, objectives: 2)
        var optimizer = BayesianOptimizerTests.optimizer(for: problem)
        optimizer.budget = 100
        var observations = Observations()
        BayesianOptimizerTests.observe(
            problem,
            optimizer.sobolDesigns(count: 2 * (dimension + 1), skip: 0, seed: 1),
            into: &observations
        )
        let regions = optimizer.acquisitionRegions(observations, reference: problem.referencePoint, batch: 4)
        #expect(regions.count == boxes)
        #expect(regions.contains { $0 == nil } == hasGlobalSlot)
        #expect(regions.compactMap(\.self).allSatisfy { $0.lower.count == dimension })
    }

    @Test(
        "A fresh box's edge is 0.8 up to 10 parameters, then 0.8 √(10/d); it halves after max(d, 10) failures",
        arguments: [
            (6, 0.8, 10), (10, 0.8, 10), (16, 0.632_455_532, 16), (30, 0.461_880_215, 30), (100, 0.252_982_213, 100),
        ]
    )
    func freshBoxEdgeByDimension(dimension: Int, edge: Double, failures: Int) throws {
        let problem = DTLZ2(dimension: dimension, objectives: 2)
        var optimizer = BayesianOptimizerTests.optimizer(for: problem)
        let settings = optimizer.acquisitionRegionSettings
        #expect(abs(settings.initialLength - edge) < 1e-8)
        #expect(settings.failureTolerance == failures)
        // After the initial design (nothing replayed yet) the boxes have that edge, clipped to the
        // cube where a centre is near a face; below 10 parameters there are none.
        optimizer.budget = 100
        var observations = Observations()
        BayesianOptimizerTests.observe(
            problem,
            optimizer.sobolDesigns(count: optimizer.initialDesignCount, skip: 0, seed: 1),
            into: &observations
        )
        let boxes = optimizer.acquisitionRegions(observations, reference: problem.referencePoint, batch: 4)
            .compactMap(\.self)
        #expect(boxes.isEmpty == (dimension < optimizer.localAcquisitionDimension))
        for box in boxes {
            let widest = zip(box.lower, box.upper).map { $1 - $0 }.max()!
            #expect(widest <= edge + 1e-9)
            #expect(zip(box.lower, box.upper).allSatisfy { $1 - $0 >= edge / 2 - 1e-9 })
        }
    }

    @Test("Boxes span every choice of a categorical parameter and narrow the continuous ones")
    func boxesSpanCategoricalChoices() throws {
        let d = 12
        let space = try SearchSpace(
            names: (0..<d).map { "x\($0)" },
            lower: [Double](repeating: 0, count: d - 1) + [0],
            upper: [Double](repeating: 1, count: d - 1) + [3],
            kinds: [SearchSpace.Coordinate](repeating: .continuous, count: d - 1) + [.categorical(choices: 4)]
        )
        var optimizer = BayesianOptimizer(space: space, objectiveCount: 2, referencePoint: [2, 2])
        optimizer.budget = 60
        var observations = Observations()
        for x in optimizer.sobolDesigns(count: 20, skip: 0, seed: 4) {
            observations.inputs.append(x)
            observations.objectives.append([x[0] + 0.1 * x[d - 1], 1 - x[0] + x[1]])
        }
        let boxes = optimizer.acquisitionRegions(observations, reference: [2, 2], batch: 4).compactMap(\.self)
        #expect(boxes.count == 3)
        for box in boxes {
            #expect(box.lower[d - 1] == 0 && box.upper[d - 1] == 1)
            #expect((0..<(d - 1)).contains { box.upper[$0] - box.lower[$0] < 1 })
        }
    }

    @Test("In 24 dimensions each design of a batch lies in its trust region; with regions off they leave them")
    func batchDesignsLieInTheirRegions() throws {
        let problem = DTLZ2(dimension: 24, objectives: 2)
        var optimizer = BayesianOptimizerTests.optimizer(for: problem)
        optimizer.budget = 80
        optimizer.optimizer.samplesAroundBest = 64
        var observations = Observations()
        BayesianOptimizerTests.observe(
            problem,
            try optimizer.suggest(count: optimizer.initialDesignCount, observations: observations, seed: 1),
            into: &observations
        )
        let regions = optimizer.acquisitionRegions(observations, reference: problem.referencePoint, batch: 2)
            .compactMap(\.self)
        let designs = try optimizer.suggest(count: 2, observations: observations, seed: 2)
        for (k, design) in designs.enumerated() {
            #expect(regions[k % regions.count].contains(optimizer.space.unit(design)))
        }
        optimizer.localAcquisitionDimension = .max
        let global = try optimizer.suggest(count: 2, observations: observations, seed: 2)
        #expect(global.enumerated().contains { !regions[$0.offset].contains(optimizer.space.unit($0.element)) })
    }

    @Test(
        "The default initial design is 2(d+1), from 10 parameters on at most a twentieth of the budget unless that is below 10",
        arguments: [
            (6, 60, 14), (9, 60, 20), (10, 100, 10), (16, 400, 20), (30, 150, 10), (100, 2000, 100), (30, nil, 62),
        ] as [(Int, Int?, Int)]
    )
    func initialDesignRule(dimension: Int, budget: Int?, expected: Int) {
        var optimizer = BayesianOptimizerTests.optimizer(for: DTLZ2(dimension: dimension, objectives: 2))
        optimizer.budget = budget
        #expect(optimizer.initialDesignCount == expected)
        optimizer.initialDesignSize = 7
        #expect(optimizer.initialDesignCount == 7)
    }
}
