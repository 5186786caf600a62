import Foundation
import Logging
import NIOConcurrencyHelpers
import Pilot
import Sampling
import Server
import Store
import Studies
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
                    lost: lost
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

        enum CodingKeys: String, CodingKey {
            case pilots, evaluations, acquire, complete, clients, ask, tell, duplicated, lost
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
        _ = try await admin.call(
            .POST,
            "/v1/studies",
            body: Self.study(name: "pilots", command: "true", budget: evaluations, minQueued: max(2 * pilots, 8)),
            as: StudySummary.self
        )
        _ = try await admin.call(
            .POST,
            "/v1/studies",
            body: Self.study(name: "clients", command: nil, budget: clientEvaluations, minQueued: 1),
            as: StudySummary.self
        )
        let deadline = Date().addingTimeInterval(timeLimit)

        // Phase 1: simulated pilots.
        let completed = NIOLockedValueBox(0)
        let target = evaluations
        let start = Date()
        var acquire = Latencies()
        var complete = Latencies()
        try await withThrowingTaskGroup(of: (Latencies, Latencies).self) { group in
            for index in 0..<pilots {
                group.addTask {
                    let client = try ServiceClient(url: url, token: secret)
                    var acquired = Latencies()
                    var told = Latencies()
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
                            if job == nil { try await Task.sleep(nanoseconds: 100_000_000) }
                            continue
                        }
                        if evaluationSeconds > 0 {
                            // Evaluations take between half and one and a half times the mean, so
                            // pilots do not march in step.
                            let duration = evaluationSeconds * Double.random(in: 0.5...1.5, using: &random)
                            try await Task.sleep(nanoseconds: UInt64(duration * 1e9))
                        }
                        let outputs = Self.outputs(
                            x: current.parameters["x"]?.number ?? 0,
                            y: current.parameters["y"]?.number ?? 0
                        )
                        // The result and the request for the next job in one round trip, as pilots do.
                        let body = CompleteRequest(
                            pilot: "sim-\(index)",
                            outputs: ["f1": outputs.f1, "f2": outputs.f2],
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
                        if result.recorded { completed.withLockedValue { $0 += 1 } }
                        job = result.jobs?.first
                    }
                    return (acquired, told)
                }
            }
            for try await (a, c) in group {
                acquire.values += a.values
                complete.values += c.values
            }
        }
        let pilotSeconds = Date().timeIntervalSince(start)

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
            lost: lost
        )
    }
}
