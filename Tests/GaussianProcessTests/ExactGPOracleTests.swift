import GaussianProcess
import LinearAlgebra
import Testing

@Suite("ExactGP against scikit-learn")
struct ExactGPOracleTests {
    static func model(for c: SklearnCase) throws -> ExactGP {
        try ExactGP(
            kernel: KernelRegistry.kernel(named: c.kernel)!,
            hyperparameters: KernelHyperparameters(lengthscales: c.lengthscales, outputscale: c.outputscale),
            noiseVariances: [c.noise],
            inputs: Matrix(rowArrays: c.x_train),
            outputs: c.y_train
        )
    }

    @Test("Posterior mean, variance, covariance and log marginal likelihood agree to 1e-8", arguments: SklearnCase.all)
    func agrees(with c: SklearnCase) throws {
        let gp = try Self.model(for: c)
        #expect(gp.jitter == 0)
        let points = Matrix(rowArrays: c.x_test)
        let (mean, variance) = gp.posterior(at: points)
        for i in mean.indices {
            #expect(abs(mean[i] - c.mean[i]) <= 1e-8 * max(1, abs(c.mean[i])), "mean \(i) of \(c.name)")
            // Variances can be tiny differences of O(outputscale) numbers: compare on that scale.
            #expect(abs(variance[i] - c.variance[i]) <= 1e-8 * c.outputscale, "variance \(i) of \(c.name)")
        }
        let joint = gp.jointPosterior(at: points)
        for i in 0..<points.rows {
            #expect(abs(joint.mean[i] - c.mean[i]) <= 1e-8 * max(1, abs(c.mean[i])))
            for j in 0..<points.rows {
                #expect(abs(joint.covariance[i, j] - c.covariance[i][j]) <= 1e-8 * c.outputscale)
            }
        }
        #expect(
            abs(gp.logMarginalLikelihood - c.log_marginal_likelihood) <= 1e-8 * max(1, abs(c.log_marginal_likelihood))
        )
    }

    @Test("Per-point posterior with gradients matches the batched posterior", arguments: SklearnCase.all.prefix(4))
    func pointwise(c: SklearnCase) throws {
        let gp = try Self.model(for: c)
        for (i, x) in c.x_test.enumerated() {
            let p = gp.posteriorWithGradients(at: x)
            #expect(abs(p.mean - c.mean[i]) <= 1e-8 * max(1, abs(c.mean[i])))
            #expect(abs(p.variance - c.variance[i]) <= 1e-8 * c.outputscale)
        }
    }
}
