import GaussianProcess
import LinearAlgebra
import Pareto
import Sampling
import Testing

@testable import Acquisition

@Suite("Monte-Carlo hypervolume improvement")
struct HypervolumeImprovementTests {
    static let fixture = BoTorchFixture.shared

    @Test("Cells integrate to BoTorch's analytic EHVI for independent Gaussian outcomes")
    func expectedImprovementMatchesAnalytic() throws {
        let c = Self.fixture.ehvi_case
        let cells = ImprovementCells(points: c.pareto_front.flatMap { $0 }, objectives: 2, reference: c.ref_point)
        let samples = 1 << 14
        let normals = NormalDistribution.quasiRandomSamples(count: samples, dimension: 2, seed: 3)
        for i in c.x_test.indices {
            var total = 0.0
            for s in 0..<samples {
                let y = (0..<2).map { c.mean[i][$0] + c.variance[i][$0].squareRoot() * normals[2 * s + $0] }
                total += y.withUnsafeBufferPointer { cells.improvement($0.baseAddress!, gradient: nil) }
            }
            let estimate = total / Double(samples)
            #expect(abs(estimate - c.ehvi[i]) <= 0.01 * c.ehvi[i] + 1e-6, "point \(i): \(estimate) vs \(c.ehvi[i])")
        }
    }

    @Test("HVI of a point equals the change in hypervolume; its gradient matches differences")
    func improvementIsHypervolumeChange() throws {
        var generator = SeededGenerator(seed: 4)
        for m in 2...3 {
            let front = (0..<8).map { _ in (0..<m).map { _ in generator.nextUniform() } }
            let reference = [Double](repeating: 1.1, count: m)
            let cells = ImprovementCells(points: front.flatMap { $0 }, objectives: m, reference: reference)
            let before = try Hypervolume.of(front, reference: reference)
            for _ in 0..<20 {
                let y = (0..<m).map { _ in generator.nextUniform() * 1.2 - 0.1 }
                var gradient = [Double](repeating: 0, count: m)
                let hvi = y.withUnsafeBufferPointer { py in
                    gradient.withUnsafeMutableBufferPointer {
                        cells.improvement(py.baseAddress!, gradient: $0.baseAddress!)
                    }
                }
                let after = try Hypervolume.of(front + [y], reference: reference)
                #expect(abs(hvi - (after - before)) <= 1e-12)
                for j in 0..<m {
                    var up = y
                    up[j] += 1e-7
                    let shifted = try Hypervolume.of(front + [up], reference: reference) - before
                    #expect(abs((shifted - hvi) / 1e-7 - gradient[j]) <= 1e-4)
                }
            }
        }
    }

    @Test("qLogNEHVI's expectation agrees with BoTorch's qNEHVI within Monte-Carlo error")
    func noisyExpectedImprovement() throws {
        let c = Self.fixture.qnehvi_case
        let models = try Self.fixture.ehvi_case.models()
        let baseline = Matrix(rowArrays: c.pruned_baseline_indices.map { c.x_baseline[$0] })
        let acquisition = LogNoisyExpectedHypervolumeImprovement(
            objectiveModels: models,
            baseline: baseline,
            reference: c.ref_point,
            map: UnitCubeMap(lower: [0, 0], upper: [1, 1]),
            samples: 1024,
            seed: 1
        )
        // Undo the objective scaling of the cells to compare volumes in the user's units.
        let scale = acquisition.scales.reduce(1, *)
        for (i, x) in c.x_test.enumerated() {
            let value = acquisition.value(at: x)
            let expected = c.qnehvi_reference[i]
            if expected < 1e-8 {
                #expect(value < -10 || exp(value) * scale < 1e-6)
                continue
            }
            let estimate = exp(value) * scale
            let tolerance = 5 * c.qnehvi_rqmc_std[i] + 0.02 * expected
            #expect(abs(estimate - expected) <= tolerance, "point \(i): \(estimate) vs \(expected)")
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif
