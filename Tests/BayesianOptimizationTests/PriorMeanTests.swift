import GaussianProcess
import LinearAlgebra
import Problems
import Testing

@testable import BayesianOptimization

@Suite("The models' prior mean")
struct PriorMeanTests {
    @Test(
        "The optimiser's models, fitted or under reused hyperparameters, predict the worst observed value far from the data; the mean as a control"
    )
    func modelsExpectTheWorstFarFromTheData() throws {
        let problem = BraninCurrin()
        var optimizer = BayesianOptimizerTests.optimizer(for: problem)
        #expect(BayesianOptimizer(problem: problem).fitOptions.priorMean == .observedMaximum)
        let observations = try BayesianOptimizerTests.observed(problem, suggestedBy: optimizer, count: 8, seed: 1)
        let inputs = Matrix(rowArrays: observations.inputs)
        let bounds = InputNormalization(lower: optimizer.space.lower, upper: optimizer.space.upper)
        let far = Matrix(rowArrays: [[1e4, -1e4]])
        for priorMean in PriorMean.allCases {
            optimizer.fitOptions.priorMean = priorMean
            for m in 0..<2 {
                let outputs = observations.objectives.map { $0[m] }
                let expected =
                    priorMean == .observedMaximum ? outputs.max()! : outputs.reduce(0, +) / Double(outputs.count)
                let fitted = try optimizer.fitModel(inputs: inputs, outputs: outputs, bounds: bounds, seed: 3)
                #expect(abs(fitted.posterior(at: far).mean[0] - expected) < 1e-6 * max(1, abs(expected)))
                let reused = try OutputHyperparameters(fitted).model(
                    kernel: optimizer.kernel,
                    inputs: inputs,
                    outputs: outputs,
                    bounds: bounds,
                    jitter: optimizer.fitOptions.jitter,
                    priorMean: priorMean
                )
                #expect(reused.outcomeTransform == fitted.outcomeTransform)
            }
        }
    }
}
