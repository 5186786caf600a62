import GaussianProcess
import LinearAlgebra
import Testing

@Suite("Conditioning and several outputs")
struct ExactGPConditioningTests {
    @Test("Conditioning by a Cholesky update equals conditioning from scratch")
    func conditioning() throws {
        let (x, y) = ExactGPGradientTests.data(n: 30, d: 2, seed: 21)
        let hyper = KernelHyperparameters(lengthscales: [0.3, 0.6], outputscale: 1.5)
        let standardization = OutcomeStandardization.fitted(to: Array(y[0..<20]))
        let base = try ExactGP(
            kernel: Matern52Kernel(),
            hyperparameters: hyper,
            noiseVariances: [1e-3],
            inputs: x.selectingRows(0..<20),
            outputs: Array(y[0..<20]),
            outcomeTransform: standardization
        )
        let updated = try base.conditioned(on: x.selectingRows(20..<30), outputs: Array(y[20..<30]))
        let direct = try ExactGP(
            kernel: Matern52Kernel(),
            hyperparameters: hyper,
            noiseVariances: [1e-3],
            inputs: x,
            outputs: y,
            outcomeTransform: standardization
        )
        let probe = Matrix(rowArrays: [[0.1, 0.1], [0.5, 0.7], [0.9, 0.2]])
        expectSamePosterior(updated, direct, at: probe, tolerance: 1e-10)
        #expect(updated.count == 30)
        // A fantasy at a point lowers the variance there.
        let before = base.posterior(at: Matrix(rowArrays: [[0.5, 0.5]])).variance[0]
        let fantasy = try base.conditioned(on: Matrix(rowArrays: [[0.5, 0.5]]), outputs: [0])
        #expect(fantasy.posterior(at: Matrix(rowArrays: [[0.5, 0.5]])).variance[0] < before)
    }

    @Test("Several outputs are fitted independently and deterministically")
    func multiOutput() throws {
        let (x, y) = ExactGPGradientTests.data(n: 30, d: 2, seed: 22)
        var outputs = Matrix(rows: 30, columns: 2)
        for i in 0..<30 {
            outputs[i, 0] = y[i]
            outputs[i, 1] = -2 * y[i] + 1
        }
        let a = try MultiOutputGP.fit(inputs: x, outputs: outputs, seed: 5)
        let b = try MultiOutputGP.fit(inputs: x, outputs: outputs, seed: 5)
        #expect(a.outputCount == 2)
        for j in 0..<2 { #expect(a.models[j].kernelHyperparameters == b.models[j].kernelHyperparameters) }
        let single = try ExactGP.fit(inputs: x, outputs: y, seed: 5 &+ 0).model
        #expect(single.kernelHyperparameters == a.models[0].kernelHyperparameters)
        let (mean, _) = a.posterior(at: x.selectingRows(0..<3))
        for i in 0..<3 { #expect(abs(mean[i, 1] - (-2 * mean[i, 0] + 1)) < 0.05) }
    }
}
