import FixtureTesting
import GaussianProcess
import LinearAlgebra
import Sampling
import Testing

@testable import GaussianProcess

@Suite("Analytic gradients against finite differences")
struct ExactGPGradientTests {
    static func data(n: Int, d: Int, seed: UInt64) -> (Matrix, [Double]) {
        var g = SeededGenerator(seed: seed)
        var x = Matrix(rows: n, columns: d)
        for i in 0..<n {
            for j in 0..<d { x[i, j] = g.nextUniform() }
        }
        let y = (0..<n).map { i in (0..<d).reduce(0.0) { $0 + sin(3 * x[i, $1] + Double($1)) } + 0.05 * g.nextNormal() }
        return (x, y)
    }

    @Test(
        "Log-posterior gradient matches central differences",
        arguments: KernelRegistry.names,
        [true, false]
    )
    func marginalLikelihoodGradient(kernelName: String, inferNoise: Bool) {
        let (x, y) = Self.data(n: 25, d: 3, seed: 5)
        let objective = MarginalLikelihoodObjective(
            kernel: KernelRegistry.kernel(named: kernelName)!,
            normalizedInputs: x,
            outputs: y,
            fixedNoise: inferNoise ? nil : (0..<25).map { 0.01 + 0.001 * Double($0) },
            priors: .botorch(dimension: 3),
            jitter: .default
        )
        let theta = inferNoise ? [-1.0, -0.5, 0.2, 0.3, -3.0] : [-1.0, -0.5, 0.2, 0.3]
        Self.expectGradientMatchesCentralDifferences(objective, at: theta, tolerance: 1e-6)
    }

    /// Checks the analytic gradient of `objective` at `theta` against central differences (step
    /// 1e-5), each component within `tolerance` relative to max(1, |numeric|).
    static func expectGradientMatchesCentralDifferences(
        _ objective: MarginalLikelihoodObjective,
        at theta: [Double],
        tolerance: Double,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        var gradient = [Double](repeating: 0, count: theta.count)
        _ = objective.evaluate(theta, gradient: &gradient)
        var scratch = gradient
        for k in theta.indices {
            let h = 1e-5
            let (plus, minus) = centralDifferencePoints(theta, along: k, step: h)
            let numeric =
                (objective.evaluate(plus, gradient: &scratch) - objective.evaluate(minus, gradient: &scratch)) / (2 * h)
            #expect(
                abs(numeric - gradient[k]) <= tolerance * max(1, abs(numeric)),
                "parameter \(k): \(numeric) vs \(gradient[k])",
                sourceLocation: sourceLocation
            )
        }
    }

    @Test("Posterior mean and variance gradients match central differences", arguments: KernelRegistry.names)
    func posteriorGradient(kernelName: String) throws {
        let (x, y) = Self.data(n: 30, d: 3, seed: 9)
        let scaledX = 2 * x  // user box [0, 2]^3, to exercise the input transform
        let gp = try ExactGP(
            kernel: KernelRegistry.kernel(named: kernelName)!,
            hyperparameters: KernelHyperparameters(lengthscales: [0.3, 0.5, 0.8], outputscale: 1.3),
            noiseVariances: [1e-3],
            inputs: scaledX,
            outputs: y,
            inputTransform: InputNormalization(lower: [0, 0, 0], upper: [2, 2, 2]),
            outcomeTransform: .fitted(to: y)
        )
        for point in [[0.3, 1.1, 1.7], [1.5, 0.2, 0.9]] {
            let p = gp.posteriorWithGradients(at: point)
            for j in 0..<3 {
                let h = 1e-6
                let (plus, minus) = centralDifferencePoints(point, along: j, step: h)
                let up = gp.posterior(at: Matrix(rowArrays: [plus]))
                let down = gp.posterior(at: Matrix(rowArrays: [minus]))
                let dm = (up.mean[0] - down.mean[0]) / (2 * h)
                let dv = (up.variance[0] - down.variance[0]) / (2 * h)
                #expect(abs(dm - p.meanGradient[j]) <= 1e-5 * max(1, abs(dm)))
                #expect(abs(dv - p.varianceGradient[j]) <= 1e-5 * max(1, abs(dv)))
            }
        }
    }

    @Test(
        "The mean-only gradient equals the full posterior's mean and mean gradient, in a box and with categorical inputs",
        arguments: KernelRegistry.names,
        [false, true]
    )
    func meanAndGradientMatchesPosterior(kernelName: String, mixed: Bool) throws {
        let kernel = KernelRegistry.kernel(named: kernelName)!
        let gp: ExactGP
        let points: [[Double]]
        if mixed {
            let (x, y) = CategoricalKernelTests.mixedData(n: 16, seed: 4)
            gp = try CategoricalKernelTests.model(x, y, kernel: kernel)
            points = [[0.37, 0.61, 2, 1], [0.9, 0.05, 0, 2]]
        } else {
            let (x, y) = Self.data(n: 30, d: 3, seed: 9)
            gp = try ExactGP(
                kernel: kernel,
                hyperparameters: KernelHyperparameters(lengthscales: [0.3, 0.5, 0.8], outputscale: 1.3),
                noiseVariances: [1e-3],
                inputs: 2 * x,
                outputs: y,
                inputTransform: InputNormalization(lower: [0, 0, 0], upper: [2, 2, 2]),
                outcomeTransform: .fitted(to: y)
            )
            points = [[0.3, 1.1, 1.7], [1.5, 0.2, 0.9]]
        }
        for point in points {
            let full = gp.posteriorWithGradients(at: point)
            let (mean, gradient) = gp.meanAndGradient(at: point)
            #expect(abs(mean - full.mean) <= 1e-10 * max(1, abs(full.mean)))
            for j in point.indices {
                #expect(
                    abs(gradient[j] - full.meanGradient[j]) <= 1e-9 * max(1, abs(full.meanGradient[j])),
                    "coordinate \(j): \(gradient[j]) against \(full.meanGradient[j])"
                )
            }
            if mixed { #expect(gradient[2] == 0 && gradient[3] == 0, "categorical inputs have no gradient") }
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif

@Suite("Cross posterior with reference points")
struct CrossPosteriorTests {
    @Test("Values match the joint posterior and gradients match central differences")
    func crossPosterior() throws {
        let (x, y) = ExactGPGradientTests.data(n: 25, d: 2, seed: 31)
        let gp = try ExactGP(
            kernel: Matern52Kernel(),
            hyperparameters: KernelHyperparameters(lengthscales: [0.4, 0.7], outputscale: 1.2),
            noiseVariances: [1e-3],
            inputs: 3 * x,
            outputs: y,
            inputTransform: InputNormalization(lower: [0, 0], upper: [3, 3]),
            outcomeTransform: .fitted(to: y)
        )
        let references = Matrix(rowArrays: [[0.3, 2.1], [1.5, 1.5], [2.8, 0.2]])
        let set = gp.referenceSet(references)
        let point = [1.1, 0.7]
        let cross = gp.crossPosterior(at: point, reference: set)
        let joint = gp.jointPosterior(at: Matrix(rowArrays: [point] + references.rowArrays))
        #expect(abs(cross.mean - joint.mean[0]) < 1e-10)
        #expect(abs(cross.variance - joint.covariance[0, 0]) < 1e-10)
        for b in 0..<3 { #expect(abs(cross.covariance[b] - joint.covariance[0, b + 1]) < 1e-10) }
        for j in 0..<2 {
            let h = 1e-6
            let (plus, minus) = centralDifferencePoints(point, along: j, step: h)
            let up = gp.crossPosterior(at: plus, reference: set)
            let down = gp.crossPosterior(at: minus, reference: set)
            #expect(abs((up.mean - down.mean) / (2 * h) - cross.meanGradient[j]) < 1e-6)
            #expect(abs((up.variance - down.variance) / (2 * h) - cross.varianceGradient[j]) < 1e-6)
            for b in 0..<3 {
                let numeric = (up.covariance[b] - down.covariance[b]) / (2 * h)
                #expect(abs(numeric - cross.covarianceGradient[b + j * 3]) < 1e-6)
            }
        }
    }
}
