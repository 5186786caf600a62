import GaussianProcess
import LinearAlgebra
import Problems
import Sampling
import Testing

@testable import BayesianOptimization

@Suite("Trust-region search")
struct TrustRegionTests {
    /// `optimizer` with trust-region settings small enough for a debug build.
    static func smallTrustRegions(_ optimizer: BayesianOptimizer) -> BayesianOptimizer {
        var optimizer = optimizer
        optimizer.trustRegion.candidatesPerRegion = 256
        optimizer.trustRegion.features = 128
        optimizer.trustRegion.fitRestarts = 1
        return optimizer
    }

    /// `problem`'s values at `optimizer`'s first `count` (initial, quasi-random) designs.
    static func initialObservations(
        _ problem: some TestProblem,
        _ optimizer: BayesianOptimizer,
        count: Int
    ) throws -> Observations {
        let observations = try BayesianOptimizerTests.observed(problem, suggestedBy: optimizer, count: count, seed: 1)
        return observations
    }

    @Test(
        "A global Thompson batch descends the means in 8 slots, and in one of six from batches of 54 on",
        arguments: [(1, 1), (4, 4), (8, 8), (50, 8), (53, 8), (54, 9), (120, 20), (200, 33)]
    )
    func globalDescentsPerBatch(batch: Int, descents: Int) {
        #expect(BayesianOptimizer.globalDescents(batch: batch) == descents)
    }

    @Test("Replayed bookkeeping: two failures halve the edge, two successes double it back")
    func bookkeepingByHand() {
        var settings = TrustRegionSettings()
        settings.failureTolerance = 2
        settings.successTolerance = 2
        let inputs: [[Double]] = [[0.5, 0.5], [0.9, 0.9], [0.6, 0.6], [0.4, 0.4], [0.45, 0.55], [0.55, 0.45]]
        let objectives: [[Double]] = [[1, 1], [5, 5], [6, 6], [7, 7], [0.5, 2], [2, 0.5]]
        func replayed(_ n: Int) -> TrustRegion {
            var history = TrustRegionHistory(
                settings: settings,
                unitInputs: Array(inputs.prefix(n)),
                objectives: Array(objectives.prefix(n)),
                feasible: [Bool](repeating: true, count: n),
                reference: [10, 10],
                regionCount: 1,
                initialCount: 2,
                budget: nil
            )
            history.replay(batch: 1)
            return history.regions[0]
        }
        #expect(replayed(2) == TrustRegion(center: 0, length: 0.8))
        #expect(replayed(3).failures == 1)
        #expect(replayed(4).length == 0.4 && replayed(4).failures == 0)
        #expect(replayed(5).length == 0.4 && replayed(5).successes == 1)
        #expect(replayed(6).length == 0.8 && replayed(6).successes == 0)
    }

    @Test("A region whose edge falls below the minimum restarts and its centre becomes tabu")
    func collapseRestartsRegion() {
        var settings = TrustRegionSettings()
        settings.failureTolerance = 1
        settings.minimumLength = 0.3
        let inputs: [[Double]] = [[0.5, 0.5], [0.1, 0.9], [0.6, 0.6], [0.4, 0.4]]
        let objectives: [[Double]] = [[1, 1], [0.5, 3], [6, 6], [7, 7]]
        var history = TrustRegionHistory(
            settings: settings,
            unitInputs: inputs,
            objectives: objectives,
            feasible: [true, true, true, true],
            reference: [10, 10],
            regionCount: 1,
            initialCount: 2,
            budget: nil
        )
        history.replay(batch: 1)
        // 0.8 -> 0.4 -> 0.2 < 0.3: restart at 0.8, centre 0 tabu, the other front point takes over.
        #expect(history.tabu == [0])
        #expect(history.regions[0].length == 0.8)
        #expect(history.regions[0].center == 1)
    }

    @Test("A trust-region batch is deterministic, distinct, new and inside the box")
    func batchIsDistinctAndSeeded() throws {
        let problem = DTLZ2(dimension: 6, objectives: 2)
        var optimizer = Self.smallTrustRegions(
            BayesianOptimizerTests.optimizer(for: problem, acquisition: .trustRegion)
        )
        optimizer.budget = 40
        let observations = try Self.initialObservations(problem, optimizer, count: 14)
        let a = try optimizer.suggest(count: 4, observations: observations, seed: 2)
        let b = try optimizer.suggest(count: 4, observations: observations, seed: 2)
        #expect(a == b)
        #expect(Set(a).count == 4)
        #expect(a.allSatisfy { !observations.inputs.contains($0) })
        #expect(a.allSatisfy { x in x.allSatisfy { $0 >= 0 && $0 <= 1 } })
    }

    @Test(
        "The candidates a greedy batch scores are exactly those no other one weakly dominates (first of equal ones)",
        arguments: [2, 3, 4]
    )
    func nondominatedCandidatesMatchBruteForce(objectives m: Int) {
        var generator = SeededGenerator(seed: UInt64(m) * 977)
        let c = 300
        // Values on a coarse grid, so ties and exact duplicates occur.
        var values = (0..<(c * m)).map { _ in (generator.nextUniform() * 8).rounded(.down) }
        values.replaceSubrange((5 * m)..<(6 * m), with: values[(2 * m)..<(3 * m)])
        let indices = (0..<c).filter { $0 % 7 != 3 }
        func weaklyDominates(_ a: Int, _ b: Int) -> Bool {
            (0..<m).allSatisfy { values[a * m + $0] <= values[b * m + $0] }
        }
        let expected = indices.filter { i in
            !indices.contains { k in
                k != i && weaklyDominates(k, i) && (!weaklyDominates(i, k) || k < i)
            }
        }
        let kept = BayesianOptimizer.nondominatedCandidates(indices, values: values, objectives: m)
        #expect(kept == expected)
        #expect(!kept.isEmpty && kept.count < indices.count)
        #expect(!kept.contains(5))  // a copy of candidate 2 comes after it
    }

    @Test(
        "Descending the posterior means' scalarisation lowers it by more than half, stays in the box, and 0 steps stay put"
    )
    func meanDescentLowersScalarisationInsideBox() throws {
        let d = 8
        var optimizer = BayesianOptimizerTests.optimizer(
            for: DTLZ2(dimension: d, objectives: 2),
            acquisition: .trustRegion
        )
        var generator = SeededGenerator(seed: 21)
        let inputs = (0..<60).map { _ in (0..<d).map { _ in generator.nextUniform() } }
        let centres = [0.3, 0.7]
        func objective(_ j: Int, _ x: [Double]) -> Double { x.reduce(0) { $0 + ($1 - centres[j]) * ($1 - centres[j]) } }
        let models = try (0..<2).map { j in
            let y = inputs.map { objective(j, $0) }
            return try ExactGP(
                kernel: Matern52Kernel(),
                hyperparameters: KernelHyperparameters(
                    lengthscales: [Double](repeating: 1.5, count: d),
                    outputscale: 1
                ),
                noiseVariances: [1e-6],
                inputs: Matrix(rowArrays: inputs),
                outputs: y,
                outcomeTransform: .fitted(to: y)
            )
        }
        let lower = [Double](repeating: 0.1, count: d)
        let upper = [Double](repeating: 0.9, count: d)
        let starts = [[Double](repeating: 0.85, count: d), [Double](repeating: 0.15, count: d)]
        let weights = [[0.5, 0.5], [0.9, 0.1]]
        func scalarised(_ x: [Double], _ w: [Double]) -> Double {
            let terms = (0..<2).map { w[$0] * models[$0].meanAndGradient(at: x).mean }
            return terms.max()! + 0.05 * terms.reduce(0, +)
        }
        func descend(by optimizer: BayesianOptimizer) -> [[Double]] {
            optimizer.descendedDesigns(
                models: models,
                starts: starts,
                lower: lower,
                upper: upper,
                ideal: [0, 0],
                scales: [1, 1],
                weights: weights
            )
        }
        let descended = descend(by: optimizer)
        for k in 0..<2 {
            #expect(scalarised(descended[k], weights[k]) < 0.5 * scalarised(starts[k], weights[k]), "slot \(k)")
            #expect(descended[k].allSatisfy { $0 >= 0.1 - 1e-12 && $0 <= 0.9 + 1e-12 }, "slot \(k) inside the box")
        }
        optimizer.trustRegion.descentSteps = 0
        let unmoved = descend(by: optimizer)
        #expect(unmoved == starts.map { $0.map { min(max($0, 0.1), 0.9) } })
    }

    @Test(
        "From 10 parameters on, a Thompson-sized batch of auto comes from the trust regions; below, from the global models"
    )
    func largeBatchesInManyDimensionsUseTrustRegions() throws {
        for (dimension, local) in [(10, true), (6, false)] {
            let problem = DTLZ2(dimension: dimension, objectives: 2)
            var optimizer = Self.smallTrustRegions(BayesianOptimizerTests.optimizer(for: problem))
            optimizer.trustRegion.descentSteps = 5
            let observations = try Self.initialObservations(problem, optimizer, count: 22)
            let batch = try optimizer.suggest(count: 16, observations: observations, seed: 2)
            let regions = try optimizer.trustRegionDesigns(
                count: 16,
                observations: observations,
                pending: [],
                reference: optimizer.resolvedReference(observations),
                seed: 2
            )
            #expect((batch == regions) == local, "d = \(dimension)")
            #expect(Set(batch).count == 16)
        }
    }

    @Test("A recombined candidate takes every coordinate from its base or its partner, clamped into the box")
    func recombinationCopiesBaseOrPartnerCoordinates() {
        let optimizer = BayesianOptimizerTests.optimizer(for: DTLZ2(dimension: 6, objectives: 2))
        let bases = [[0.5, 0.5, 0.5, 0.5, 0.5, 0.5]]
        let partners = [[0.1, 0.9, 0.45, 0.55, 0.2, 0.8], [0.6, 0.4, 0.3, 0.7, 0.52, 0.48]]
        let lower = [Double](repeating: 0.3, count: 6)
        let upper = [Double](repeating: 0.7, count: 6)
        let candidates = optimizer.recombinationCandidates(
            count: 200,
            bases: bases,
            partners: partners,
            lower: lower,
            upper: upper,
            seed: 5
        )
        #expect(candidates.count == 200)
        var fromPartner = 0
        for x in candidates {
            let matches = partners.contains { partner in
                (0..<6).allSatisfy { j in x[j] == 0.5 || x[j] == min(max(partner[j], 0.3), 0.7) }
            }
            #expect(matches, "\(x)")
            fromPartner += (0..<6).filter { x[$0] != 0.5 }.count
        }
        // About half the coordinates come from the partner (every partner coordinate differs from 0.5).
        #expect(fromPartner > 450 && fromPartner < 750, "\(fromPartner) of 1200")
    }
}
