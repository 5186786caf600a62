import GaussianProcess
import LinearAlgebra
import Testing

@Suite("Posterior sample paths (pathwise conditioning with random Fourier features)")
struct PosteriorSamplePathsTests {
    static let kernels: [any Kernel] = [Matern52Kernel(), Matern32Kernel(), RBFKernel()]

    static func model(kernel: any Kernel) throws -> ExactGP {
        let (x, y) = ExactGPGradientTests.data(n: 14, d: 2, seed: 5)
        return try ExactGP(
            kernel: kernel,
            hyperparameters: KernelHyperparameters(lengthscales: [0.35, 0.6], outputscale: 1.3),
            noiseVariances: [0.02],
            inputs: x,
            outputs: y,
            outcomeTransform: OutcomeStandardization.fitted(to: y)
        )
    }

    @Test(
        "Sample paths' mean and covariance match the exact posterior within five Monte Carlo standard errors",
        arguments: kernels.map(\.name)
    )
    func momentsMatchExactPosterior(kernelName: String) throws {
        let model = try Self.model(kernel: KernelRegistry.kernel(named: kernelName)!)
        let probe = Matrix(rowArrays: [[0.1, 0.2], [0.55, 0.5], [0.6, 0.55], [0.95, 0.9]])
        Self.expectMomentsMatchExactPosterior(model, at: probe)
    }

    /// Draws 3,000 paths (300 independent sets of 10) and checks their mean and covariance at the
    /// rows of `probe` against `model`'s joint posterior within five Monte Carlo standard errors.
    static func expectMomentsMatchExactPosterior(
        _ model: ExactGP,
        at probe: Matrix,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let exact = model.jointPosterior(at: probe)
        let m = probe.rows
        // Independent path sets (each with its own features) so the prior-feature error averages out.
        var draws: [[Double]] = []
        for set in 0..<300 {
            let paths = PosteriorSamplePaths(model: model, count: 10, features: 256, seed: UInt64(set))
            let values = paths.values(at: probe)
            for p in 0..<paths.count { draws.append((0..<m).map { values[$0, p] }) }
        }
        let count = Double(draws.count)
        let mean = (0..<m).map { i in draws.reduce(0) { $0 + $1[i] } / count }
        for i in 0..<m {
            let standardError = (exact.covariance[i, i] / count).squareRoot()
            #expect(
                abs(mean[i] - exact.mean[i]) < 5 * standardError,
                "mean at probe \(i)",
                sourceLocation: sourceLocation
            )
        }
        for i in 0..<m {
            for j in 0...i {
                let covariance =
                    draws.reduce(0) { $0 + ($1[i] - mean[i]) * ($1[j] - mean[j]) } / (count - 1)
                let expected = exact.covariance[i, j]
                let standardError =
                    ((exact.covariance[i, i] * exact.covariance[j, j] + expected * expected) / count).squareRoot()
                #expect(
                    abs(covariance - expected) < 5 * standardError + 1e-9,
                    "covariance (\(i), \(j)): \(covariance) vs \(expected)",
                    sourceLocation: sourceLocation
                )
            }
        }
    }

    @Test("A path set is a deterministic function of its seed, and paths differ from each other")
    func deterministicGivenSeed() throws {
        let model = try Self.model(kernel: Matern52Kernel())
        let probe = Matrix(rowArrays: [[0.3, 0.3], [0.7, 0.1]])
        let a = PosteriorSamplePaths(model: model, count: 3, seed: 9).values(at: probe)
        let b = PosteriorSamplePaths(model: model, count: 3, seed: 9).values(at: probe)
        #expect(a.elements == b.elements)
        #expect(abs(a[0, 0] - a[0, 1]) > 1e-6)
    }

    @Test("With tiny noise every path nearly interpolates the training data")
    func pathsInterpolateNearlyNoiselessData() throws {
        let (x, y) = ExactGPGradientTests.data(n: 10, d: 2, seed: 3)
        let model = try ExactGP(
            kernel: Matern52Kernel(),
            hyperparameters: KernelHyperparameters(lengthscales: [0.4, 0.4], outputscale: 1),
            noiseVariances: [1e-8],
            inputs: x,
            outputs: y,
            outcomeTransform: OutcomeStandardization.fitted(to: y)
        )
        let values = PosteriorSamplePaths(model: model, count: 4, features: 512, seed: 1).values(at: x)
        let scale = OutcomeStandardization.fitted(to: y).scale
        for i in 0..<x.rows {
            for p in 0..<4 { #expect(abs(values[i, p] - y[i]) < 1e-2 * scale) }
        }
    }
}
