import ArgumentParser
import Foundation
import Limits
import Memberwise
import Pilot
import Sampling
import Studies

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
            {"observed_limit", "observed_limit_error", "expected_limits", "toys", "steps"}. With --server \
            every scan step's toy batches run as jobs on that server's pilots (each runs this command \
            with --at-signal for one point).
            """
    )

    @Option(help: "Expected background b (> 0).") var background: Double
    @Option(help: "Observed count n (>= 0).") var observed: Int
    @Option(help: "Toys per point and scan step.") var toys: Int = 10_000
    @Option(help: "Confidence level alpha.") var alpha: Double = 0.05
    @Option(help: "Random seed of the toys.") var seed: UInt64 = 0
    @Flag(help: "Use the asymptotic formulas instead of toys.") var asymptotic = false
    @Option(name: .customLong("at-signal"), help: "Only estimate CLs at this signal with --toys toys (one scan point).")
    var atSignal: Double?
    @Option(name: .customLong("toy-seed"), help: "Seed of the toys of --at-signal.") var toySeed: UInt64 = 0
    @Option(help: "Run every scan step's toys as jobs on this server's pilots (http://HOST:PORT).") var server: String?
    @Option(help: "A client or admin token for --server; default $PARETOPILOT_TOKEN.") var token: String?
    @Option(help: "The study holding the toy jobs on --server (default limits-<time>).") var study: String?
    @Flag(help: "Print one JSON object.") var json = false

    func validate() throws {
        guard background > 0, background.isFinite else {
            throw ValidationError("--background must be positive, got \(background)")
        }
        guard observed >= 0 else { throw ValidationError("--observed must be a count >= 0, got \(observed)") }
        guard toys >= 100 else { throw ValidationError("--toys must be at least 100, got \(toys)") }
        guard alpha > 0, alpha < 1 else { throw ValidationError("--alpha must be in (0, 1), got \(alpha)") }
    }

    @OptionGroup var security: ClientSecurityOptions

    func run() async throws {
        security.apply()
        if let atSignal {
            // One scan point, as a pilot runs it: {"cls", "cls_error", "toys"}.
            let estimate = CountingExperiment(background: background).toyCLs(
                observed: observed,
                request: ToyRequest(signal: atSignal, observed: observed, toys: toys, seed: toySeed)
            )
            print("{\"cls\": \(estimate.cls), \"cls_error\": \(estimate.error), \"toys\": \(estimate.toys)}")
            return
        }
        let job = LimitsJob(
            background: background,
            observed: observed,
            toys: toys,
            alpha: alpha,
            seed: seed,
            asymptotic: asymptotic
        )
        if let server, !asymptotic {
            guard let token = CommandEnvironment.token(token) else {
                printError("error: --server needs --token or PARETOPILOT_TOKEN")
                throw ExitCode(2)
            }
            let executable = CommandEnvironment.executablePath
            // Pilots run this same command for one point; the signal, count and seed come from the job.
            let command =
                "\(ShellCommand.quote(executable)) limits --background \(background) --toys \(toys) --alpha \(alpha)"
                + " --observed \"$PARETOPILOT_PARAM_OBSERVED\" --at-signal \"$PARETOPILOT_PARAM_SIGNAL\""
                + " --toy-seed \"$PARETOPILOT_PARAM_SEED\""
            let remote: RemoteEvaluations
            do {
                remote = try await RemoteEvaluations.create(
                    client: ServiceClient(url: server, token: token),
                    study: study ?? "limits-\(Int(Date().timeIntervalSince1970))",
                    parameters: [("signal", 0, 1e9), ("observed", 0, 1e9), ("seed", 0, 1e12)],
                    outputs: ["cls", "cls_error"],
                    command: command,
                    timeout: 3600,
                    budget: 10_000
                )
            } catch let error as ServiceClientError {
                printError("error: the server refused: \(error)")
                throw ExitCode(2)
            }
            let result = try await job.run { requests in
                let designs = requests.map {
                    ["signal": $0.signal, "observed": Double($0.observed), "seed": Double($0.seed)]
                }
                return try await remote.evaluate(designs).enumerated().map { index, outcome in
                    guard case .success(let outputs) = outcome, let cls = outputs["cls"],
                        let error = outputs["cls_error"]
                    else { throw ToyScanError.missingEstimates }
                    return CountingExperiment.ToyEstimate(
                        signal: requests[index].signal,
                        cls: cls,
                        error: error,
                        toys: requests[index].toys
                    )
                }
            }
            report(result)
            return
        }
        report(job.run())
    }

    func report(_ result: LimitsJob.Result) {
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
@MemberwiseInit
public struct LimitsJob: Sendable {
    public var background: Double
    public var observed: Int
    public var toys: Int = 10_000
    public var alpha: Double = 0.05
    public var seed: UInt64 = 0
    public var asymptotic: Bool = false

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

    /// Runs here.
    public func run() -> Result {
        scanAll { scan, seed in scan.run(seed: seed) }
    }

    /// Runs with every scan step's toys handed to `evaluate` (for instance as jobs for pilots).
    public func run(
        evaluate: @escaping ([ToyRequest]) async throws -> [CountingExperiment.ToyEstimate]
    ) async throws -> Result {
        var results: [ToyLimitScan.Result] = []
        for (scan, seed) in scans() { results.append(try await scan.run(seed: seed, evaluate: evaluate)) }
        return combine(results)
    }

    /// The observed scan and the five expected ones (-2..+2 sigma), with their seeds.
    func scans() -> [(ToyLimitScan, UInt64)] {
        let experiment = CountingExperiment(background: background)
        func scan(_ n: Int, _ offset: UInt64) -> (ToyLimitScan, UInt64) {
            var scan = ToyLimitScan(experiment: experiment, observed: n, toys: toys)
            scan.alpha = alpha
            return (scan, seed &+ offset)
        }
        // Background-only quantiles of the count at -2..+2 sigma (a larger count gives a larger limit).
        return [scan(observed, 0)]
            + [-2.0, -1, 0, 1, 2].enumerated().map { k, sigma in
                scan(
                    CountingExperiment.poissonQuantile(NormalDistribution.cdf(sigma), background),
                    UInt64(k + 1) &* 7919
                )
            }
    }

    func scanAll(_ run: (ToyLimitScan, UInt64) -> ToyLimitScan.Result) -> Result {
        if asymptotic { return asymptoticResult() }
        return combine(scans().map { run($0.0, $0.1) })
    }

    func combine(_ results: [ToyLimitScan.Result]) -> Result {
        Result(
            observedLimit: results[0].limit,
            observedLimitError: results[0].error,
            expectedLimits: results.dropFirst().map(\.limit),
            toys: results.reduce(0) { $0 + $1.totalToys },
            steps: results.reduce(0) { $0 + $1.steps }
        )
    }

    func asymptoticResult() -> Result {
        let experiment = CountingExperiment(background: background)
        return Result(
            observedLimit: experiment.asymptoticLimit(observed: Double(observed), alpha: alpha),
            observedLimitError: nil,
            expectedLimits: experiment.expectedAsymptoticLimits(alpha: alpha),
            toys: 0,
            steps: 0
        )
    }
}
