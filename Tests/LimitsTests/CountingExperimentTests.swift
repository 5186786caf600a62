import Limits
import Sampling
import Testing

@Suite("CLs limits of a counting experiment")
struct CountingExperimentTests {
    @Test(
        "Asymptotic and exact limits reproduce the reference values",
        arguments: [
            (3.0, 0, 2.5663, 2.9957), (3.0, 1, 3.1293, 3.6433), (3.0, 3, 4.7793, 5.3954),
            (3.0, 10, 13.1581, 13.9628), (10.0, 3, 3.5949, 3.8927), (10.0, 10, 7.5393, 8.0825),
        ]
    )
    func limits(background: Double, observed: Int, asymptotic: Double, exact: Double) {
        let experiment = CountingExperiment(background: background)
        #expect(abs(experiment.asymptoticLimit(observed: Double(observed)) - asymptotic) < 1e-3)
        #expect(abs(experiment.exactLimit(observed: observed) - exact) < 1e-3)
    }

    @Test("With no event the exact limit is ln 20 for any background", arguments: [0.5, 3.0, 25.0])
    func zeroEvents(background: Double) {
        #expect(abs(CountingExperiment(background: background).exactLimit(observed: 0) - 2.995732) < 1e-5)
    }

    @Test(
        "Expected asymptotic bands reproduce the reference values",
        arguments: [
            (3.0, [2.2077, 3.1507, 4.7793, 7.4679, 11.3861]), (10.0, [3.7045, 5.1530, 7.5393, 11.2622, 16.3853]),
        ]
    )
    func bands(background: Double, expected: [Double]) {
        let bands = CountingExperiment(background: background).expectedAsymptoticLimits()
        for (value, reference) in zip(bands, expected) { #expect(abs(value - reference) < 1e-3, "\(bands)") }
    }

    @Test("Toy CLs agrees with the exact CLs within its statistical error")
    func toys() {
        let experiment = CountingExperiment(background: 3)
        var generator = SeededGenerator(seed: 4)
        for mu in [2.0, 4.0, 6.0] {
            let estimate = experiment.toyCLs(observed: 2, signal: mu, toys: 20_000, generator: &generator)
            let exact = experiment.exactCLs(observed: 2, signal: mu)
            #expect(
                abs(estimate.cls - exact) < 4 * estimate.error + 1e-3,
                "μ = \(mu): \(estimate.cls) ± \(estimate.error) vs \(exact)"
            )
        }
    }

    @Test("The iterative toy scan finds the exact limit within its error", arguments: [(3.0, 1), (10.0, 10)])
    func scan(background: Double, observed: Int) {
        let experiment = CountingExperiment(background: background)
        let result = ToyLimitScan(experiment: experiment, observed: observed, toys: 4000).run(seed: 1)
        let exact = experiment.exactLimit(observed: observed)
        #expect(
            abs(result.limit - exact) < 4 * result.error + 0.02 * exact,
            "\(result.limit) ± \(result.error) vs \(exact)"
        )
        #expect(result.steps >= 2)
    }
}
