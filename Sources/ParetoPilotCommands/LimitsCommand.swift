import ArgumentParser
import Foundation
import Limits
import Sampling

/// `paretopilot limits`: CLs upper limits of a counting experiment.
struct LimitsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "limits",
        abstract:
            "CLs upper limit on the signal of a counting experiment n ~ Poisson(mu + b), from toys or asymptotically.",
        discussion: """
            With toys (default) the observed limit comes from an iterative scan (each step refines where \
            CLs is still compatible with alpha given the toys' errors); the expected limits are the toy \
            limits at the counts of the -2..+2 sigma quantiles of the background-only distribution. \
            --asymptotic uses the formulas of Cowan et al. (2011) with the Asimov data set. --json prints \
            {"observed_limit", "observed_limit_error", "expected_limits", "toys", "steps"}.
            """
    )

    @Option(help: "Expected background b (> 0).") var background: Double
    @Option(help: "Observed count n (>= 0).") var observed: Int
    @Option(help: "Toys per point and scan step.") var toys: Int = 10_000
    @Option(help: "Confidence level alpha.") var alpha: Double = 0.05
    @Option(help: "Random seed of the toys.") var seed: UInt64 = 0
    @Flag(help: "Use the asymptotic formulas instead of toys.") var asymptotic = false
    @Flag(help: "Print one JSON object.") var json = false

    func validate() throws {
        guard background > 0, background.isFinite else {
            throw ValidationError("--background must be positive, got \(background)")
        }
        guard observed >= 0 else { throw ValidationError("--observed must be a count >= 0, got \(observed)") }
        guard toys >= 100 else { throw ValidationError("--toys must be at least 100, got \(toys)") }
        guard alpha > 0, alpha < 1 else { throw ValidationError("--alpha must be in (0, 1), got \(alpha)") }
    }

    func run() async throws {
        let result = LimitsJob(
            background: background,
            observed: observed,
            toys: toys,
            alpha: alpha,
            seed: seed,
            asymptotic: asymptotic
        ).run()
        if json {
            print(result.jsonLine)
        } else {
            print(
                String(
                    format: "observed limit %.4f%@ (%@)",
                    result.observedLimit,
                    result.observedLimitError.map { String(format: " ± %.4f", $0) } ?? "",
                    asymptotic ? "asymptotic" : "\(result.toys) toys in \(result.steps) steps"
                )
            )
            print(
                "expected limits (-2, -1, 0, +1, +2 sigma): "
                    + result.expectedLimits.map { String(format: "%.4f", $0) }.joined(separator: "  ")
            )
        }
    }
}

/// The work of `paretopilot limits`.
public struct LimitsJob: Sendable {
    public var background: Double
    public var observed: Int
    public var toys: Int
    public var alpha: Double
    public var seed: UInt64
    public var asymptotic: Bool

    public init(
        background: Double,
        observed: Int,
        toys: Int = 10_000,
        alpha: Double = 0.05,
        seed: UInt64 = 0,
        asymptotic: Bool = false
    ) {
        self.background = background
        self.observed = observed
        self.toys = toys
        self.alpha = alpha
        self.seed = seed
        self.asymptotic = asymptotic
    }

    public struct Result: Sendable, Encodable {
        public var observedLimit: Double
        public var observedLimitError: Double?
        public var expectedLimits: [Double]
        public var toys: Int
        public var steps: Int

        enum CodingKeys: String, CodingKey {
            case observedLimit = "observed_limit"
            case observedLimitError = "observed_limit_error"
            case expectedLimits = "expected_limits"
            case toys, steps
        }

        public var jsonLine: String {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self)
        }
    }

    public func run() -> Result {
        let experiment = CountingExperiment(background: background)
        if asymptotic {
            return Result(
                observedLimit: experiment.asymptoticLimit(observed: Double(observed), alpha: alpha),
                observedLimitError: nil,
                expectedLimits: experiment.expectedAsymptoticLimits(alpha: alpha),
                toys: 0,
                steps: 0
            )
        }
        func scan(_ n: Int, _ offset: UInt64) -> ToyLimitScan.Result {
            var scan = ToyLimitScan(experiment: experiment, observed: n, toys: toys)
            scan.alpha = alpha
            return scan.run(seed: seed &+ offset)
        }
        let observedScan = scan(observed, 0)
        // Background-only quantiles of the count at -2..+2 sigma (a larger count gives a larger limit).
        var expected: [Double] = []
        var totalToys = observedScan.totalToys
        var steps = observedScan.steps
        for (k, sigma) in [-2.0, -1, 0, 1, 2].enumerated() {
            let n = CountingExperiment.poissonQuantile(NormalDistribution.cdf(sigma), background)
            let result = scan(n, UInt64(k + 1) &* 7919)
            expected.append(result.limit)
            totalToys += result.totalToys
            steps += result.steps
        }
        return Result(
            observedLimit: observedScan.limit,
            observedLimitError: observedScan.error,
            expectedLimits: expected,
            toys: totalToys,
            steps: steps
        )
    }
}
