import Acquisition
import GaussianProcess
import LinearAlgebra
import Testing

@Suite("LogEI and LCB against BoTorch")
struct SingleObjectiveAcquisitionTests {
    @Test(
        "Values and gradients agree, including where EI underflows",
        arguments: BoTorchFixture.shared.single_objective_cases
    )
    func agrees(c: BoTorchFixture.SingleObjectiveCase) throws {
        let model = try c.model()
        let d = c.x_train[0].count
        let map = UnitCubeMap(lower: .init(repeating: 0, count: d), upper: .init(repeating: 1, count: d))
        let logEI = LogExpectedImprovement(model: model, best: c.best_f, map: map)
        let lcb = LowerConfidenceBound(model: model, beta: c.ucb_beta, map: map)
        for (i, x) in c.x_test.enumerated() {
            var gradient = [Double](repeating: 0, count: d)
            let value = logEI.value(at: x, gradient: &gradient)
            #expect(
                abs(value - c.log_ei[i]) <= 1e-7 * max(1, abs(c.log_ei[i])),
                "LogEI \(i): \(value) vs \(c.log_ei[i])"
            )
            #expect(abs(logEI.value(at: x) - value) <= 1e-12 * max(1, abs(value)))
            for j in 0..<d {
                #expect(
                    abs(gradient[j] - c.log_ei_grad[i][j]) <= 1e-5 * max(1, abs(c.log_ei_grad[i][j])),
                    "∂LogEI \(i),\(j)"
                )
            }
            let bound = lcb.value(at: x, gradient: &gradient)
            #expect(abs(bound - c.ucb_botorch[i]) <= 1e-8 * max(1, abs(bound)))
            for j in 0..<d { #expect(abs(gradient[j] - c.ucb_botorch_grad[i][j]) <= 1e-6 * max(1, abs(gradient[j]))) }
        }
    }
}
