import ArgumentParser
import Foundation
import Problems
import StudyModel

/// `paretopilot bench service`: the service under load, over loopback.
struct BenchServiceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "service",
        abstract: "Load-test the HTTP service over loopback with simulated pilots and ask/tell clients.",
        discussion: """
            Starts a server in this process on a free loopback port with a temporary database. Phase 1: \
            --pilots simulated pilots, each on its own connection and starting within the first second, \
            acquire one job at a time and \
            complete it (asking for the next job in the same request, as pilots do) until --evaluations \
            results are stored; --evaluation-ms makes each simulated evaluation take that long. With \
            --studies K the pilots serve K studies at once (any study's job, as pilots without --study \
            do) and the report adds each study's progress when the first one finished, its final \
            hypervolume, and Jain's index of the progress (1: fair). Phase 2: --clients ask/tell clients \
            ask for one candidate and tell its values, --client-evaluations in all. Reports requests \
            per second and p50/p99 latencies, then checks the store: every trial has exactly one \
            result and none is lost. Exits 1 if any is.
            """
    )

    @Option(help: "Simulated pilots.")
    var pilots = 200

    @Option(help: "Evaluations done by the pilots.")
    var evaluations = 5000

    @Option(help: "Ask/tell clients.")
    var clients = 20

    @Option(name: .customLong("client-evaluations"), help: "Evaluations done by the ask/tell clients.")
    var clientEvaluations = 1000

    @Option(name: .customLong("evaluation-ms"), help: "Milliseconds each simulated evaluation takes.")
    var evaluationMilliseconds = 0.0

    @Option(
        name: .customLong("evaluation-s"),
        help: "Mean seconds of a simulated evaluation, spread uniformly over ±50% (overrides --evaluation-ms)."
    )
    var evaluationSeconds: Double?

    @Option(
        help:
            "The pilots' study's strategy (sobol measures the service alone; auto, trust_region, ... the candidates too)."
    )
    var strategy = "sobol"

    @Option(help: "A built-in problem the simulated pilots evaluate (default: two quadratics of two parameters).")
    var problem: String?

    @Option(
        help:
            "Comma-separated objectives of --problem (default: its own; ToyTracker's resolution, cost, lowpt_resolution)."
    )
    var objectives: String?

    @Option(name: .customLong("min-queued"), help: "Candidates kept queued for the pilots (default: the study's).")
    var minQueued: Int?

    @Option(name: .customLong("time-limit"), help: "Seconds before the test gives up.")
    var timeLimit = 300.0

    @Option(
        name: .customLong("kill-server"),
        help: "Kill the server (SIGKILL) this many times during the pilots' phase and start it again on the same file."
    )
    var killServer = 0

    @Option(
        name: .customLong("kill-pilots"),
        help: "Simulated pilots that die mid-job (their jobs come back when the lease expires)."
    )
    var killPilots = 0

    @Option(
        name: .customLong("client-observations"),
        help: "Results told to the ask/tell clients' study first; then it is the pilots' problem and strategy."
    )
    var clientObservations = 0

    @Option(
        help:
            "Studies the pilots serve at once (same problem and strategy, seeds --seed, --seed+1, ...; --evaluations split between them)."
    )
    var studies = 1

    @Option(help: "Seed of the pilots' study and of the simulated evaluation times.")
    var seed: UInt64 = 0

    @Flag(help: "Print one JSON object.")
    var json = false

    func validate() throws {
        guard (1...5000).contains(pilots) else { throw ValidationError("--pilots must be between 1 and 5000") }
        guard evaluations >= 1, clientEvaluations >= 0, clients >= 1 else {
            throw ValidationError("--evaluations and --clients must be positive, --client-evaluations non-negative")
        }
        guard timeLimit > 0 else { throw ValidationError("--time-limit must be positive") }
        guard (1...50).contains(studies), studies <= evaluations else {
            throw ValidationError("--studies must be between 1 and 50, and at most --evaluations")
        }
        guard clientObservations >= 0 else { throw ValidationError("--client-observations must be non-negative") }
        guard killServer >= 0, killPilots >= 0, killPilots < evaluations else {
            throw ValidationError(
                "--kill-server and --kill-pilots must be non-negative, --kill-pilots below --evaluations"
            )
        }
        guard Strategy(rawValue: strategy) != nil, strategy != "external" else {
            throw ValidationError("--strategy: unknown strategy '\(strategy)'")
        }
        if let evaluationSeconds, !(evaluationSeconds >= 0) {
            throw ValidationError("--evaluation-s must be non-negative")
        }
        if let problem, (try? ProblemRegistry.problem(named: problem)) == nil {
            throw ValidationError(
                "--problem: unknown problem '\(problem)'; known: \(ProblemRegistry.names.joined(separator: ", "))"
            )
        }
    }

    func run() async throws {
        let test = ServiceLoadTest(
            pilots: pilots,
            evaluations: evaluations,
            clients: clients,
            clientEvaluations: clientEvaluations,
            timeLimit: timeLimit,
            evaluationSeconds: evaluationSeconds ?? evaluationMilliseconds / 1000,
            strategy: Strategy(rawValue: strategy) ?? .sobol,
            problem: problem,
            objectives: objectives?.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) },
            minQueued: minQueued,
            serverKills: killServer,
            pilotKills: killPilots,
            seed: seed,
            clientObservations: clientObservations,
            studies: studies
        )
        let report = try await test.run()
        print(json ? report.json : report.text)
        if report.lost > 0 || report.duplicated > 0 { throw ExitCode(1) }
    }
}
