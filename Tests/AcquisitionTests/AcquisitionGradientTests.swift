import FixtureTesting
import GaussianProcess
import LinearAlgebra
import Sampling
import Testing

@testable import Acquisition

@Suite("Acquisition gradients and pending points")
struct AcquisitionGradientTests {
    /// Two objectives and one constraint on [0, 2] x [0, 1], fitted GPs.
    static func models() throws -> (objectives: [ExactGP], constraints: [ExactGP], inputs: [[Double]]) {
        var generator = SeededGenerator(seed: 8)
        let inputs = (0..<14).map { _ in [2 * generator.nextUniform(), generator.nextUniform()] }
        let f1 = inputs.map { 0.5 * $0[0] + sin(3 * $0[1]) }
        let f2 = inputs.map { (1 - 0.5 * $0[0]) * (1 - $0[1]) + 0.3 * $0[1] * $0[1] }
        let g = inputs.map { $0[0] + $0[1] - 1.8 }
        let bounds = InputNormalization(lower: [0, 0], upper: [2, 1])
        let x = Matrix(rowArrays: inputs)
        let objectives = try [f1, f2].map { try ExactGP.fit(inputs: x, outputs: $0, bounds: bounds, seed: 1).model }
        let constraints = [try ExactGP.fit(inputs: x, outputs: g, bounds: bounds, seed: 2).model]
        return (objectives, constraints, inputs)
    }

    static func checkGradient(_ acquisition: some AcquisitionFunction, at u: [Double], tolerance: Double = 1e-4) {
        var gradient = [Double](repeating: 0, count: u.count)
        let value = acquisition.value(at: u, gradient: &gradient)
        #expect(abs(value - acquisition.value(at: u)) <= 1e-10 * max(1, abs(value)))
        for j in u.indices {
            let h = 1e-6
            let (plus, minus) = centralDifferencePoints(u, along: j, step: h)
            let numeric = (acquisition.value(at: plus) - acquisition.value(at: minus)) / (2 * h)
            #expect(
                abs(numeric - gradient[j]) <= tolerance * max(1, abs(numeric)),
                "∂/∂u\(j) at \(u): \(numeric) vs \(gradient[j])"
            )
        }
    }

    @Test("qLogNEHVI gradients match central differences, with and without constraints", arguments: [false, true])
    func nehviGradient(constrained: Bool) throws {
        let (objectives, constraints, inputs) = try Self.models()
        let acquisition = LogNoisyExpectedHypervolumeImprovement(
            objectiveModels: objectives,
            constraintModels: constrained ? constraints : [],
            baseline: Matrix(rowArrays: inputs),
            reference: [2.0, 1.5],
            map: UnitCubeMap(lower: [0, 0], upper: [2, 1]),
            samples: 64,
            eta: 0.05,
            seed: 3
        )
        for u in [[0.3, 0.7], [0.55, 0.15], [0.8, 0.4]] { Self.checkGradient(acquisition, at: u) }
    }

    @Test("The continuation below the improvement region has gradients too")
    func continuationGradient() throws {
        let (objectives, _, inputs) = try Self.models()
        let acquisition = LogNoisyExpectedHypervolumeImprovement(
            objectiveModels: objectives,
            baseline: Matrix(rowArrays: inputs),
            reference: [-5, -5],  // nothing can improve: every value is in the continuation
            map: UnitCubeMap(lower: [0, 0], upper: [2, 1]),
            samples: 32,
            seed: 3
        )
        let u = [0.4, 0.6]
        #expect(acquisition.value(at: u) < LogNoisyExpectedHypervolumeImprovement.continuationOffset)
        Self.checkGradient(acquisition, at: u)
    }

    @Test("qNParEGO gradients match central differences")
    func parEGOGradient() throws {
        let (objectives, constraints, inputs) = try Self.models()
        let acquisition = LogNoisyParEGO(
            objectiveModels: objectives,
            constraintModels: constraints,
            baseline: Matrix(rowArrays: inputs),
            map: UnitCubeMap(lower: [0, 0], upper: [2, 1]),
            weights: [0.3, 0.7],
            samples: 64,
            eta: 0.05,
            seed: 5
        )
        for u in [[0.3, 0.7], [0.55, 0.15]] { Self.checkGradient(acquisition, at: u) }
    }

    @Test("A pending design lowers the acquisition near it")
    func pendingLowersAcquisition() throws {
        let (objectives, _, inputs) = try Self.models()
        let map = UnitCubeMap(lower: [0, 0], upper: [2, 1])
        func acquisition(pending: [[Double]]) -> LogNoisyExpectedHypervolumeImprovement {
            LogNoisyExpectedHypervolumeImprovement(
                objectiveModels: objectives,
                baseline: Matrix(rowArrays: inputs + pending),
                reference: [2.0, 1.5],
                map: map,
                samples: 128,
                seed: 3
            )
        }
        let plain = acquisition(pending: [])
        let best = AcquisitionOptimizer(rawSamples: 256, restarts: 5).maximize(plain, seed: 1)[0]
        let pendingDesign = map.point(best.point)
        let withPending = acquisition(pending: [pendingDesign])
        #expect(withPending.value(at: best.point) < plain.value(at: best.point) - 0.5)
    }
}

#if canImport(Glibc)
import Glibc
#endif
