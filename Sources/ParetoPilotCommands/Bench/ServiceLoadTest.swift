import Evaluation
import Foundation
import Logging
import NIOConcurrencyHelpers
import Pilot
import Problems
import Sampling
import Server
import Store
import Studies
import StudyModel
import Wire

/// A load test of the service over loopback: many simulated pilots (each its own connection)
/// acquire and complete jobs of one study, then ask/tell clients drive a second study; the store
/// is then checked for lost or duplicated results.
struct ServiceLoadTest {
    var pilots = 200
    var evaluations = 5000
    var clients = 20
    var clientEvaluations = 1000
    /// Seconds before the test gives up.
    var timeLimit = 300.0
    /// Mean seconds a simulated pilot spends "evaluating" each job, drawn uniformly between half and
    /// one and a half times it (0: as fast as the server answers).
    var evaluationSeconds = 0.0
    /// The pilots' study's strategy: `sobol` measures the service alone; a model-based one measures
    /// whether candidates keep up with the pilots.
    var strategy: Strategy = .sobol
    /// The built-in problem the simulated pilots evaluate (nil: two quadratics of two parameters).
    var problem: String? = nil
    /// Objectives of the problem (nil: all of its own, ToyTracker's resolution, cost and lowpt_resolution).
    var objectives: [String]? = nil
    /// Candidates kept queued (nil: twice the pilots for sobol, the study default otherwise).
    var minQueued: Int? = nil

    struct Latencies: Sendable {
        var values: [Double] = []

        func percentile(_ p: Double) -> Double {
            guard !values.isEmpty else { return .nan }
            let sorted = values.sorted()
            return sorted[min(sorted.count - 1, Int((p * Double(sorted.count)).rounded(.up)) - 1)]
        }

        var summary: [String: Double] {
            ["count": Double(values.count), "p50_ms": percentile(0.5) * 1000, "p99_ms": percentile(0.99) * 1000]
        }
    }

    struct Report: Sendable {
        var pilots: Int
        var evaluations: Int
        var evaluationSeconds: Double
        var pilotSeconds: Double
        var acquire: Latencies
        var complete: Latencies
        var clients: Int
        var clientEvaluations: Int
        var clientSeconds: Double
        var ask: Latencies
        var tell: Latencies
        var storedResults: Int
        var duplicated: Int
        var lost: Int
        var strategy: String
        var problem: String
        /// Share of pilot-slot time without a job, after the initial design was told.
        var idleFraction: Double
        /// How long pilots waited for a job (each wait after the initial design).
        var candidateWaits: Latencies
        var finalHypervolume: Double?

        var completesPerSecond: Double { Double(complete.values.count) / pilotSeconds }
        var requestsPerSecond: Double { Double(acquire.values.count + complete.values.count) / pilotSeconds }
        var tellsPerSecond: Double { Double(tell.values.count) / clientSeconds }

        var json: String {
            StudyExecution.jsonLine(
                LoadTestSummary(
                    pilots: pilots,
                    evaluations: evaluations,
                    evaluationMs: evaluationSeconds * 1000,
                    pilotPhaseSeconds: pilotSeconds,
                    completesPerSecond: completesPerSecond,
                    pilotRequestsPerSecond: requestsPerSecond,
                    acquire: acquire.summary,
                    complete: complete.summary,
                    clients: clients,
                    clientEvaluations: clientEvaluations,
                    clientPhaseSeconds: clientSeconds,
                    tellsPerSecond: tellsPerSecond,
                    ask: ask.summary,
                    tell: tell.summary,
                    storedResults: storedResults,
                    duplicated: duplicated,
                    lost: lost,
                    strategy: strategy,
                    problem: problem,
                    resultsPerSecond: completesPerSecond,
                    idleFraction: idleFraction,
                    candidateLatencyP99: candidateWaits.values.isEmpty ? 0 : candidateWaits.percentile(0.99),
                    finalHypervolume: finalHypervolume
                )
            )
        }

        var text: String {
            func row(_ name: String, _ l: Latencies) -> String {
                String(
                    format: "  %-8@ %6d requests  p50 %6.2f ms  p99 %6.2f ms",
                    name,
                    l.values.count,
                    l.percentile(0.5) * 1000,
                    l.percentile(0.99) * 1000
                )
            }
            return [
                "pilots: \(pilots) simulated (\(Int(evaluationSeconds * 1000)) ms per evaluation), \(evaluations) evaluations in \(String(format: "%.2f", pilotSeconds)) s: "
                    + String(
                        format: "%.0f completes/s, %.0f requests/s",
                        completesPerSecond,
                        requestsPerSecond
                    ),
                row("acquire", acquire), row("complete+next", complete),
                "ask/tell: \(clients) clients, \(clientEvaluations) evaluations in "
                    + String(format: "%.2f s: %.0f tells/s", clientSeconds, tellsPerSecond),
                row("ask", ask), row("tell", tell),
                "study: \(problem), strategy \(strategy): idle fraction "
                    + String(format: "%.3f", idleFraction) + ", candidate wait p99 "
                    + String(format: "%.2f s", candidateWaits.values.isEmpty ? 0 : candidateWaits.percentile(0.99))
                    + ", final hypervolume \(finalHypervolume.map { "\($0)" } ?? "n/a")",
                "stored results \(storedResults), duplicated \(duplicated), lost \(lost)",
            ].joined(separator: "\n")
        }
    }

    /// `bench service --json`.
    struct LoadTestSummary: Encodable {
        var pilots: Int
        var evaluations: Int
        var evaluationMs: Double
        var pilotPhaseSeconds: Double
        var completesPerSecond: Double
        var pilotRequestsPerSecond: Double
        var acquire: [String: Double]
        var complete: [String: Double]
        var clients: Int
        var clientEvaluations: Int
        var clientPhaseSeconds: Double
        var tellsPerSecond: Double
        var ask: [String: Double]
        var tell: [String: Double]
        var storedResults: Int
        var duplicated: Int
        var lost: Int
        var strategy: String
        var problem: String
        var resultsPerSecond: Double
        var idleFraction: Double
        var candidateLatencyP99: Double
        var finalHypervolume: Double?

        enum CodingKeys: String, CodingKey {
            case pilots, evaluations, acquire, complete, clients, ask, tell, duplicated, lost, strategy, problem
            case resultsPerSecond = "results_per_s"
            case idleFraction = "idle_fraction"
            case candidateLatencyP99 = "candidate_latency_p99_s"
            case finalHypervolume = "final_hv"
            case evaluationMs = "evaluation_ms"
            case pilotPhaseSeconds = "pilot_phase_seconds"
            case completesPerSecond = "completes_per_second"
            case pilotRequestsPerSecond = "pilot_requests_per_second"
            case clientEvaluations = "client_evaluations"
            case clientPhaseSeconds = "client_phase_seconds"
            case tellsPerSecond = "tells_per_second"
            case storedResults = "stored_results"
        }
    }

    static func outputs(x: Double, y: Double) -> (f1: Double, f2: Double) { (x * x + y, (1 - x) * (1 - x) + y) }

    static func outputs(_ parameters: [String: ParameterValue]) -> [String: Double] {
        let (f1, f2) = outputs(x: parameters["x"]?.number ?? 0, y: parameters["y"]?.number ?? 0)
        return ["f1": f1, "f2": f2]
    }

    static func study(name: String, command: String?, budget: Int, minQueued: Int) -> StudySpecification {
        var specification = StudySpecification(
            name: name,
            parameters: [.float("x", 0, 1), .float("y", 0, 1)],
            objectives: [.init(name: "f1", reference: 2), .init(name: "f2", reference: 2)],
            evaluator: .init(command: command),
            budget: max(budget, 1),
            strategy: .sobol
        )
        specification.minQueued = minQueued
        specification.maxFailureRate = 1
        return specification
    }

    func run() async throws -> Report {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("load-\(UUID().uuidString).sqlite")
            .path
        defer {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }
        let server = try ParetoPilotServer(
            configuration: ServerConfiguration(host: "127.0.0.1", port: 0, databasePath: path),
            logger: Logger(label: "load") { _ in SwiftLogNoOpLogHandler() }
        )
        let secret = "load-test-admin"
        _ = try await server.coordinator.bootstrapAdminToken(environmentSecret: secret)
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let serving = Task { try await server.run { continuation.yield($0) } }
        defer { serving.cancel() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw CancellationError() }
        let url = "http://127.0.0.1:\(port)"
        let admin = try ServiceClient(url: url, token: secret)
        var pilotStudy = Self.study(name: "pilots", command: "true", budget: evaluations, minQueued: max(2 * pilots, 8))
        let evaluator: BuiltinProblemEvaluator?
        if let problem {
            guard let builtin = try ProblemRegistry.problem(named: problem) else {
                throw StudyError("--problem: unknown problem '\(problem)'", field: "problem")
            }
            evaluator = BuiltinProblemEvaluator(problem: builtin)
            let names =
                objectives
                ?? (builtin is ToyTracker ? ["resolution", "cost", "lowpt_resolution"] : builtin.objectiveNames)
            pilotStudy.parameters = []
            pilotStudy.objectives = names.map { .init(name: $0) }
            pilotStudy.evaluator = .init(problem: problem)
            pilotStudy = try pilotStudy.resolved()
        } else {
            evaluator = nil
        }
        pilotStudy.strategy = strategy
        if let minQueued { pilotStudy.minQueued = minQueued } else if strategy != .sobol { pilotStudy.minQueued = nil }
        let initialDesign = strategy == .sobol ? 0 : (pilotStudy.initialDesign ?? 2 * (pilotStudy.parameters.count + 1))
        _ = try await admin.call(.POST, "/v1/studies", body: pilotStudy, as: StudySummary.self)
        _ = try await admin.call(
            .POST,
            "/v1/studies",
            body: Self.study(name: "clients", command: nil, budget: clientEvaluations, minQueued: 1),
            as: StudySummary.self
        )
        let deadline = Date().addingTimeInterval(timeLimit)

        // Phase 1: simulated pilots.
        let completed = NIOLockedValueBox(0)
        // When the initial design's last result was told: idle time is counted from then on.
        let designDone = NIOLockedValueBox<Date?>(initialDesign == 0 ? Date() : nil)
        let target = evaluations
        let start = Date()
        var acquire = Latencies()
        var complete = Latencies()
        var waits: [(start: Date, end: Date)] = []
        try await withThrowingTaskGroup(of: (Latencies, Latencies, [(start: Date, end: Date)]).self) { group in
            for index in 0..<pilots {
                group.addTask {
                    let client = try ServiceClient(url: url, token: secret)
                    var acquired = Latencies()
                    var told = Latencies()
                    var idle: [(start: Date, end: Date)] = []
                    var waitingSince: Date? = nil
                    var job: PilotJob? = nil
                    var random = SeededGenerator(seed: UInt64(index))
                    // Pilots start over the first second, as batch jobs do, not in one burst.
                    try await Task.sleep(nanoseconds: UInt64(Double.random(in: 0..<1, using: &random) * 1e9))
                    let acquireBody = AcquireRequest(pilot: "sim-\(index)", slots: 1, resources: nil, studies: nil)
                    while completed.withLockedValue({ $0 }) < target && Date() < deadline {
                        guard let current = job else {
                            let t0 = Date()
                            let answer = try await client.call(
                                .POST,
                                "/v1/pilots/acquire",
                                body: acquireBody,
                                as: AcquireResponse.self
                            )
                            acquired.values.append(Date().timeIntervalSince(t0))
                            job = answer.jobs.first
                            if job == nil {
                                if waitingSince == nil { waitingSince = t0 }
                                try await Task.sleep(nanoseconds: 100_000_000)
                            } else if let since = waitingSince {
                                idle.append((since, Date()))
                                waitingSince = nil
                            }
                            continue
                        }
                        if evaluationSeconds > 0 {
                            // Evaluations take between half and one and a half times the mean, so
                            // pilots do not march in step.
                            let duration = evaluationSeconds * Double.random(in: 0.5...1.5, using: &random)
                            try await Task.sleep(nanoseconds: UInt64(duration * 1e9))
                        }
                        let outputs: [String: Double]
                        if let evaluator {
                            outputs = evaluator.outputs(
                                evaluator.problem.parameterNames.map { current.parameters[$0]?.number ?? 0 }
                            )
                        } else {
                            outputs = Self.outputs(current.parameters)
                        }
                        // The result and the request for the next job in one round trip, as pilots do.
                        let body = CompleteRequest(
                            pilot: "sim-\(index)",
                            outputs: outputs,
                            failure: nil,
                            acquire: .init(slots: 1, resources: nil, studies: nil)
                        )
                        let t1 = Date()
                        let result = try await client.call(
                            .POST,
                            "/v1/jobs/\(current.job)/complete",
                            body: body,
                            as: CompleteResponse.self
                        )
                        told.values.append(Date().timeIntervalSince(t1))
                        if result.recorded {
                            let count = completed.withLockedValue { value -> Int in
                                value += 1
                                return value
                            }
                            if count == initialDesign { designDone.withLockedValue { $0 = Date() } }
                        }
                        job = result.jobs?.first
                        if job == nil { waitingSince = Date() }
                    }
                    if let since = waitingSince { idle.append((since, Date())) }
                    return (acquired, told, idle)
                }
            }
            for try await (a, c, w) in group {
                acquire.values += a.values
                complete.values += c.values
                waits += w
            }
        }
        let pilotEnd = Date()
        let pilotSeconds = pilotEnd.timeIntervalSince(start)
        // Idle pilot-slot time after the initial design, and each wait for a job in that time.
        let counted = designDone.withLockedValue { $0 } ?? pilotEnd
        var idleSeconds = 0.0
        var candidateWaits = Latencies()
        for wait in waits where wait.end > counted {
            let seconds = wait.end.timeIntervalSince(max(wait.start, counted))
            idleSeconds += seconds
            candidateWaits.values.append(seconds)
        }
        let slotSeconds = Double(pilots) * max(pilotEnd.timeIntervalSince(counted), 1e-9)
        let summary = try await admin.call(.GET, "/v1/studies/pilots", as: StudySummary.self)

        // Phase 2: ask/tell clients.
        let remaining = NIOLockedValueBox(clientEvaluations)
        let clientStart = Date()
        var ask = Latencies()
        var tell = Latencies()
        try await withThrowingTaskGroup(of: (Latencies, Latencies).self) { group in
            for _ in 0..<clients {
                group.addTask {
                    let client = try ServiceClient(url: url, token: secret)
                    var asked = Latencies()
                    var told = Latencies()
                    while remaining.withLockedValue({ value -> Bool in
                        guard value > 0 else { return false }
                        value -= 1
                        return true
                    }) && Date() < deadline {
                        let t0 = Date()
                        let answer = try await client.call(
                            .POST,
                            "/v1/studies/clients/ask",
                            body: AskRequest(count: 1),
                            as: AskResponse.self
                        )
                        asked.values.append(Date().timeIntervalSince(t0))
                        guard let trial = answer.trials.first else { continue }
                        let t1 = Date()
                        _ = try await client.call(
                            .POST,
                            "/v1/studies/clients/trials/\(trial.trial)/tell",
                            body: TellRequest(values: Self.outputs(trial.parameters)),
                            as: TellResponse.self
                        )
                        told.values.append(Date().timeIntervalSince(t1))
                    }
                    return (asked, told)
                }
            }
            for try await (a, t) in group {
                ask.values += a.values
                tell.values += t.values
            }
        }
        let clientSeconds = Date().timeIntervalSince(clientStart)

        // Check the store: one result per trial, none lost.
        let store = try StudyStore(path: path)
        let studies = try store.studies()
        var stored = 0
        var duplicated = 0
        var lost = 0
        for study in studies {
            let trials = try store.trials(study: study.id)
            let expected = study.name == "pilots" ? evaluations : clientEvaluations
            let results = trials.filter { $0.outputs != nil }.count
            stored += results
            lost += max(0, expected - results)
            for trial in trials where trial.outputs != nil {
                let completedAttempts = try store.attempts(trial: trial.id).filter { $0.state == .completed }.count
                if completedAttempts != 1 { duplicated += 1 }
            }
        }
        // Stop the server and let a generation still running finish before the process may exit.
        serving.cancel()
        _ = try? await serving.value
        return Report(
            pilots: pilots,
            evaluations: evaluations,
            evaluationSeconds: evaluationSeconds,
            pilotSeconds: pilotSeconds,
            acquire: acquire,
            complete: complete,
            clients: clients,
            clientEvaluations: clientEvaluations,
            clientSeconds: clientSeconds,
            ask: ask,
            tell: tell,
            storedResults: stored,
            duplicated: duplicated,
            lost: lost,
            strategy: strategy.rawValue,
            problem: problem ?? "two quadratics",
            idleFraction: idleSeconds / slotSeconds,
            candidateWaits: candidateWaits,
            finalHypervolume: summary.hypervolume
        )
    }
}
