import GaussianProcess
import LinearAlgebra
import Sampling
import Testing

@Suite("Fitting hyperparameters")
struct ExactGPFitTests {
    @Test("A known lengthscale is recovered from 200 noisy samples")
    func recoversLengthscale() throws {
        // Draw one function from a GP with ℓ = 0.2 on [0, 1] and observe it with small noise.
        let n = 200
        let trueLengthscale = 0.2
        var g = SeededGenerator(seed: 3)
        let x = Matrix(rows: n, columns: 1, columnMajor: (0..<n).map { _ in g.nextUniform() })
        let prior = try ExactGP(
            kernel: RBFKernel(),
            hyperparameters: KernelHyperparameters(lengthscales: [trueLengthscale], outputscale: 1),
            noiseVariances: [1e-6],
            inputs: x,
            outputs: [Double](repeating: 0, count: n)
        )
        let (_, covariance) = prior.jointPosterior(at: Matrix(rows: 0, columns: 1))
        _ = covariance
        // Sample f = L z from the prior covariance of the training inputs.
        var k = Matrix(rows: n, columns: n)
        for i in 0..<n {
            for j in 0..<n {
                let r = (x[i, 0] - x[j, 0]) / trueLengthscale
                k[i, j] = exp(-0.5 * r * r)
            }
        }
        let factor = try CholeskyFactor(factoring: k)
        let z = (0..<n).map { _ in g.nextNormal() }
        let f = factor.lower.multiplied(byVector: z)
        let y = f.map { $0 + 0.01 * g.nextNormal() }
        let (model, _) = try ExactGP.fit(
            inputs: x,
            outputs: y,
            kernel: RBFKernel(),
            bounds: InputNormalization(lower: [0], upper: [1]),
            seed: 1
        )
        let fitted = model.kernelHyperparameters.lengthscales[0]
        #expect(abs(fitted - trueLengthscale) / trueLengthscale < 0.25, "fitted lengthscale \(fitted)")
        #expect(model.noiseVariances[0] < 0.01)
    }

    @Test(
        "Far from the data the posterior mean is the prior mean: the observed maximum with .observedMaximum, the mean without; the scale is the same",
        arguments: PriorMean.allCases
    )
    func priorMeanIsWhatFarDesignsArePredicted(priorMean: PriorMean) throws {
        let x = Matrix(rowArrays: [[0.1, 0.2], [0.3, 0.1], [0.2, 0.4], [0.4, 0.3], [0.15, 0.35], [0.35, 0.25]])
        let y = [1.0, 3.5, 2.0, 0.5, 1.5, 4.0]
        var options = GPFitOptions()
        options.priorMean = priorMean
        options.restarts = 2
        let model = try ExactGP.fit(
            inputs: x,
            outputs: y,
            kernel: Matern52Kernel(),
            bounds: InputNormalization(lower: [0, 0], upper: [1, 1]),
            options: options,
            seed: 1
        ).model
        let expected = priorMean == .observedMaximum ? 4.0 : y.reduce(0, +) / Double(y.count)
        #expect(abs(model.outcomeTransform.mean - expected) < 1e-12)
        #expect(abs(model.outcomeTransform.scale - OutcomeStandardization.fitted(to: y).scale) < 1e-12)
        let far = model.posterior(at: Matrix(rowArrays: [[1e3, 1e3]]))
        #expect(abs(far.mean[0] - expected) < 1e-9)
        // Near the data the model still interpolates (deterministic-size noise is learned small).
        let near = model.posterior(at: Matrix(rowArrays: [[0.4, 0.3]]))
        #expect(abs(near.mean[0] - 0.5) < 0.3)
    }

    @Test("Duplicated inputs and constant outputs fit without a crash", arguments: KernelRegistry.names)
    func degenerate(kernelName: String) throws {
        let kernel = KernelRegistry.kernel(named: kernelName)!
        let x = Matrix(rowArrays: [[0.1, 0.2], [0.1, 0.2], [0.1, 0.2], [0.5, 0.9], [0.5, 0.9], [0.7, 0.3]])
        let (constant, _) = try ExactGP.fit(inputs: x, outputs: [Double](repeating: 4.2, count: 6), kernel: kernel)
        let p = constant.posterior(at: Matrix(rowArrays: [[0.3, 0.3]]))
        #expect(abs(p.mean[0] - 4.2) < 1e-6)
        #expect(p.variance[0].isFinite && p.variance[0] >= 0)
        let (duplicates, _) = try ExactGP.fit(inputs: x, outputs: [1, 1.1, 0.9, 2, 2.1, -1], kernel: kernel)
        let q = duplicates.posterior(at: Matrix(rowArrays: [[0.1, 0.2]]))
        #expect(abs(q.mean[0] - 1) < 0.2)
        let single = try ExactGP.fit(inputs: Matrix(rowArrays: [[0.5, 0.5]]), outputs: [3], kernel: kernel).model
        #expect(single.posterior(at: Matrix(rowArrays: [[0.5, 0.5]])).mean[0].isFinite)
    }

    @Test("Bad data gets a typed error naming the field")
    func badInput() {
        let x = Matrix(rowArrays: [[0.1], [0.2]])
        #expect {
            try ExactGP.fit(inputs: x, outputs: [1, .nan])
        } throws: { ($0 as? GPError)?.field == "outputs" }
        #expect {
            try ExactGP.fit(inputs: x, outputs: [1])
        } throws: { ($0 as? GPError)?.field == "outputs" }
        #expect {
            try ExactGP.fit(inputs: x, outputs: [1, 2], bounds: InputNormalization(lower: [1], upper: [1]))
        } throws: { ($0 as? GPError)?.field == "bounds" }
        #expect {
            try ExactGP.fit(inputs: x, outputs: [1, 2], noise: .fixed([0.1]))
        } throws: { ($0 as? GPError)?.field == "noise" }
    }

    @Test("Fixed noise is used as given and the fit is deterministic given the seed")
    func fixedNoiseAndDeterminism() throws {
        let (x, y) = ExactGPGradientTests.data(n: 40, d: 2, seed: 4)
        let noise = [Double](repeating: 0.0025, count: 40)
        let a = try ExactGP.fit(inputs: x, outputs: y, noise: .fixed(noise), seed: 8).model
        let b = try ExactGP.fit(inputs: x, outputs: y, noise: .fixed(noise), seed: 8).model
        #expect(a.kernelHyperparameters == b.kernelHyperparameters)
        #expect(!a.inferredNoise)
        let scale2 = a.outcomeTransform.scale * a.outcomeTransform.scale
        #expect(abs(a.noiseVariances[0] * scale2 - 0.0025) < 1e-12)
    }

    @Test("Restarts on a subset, polished on all the data, reach the full-data optimum")
    func subsetWarmStart() throws {
        let (x, y) = ExactGPGradientTests.data(n: 160, d: 2, seed: 12)
        var subsetOptions = GPFitOptions()
        subsetOptions.subsetThreshold = 100
        subsetOptions.subsetSize = 60
        let viaSubset = try ExactGP.fit(inputs: x, outputs: y, options: subsetOptions, seed: 2)
        var fullOptions = GPFitOptions()
        fullOptions.subsetThreshold = 10_000
        let direct = try ExactGP.fit(inputs: x, outputs: y, options: fullOptions, seed: 2)
        #expect(viaSubset.report.usedSubset)
        #expect(!direct.report.usedSubset)
        // Same optimum to well under a nat.
        #expect(abs(viaSubset.report.negativeLogPosterior - direct.report.negativeLogPosterior) < 0.05)
    }
}

#if canImport(Glibc)
import Glibc
#endif
