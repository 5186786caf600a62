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
    /// Times the server is killed (SIGKILL) and started again on the same file during the pilots'
    /// phase, evenly spread over it; more than 0 runs the server as a child process.
    var serverKills = 0
    /// Simulated pilots that die mid-job (their job's lease expires and another pilot runs it); a
    /// replacement with a new name takes each one's place.
    var pilotKills = 0
    /// The pilots' study's seed (and the simulated pilots' evaluation times).
    var seed: UInt64 = 0
    /// Results told to the ask/tell clients' study before they start: with more than 0, that study
    /// is the pilots' problem under the pilots' strategy (ask latency at a large study), not two
    /// quadratics under Sobol.
    var clientObservations = 0
    /// Studies the pilots serve at once (the same problem and strategy, seeds `seed`, `seed + 1`,
    /// ...), `evaluations` split evenly between them: whether one server shares candidate
    /// generation fairly.
    var studies = 1

    /// The pilots' studies' names: `pilots`, or `pilots-1` ... `pilots-K`.
    var studyNames: [String] { studies == 1 ? ["pilots"] : (1...studies).map { "pilots-\($0)" } }

    /// Each pilots' study's budget: `evaluations` split evenly, the first ones one more.
    func budget(ofStudy index: Int) -> Int { evaluations / studies + (index < evaluations % studies ? 1 : 0) }

    /// One of the pilots' studies at the end of the run.
    struct StudyShare: Sendable, Encodable {
        var name: String
        var budget: Int
        var finalHypervolume: Double?
        /// Seconds from the start until its last result was told.
        var finishedSeconds: Double?
        /// Its share of its budget told when the first study finished.
        var progressAtFirstFinish: Double

        enum CodingKeys: String, CodingKey {
            case name, budget
            case finalHypervolume = "final_hv"
            case finishedSeconds = "finished_s"
            case progressAtFirstFinish = "progress_at_first_finish"
        }
    }

    struct Latencies: Sendable {
        var values: [Double] = []

        func percentile(_ p: Double) -> Double {
            guard !values.isEmpty else { return .nan }
            let sorted = values.sorted()
            return sorted[min(sorted.count - 1, Int((p * Double(sorted.count)).rounded(.up)) - 1)]
        }

        /// ``percentile(_:)``, or 0 without values (for reports that must stay valid JSON).
        func percentileOrZero(_ p: Double) -> Double { values.isEmpty ? 0 : percentile(p) }

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
        /// Share of pilot-slot time without a job, after the initial design was told and while the
        /// budget still had trials to hand out (waiting for candidates).
        var idleFraction: Double
        /// The same until the last result: with the tail, in which pilots find no work left.
        var idleFractionWithTail: Double
        /// The part of ``idleFraction`` spent in waits of at least ``longWait`` seconds (the queue ran dry).
        var idleFractionInLongWaits: Double
        /// How long pilots waited for a job (each wait after the initial design).
        var candidateWaits: Latencies
        var finalHypervolume: Double?
        var serverKills = 0
        var pilotKills = 0
        /// Seconds from each SIGKILL until the restarted server listened.
        var restartSeconds: [Double] = []
        /// The pilots' studies (one unless `--studies`).
        var studies: [StudyShare] = []

        /// Jain's index of the studies' progress when the first one finished: 1 when all had told
        /// the same share of their budgets, 1/K when one study had everything.
        var fairness: Double {
            let shares = studies.map(\.progressAtFirstFinish)
            let squares = shares.map { $0 * $0 }.reduce(0, +)
            guard squares > 0 else { return 1 }
            let sum = shares.reduce(0, +)
            return sum * sum / (Double(shares.count) * squares)
        }

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
                    idleFractionWithTail: idleFractionWithTail,
                    idleFractionInLongWaits: idleFractionInLongWaits,
                    candidateLatencyP50: candidateWaits.percentileOrZero(0.5),
                    candidateLatencyP90: candidateWaits.percentileOrZero(0.9),
                    candidateLatencyP99: candidateWaits.percentileOrZero(0.99),
                    finalHypervolume: finalHypervolume,
                    serverKills: serverKills,
                    pilotKills: pilotKills,
                    restartSeconds: restartSeconds,
                    studies: studies.count > 1 ? studies : nil,
                    fairness: studies.count > 1 ? fairness : nil
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
                    + String(
                        format: "%.3f (%.3f with the tail, %.3f in waits of %.1f s or more)",
                        idleFraction,
                        idleFractionWithTail,
                        idleFractionInLongWaits,
                        ServiceLoadTest.longWait
                    )
                    + ", candidate wait p99 "
                    + String(format: "%.2f s", candidateWaits.percentileOrZero(0.99))
                    + ", final hypervolume \(finalHypervolume.map { "\($0)" } ?? "n/a")",
                "faults: server killed \(serverKills) times (restarted in "
                    + restartSeconds.map { String(format: "%.2f s", $0) }.joined(separator: ", ")
                    + "), \(pilotKills) pilots killed mid-job",
                "stored results \(storedResults), duplicated \(duplicated), lost \(lost)",
            ]
            .joined(separator: "\n") + (studies.count > 1 ? "\n" + studiesText : "")
        }

        var studiesText: String {
            let rows = studies.map { share in
                "  \(share.name): budget \(share.budget), "
                    + String(format: "%.0f%% told at the first finish", 100 * share.progressAtFirstFinish)
                    + (share.finishedSeconds.map { String(format: ", finished at %.1f s", $0) } ?? "")
                    + ", final hypervolume \(share.finalHypervolume.map { "\($0)" } ?? "n/a")"
            }
            return (["studies: \(studies.count), fairness (Jain) " + String(format: "%.3f", fairness)] + rows)
                .joined(separator: "\n")
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
        var idleFractionWithTail: Double
        var idleFractionInLongWaits: Double
        var candidateLatencyP50: Double
        var candidateLatencyP90: Double
        var candidateLatencyP99: Double
        var finalHypervolume: Double?
        var serverKills: Int
        var pilotKills: Int
        var restartSeconds: [Double]
        var studies: [StudyShare]?
        var fairness: Double?

        enum CodingKeys: String, CodingKey {
            case pilots, evaluations, acquire, complete, clients, ask, tell, duplicated, lost, strategy, problem
            case studies, fairness
            case resultsPerSecond = "results_per_s"
            case idleFraction = "idle_fraction"
            case idleFractionWithTail = "idle_fraction_with_tail"
            case idleFractionInLongWaits = "idle_fraction_in_long_waits"
            case candidateLatencyP50 = "candidate_latency_p50_s"
            case candidateLatencyP90 = "candidate_latency_p90_s"
            case candidateLatencyP99 = "candidate_latency_p99_s"
            case finalHypervolume = "final_hv"
            case serverKills = "server_kills"
            case pilotKills = "pilot_kills"
            case restartSeconds = "restart_seconds"
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

    /// A trial of one of the pilots' studies.
    struct StudyTrial: Hashable, Sendable {
        var study: String
        var trial: Int
    }

    /// A wait for a job at least this long (seconds) means the queue was empty, not that the server
    /// was slow to answer.
    static let longWait = 0.5

    /// Seconds a simulated pilot's acquisition may be held by the server.
    static let longPoll = 10.0

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

    /// The server in this process (the default: the load test measures the service, not a process
    /// boundary); returns its URL and the task that runs it.
    static func serveInProcess(path: String, secret: String) async throws -> (String, Task<Void, any Error>) {
        let server = try ParetoPilotServer(
            configuration: ServerConfiguration(host: "127.0.0.1", port: 0, databasePath: path),
            logger: Logger(label: "load") { label in
                // PARETOPILOT_BENCH_LOG=debug shows the server's log (each generation's size and time).
                guard
                    let level = ProcessInfo.processInfo.environment["PARETOPILOT_BENCH_LOG"].flatMap({
                        Logger.Level(rawValue: $0)
                    })
                else { return SwiftLogNoOpLogHandler() }
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            }
        )
        _ = try await server.coordinator.bootstrapAdminToken(environmentSecret: secret)
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let serving = Task { try await server.run { continuation.yield($0) } }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else {
            serving.cancel()
            throw CancellationError()
        }
        return ("http://127.0.0.1:\(port)", serving)
    }

    /// Sends a request again and again while the server cannot be reached (a restart), when
    /// faults are injected; an answer of the server (a 4xx) is thrown at once.
    static func persistently<T: Sendable>(
        _ faults: Bool,
        until deadline: Date,
        _ request: () async throws -> T
    ) async throws -> T {
        while true {
            do {
                return try await request()
            } catch let error as ServiceClientError {
                throw error
            } catch {
                guard faults, Date() < deadline else { throw error }
                try await Task.sleep(nanoseconds: 100_000_000)
            }
        }
    }

    func run() async throws -> Report {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("load-\(UUID().uuidString).sqlite")
            .path
        defer {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }
        let secret = "load-test-admin"
        let url: String
        var serving: Task<Void, any Error>? = nil
        let process = serverKills > 0 ? ServerProcess(database: path, adminSecret: secret) : nil
        defer {
            serving?.cancel()
            process?.kill()
        }
        if let process {
            try process.start()
            url = process.url
        } else {
            (url, serving) = try await Self.serveInProcess(path: path, secret: secret)
        }
        let admin = try ServiceClient(url: url, token: secret)
        let names = studyNames
        var pilotStudy = Self.study(
            name: names[0],
            command: "true",
            budget: budget(ofStudy: 0),
            minQueued: max(2 * pilots, 8)
        )
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
        pilotStudy.seed = seed
        if let minQueued { pilotStudy.minQueued = minQueued } else if strategy != .sobol { pilotStudy.minQueued = nil }
        if pilotKills > 0 {
            // A dead pilot's job comes back when its lease expires: a few evaluations' time.
            pilotStudy.leaseSeconds = max(5, 4 * evaluationSeconds)
        }
        let evaluate: @Sendable ([String: ParameterValue]) -> [String: Double] = { parameters in
            guard let evaluator else { return Self.outputs(parameters) }
            return evaluator.outputs(evaluator.problem.parameterNames.map { parameters[$0]?.number ?? 0 })
        }
        let initialDesign = strategy == .sobol ? 0 : (pilotStudy.initialDesign ?? 2 * (pilotStudy.parameters.count + 1))
        for (index, name) in names.enumerated() {
            var study = pilotStudy
            study.name = name
            study.budget = budget(ofStudy: index)
            study.seed = seed &+ UInt64(index)
            _ = try await admin.call(.POST, "/v1/studies", body: study, as: StudySummary.self)
        }
        var clientStudy = Self.study(name: "clients", command: nil, budget: clientEvaluations, minQueued: 1)
        if clientObservations > 0 {
            clientStudy = pilotStudy
            clientStudy.name = "clients"
            clientStudy.seed = seed
            clientStudy.evaluator = .init()
            clientStudy.budget = clientObservations + clientEvaluations
        }
        _ = try await admin.call(.POST, "/v1/studies", body: clientStudy, as: StudySummary.self)
        let deadline = Date().addingTimeInterval(timeLimit)

        // Phase 1: simulated pilots.
        // Trials whose result a pilot was told is stored (its complete answered "completed"): none
        // of them may be missing from the file at the end, whatever was killed meanwhile.
        let acknowledged = NIOLockedValueBox(Set<StudyTrial>())
        // Results told per study, when each told its last, and the counts when the first one did.
        let perStudy = NIOLockedValueBox([String: Int]())
        let finished = NIOLockedValueBox([String: Date]())
        let atFirstFinish = NIOLockedValueBox<[String: Int]?>(nil)
        let budgets = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, budget(ofStudy: $0)) })
        // When the initial design's last result was told: idle time is counted from then on.
        let designDone = NIOLockedValueBox<Date?>(initialDesign == 0 ? Date() : nil)
        // When the budget's last trial was handed out: later waits find no work left (the tail).
        // (per study; the window ends when every study has handed out its last)
        let lastHandedOut = NIOLockedValueBox([String: Date]())
        @Sendable func noteHandedOut(_ job: PilotJob?) {
            guard let job, let budget = budgets[job.studyName], job.trial >= budget - 1 else { return }
            lastHandedOut.withLockedValue { $0[job.studyName] = $0[job.studyName] ?? Date() }
        }
        let designTrials = initialDesign * names.count
        let target = evaluations
        // Pilot deaths happen as the told results pass evenly spaced marks.
        let pilotDeaths = (0..<pilotKills).map { ($0 + 1) * evaluations / (pilotKills + 1) }
        let deaths = NIOLockedValueBox(0)
        let faults = serverKills > 0
        let start = Date()
        var acquire = Latencies()
        var complete = Latencies()
        var waits: [(start: Date, end: Date)] = []
        // The server is killed as the told results pass evenly spaced marks, and started again.
        let killer = Task { () -> [Double] in
            guard let process else { return [] }
            var restarts: [Double] = []
            for kill in 0..<serverKills {
                let mark = (kill + 1) * evaluations / (serverKills + 1)
                while acknowledged.withLockedValue({ $0.count }) < mark && Date() < deadline {
                    try await Task.sleep(nanoseconds: 20_000_000)
                }
                let killed = Date()
                process.kill()
                try process.start()
                restarts.append(Date().timeIntervalSince(killed))
            }
            return restarts
        }
        try await withThrowingTaskGroup(of: (Latencies, Latencies, [(start: Date, end: Date)]).self) { group in
            for index in 0..<pilots {
                group.addTask {
                    let client = try ServiceClient(url: url, token: secret)
                    func persistently<T: Sendable>(_ request: () async throws -> T) async throws -> T {
                        try await Self.persistently(faults, until: deadline, request)
                    }
                    var acquired = Latencies()
                    var told = Latencies()
                    var idle: [(start: Date, end: Date)] = []
                    var waitingSince: Date? = nil
                    var job: PilotJob? = nil
                    var random = SeededGenerator(seed: seed &* 1_000_003 &+ UInt64(index))
                    // A pilot that dies is replaced by one with a new name (a new batch job).
                    var name = "sim-\(index)"
                    var incarnation = 0
                    // Pilots start over the first second, as batch jobs do, not in one burst.
                    try await Task.sleep(nanoseconds: UInt64(Double.random(in: 0..<1, using: &random) * 1e9))
                    while acknowledged.withLockedValue({ $0.count }) < target && Date() < deadline {
                        guard let current = job else {
                            // Pilots long-poll: the server holds a request that finds no job until one is queued.
                            let body = AcquireRequest(
                                pilot: name,
                                slots: 1,
                                resources: nil,
                                studies: nil,
                                wait: Self.longPoll
                            )
                            let t0 = Date()
                            let answer = try await persistently {
                                try await client.call(.POST, "/v1/pilots/acquire", body: body, as: AcquireResponse.self)
                            }
                            acquired.values.append(Date().timeIntervalSince(t0))
                            job = answer.jobs.first
                            noteHandedOut(job)
                            if job == nil {
                                if waitingSince == nil { waitingSince = t0 }
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
                        let dies = deaths.withLockedValue { count -> Bool in
                            guard count < pilotDeaths.count,
                                acknowledged.withLockedValue({ $0.count }) >= pilotDeaths[count]
                            else { return false }
                            count += 1
                            return true
                        }
                        if dies {
                            // The job is left to its lease; the replacement starts with no job.
                            incarnation += 1
                            name = "sim-\(index)-\(incarnation)"
                            job = nil
                            waitingSince = Date()
                            continue
                        }
                        let outputs = evaluate(current.parameters)
                        // The result and the request for the next job in one round trip, as pilots do.
                        let body = CompleteRequest(
                            pilot: name,
                            outputs: outputs,
                            failure: nil,
                            acquire: .init(slots: 1, resources: nil, studies: nil, wait: Self.longPoll)
                        )
                        // From here until a job arrives the slot is idle: the result is told and
                        // the next job waited for in the same request.
                        let t1 = Date()
                        waitingSince = t1
                        let result: CompleteResponse
                        do {
                            result = try await persistently {
                                try await client.call(
                                    .POST,
                                    "/v1/jobs/\(current.job)/complete",
                                    body: body,
                                    as: CompleteResponse.self
                                )
                            }
                        } catch let error as ServiceClientError where faults && error.status == 409 {
                            // The lease was lost while the server was down: another pilot runs it.
                            job = nil
                            continue
                        }
                        told.values.append(Date().timeIntervalSince(t1))
                        if result.state == .completed {
                            let count = acknowledged.withLockedValue { told -> Int in
                                told.insert(StudyTrial(study: current.studyName, trial: current.trial))
                                return told.count
                            }
                            if count == designTrials { designDone.withLockedValue { $0 = $0 ?? Date() } }
                            let counts = perStudy.withLockedValue { counts -> [String: Int] in
                                counts[current.studyName, default: 0] += 1
                                return counts
                            }
                            if counts[current.studyName] == budgets[current.studyName] {
                                finished.withLockedValue { $0[current.studyName] = Date() }
                                atFirstFinish.withLockedValue { $0 = $0 ?? counts }
                            }
                        }
                        job = result.jobs?.first
                        noteHandedOut(job)
                        if job != nil {
                            idle.append((t1, Date()))
                            waitingSince = nil
                        }
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
        killer.cancel()
        let restartSeconds = (try? await killer.value) ?? []
        let pilotEnd = Date()
        let pilotSeconds = pilotEnd.timeIntervalSince(start)
        // Idle pilot-slot time after the initial design while trials were left to hand out, and
        // each wait for a job in that time; then the same until the end, the tail included.
        let counted = designDone.withLockedValue { $0 } ?? pilotEnd
        let handedOutTimes = lastHandedOut.withLockedValue { $0 }
        let handedOut = max(
            counted,
            handedOutTimes.count == names.count ? handedOutTimes.values.max() ?? pilotEnd : pilotEnd
        )
        func idle(until end: Date) -> (seconds: Double, waits: Latencies) {
            var seconds = 0.0
            var clipped = Latencies()
            for wait in waits where wait.end > counted && wait.start < end {
                let length = min(wait.end, end).timeIntervalSince(max(wait.start, counted))
                seconds += length
                clipped.values.append(length)
            }
            return (seconds, clipped)
        }
        let (idleSeconds, candidateWaits) = idle(until: handedOut)
        let slotSeconds = Double(pilots) * max(handedOut.timeIntervalSince(counted), 1e-9)
        let tailIdle = idle(until: pilotEnd).seconds / (Double(pilots) * max(pilotEnd.timeIntervalSince(counted), 1e-9))
        var summaries: [StudySummary] = []
        for name in names {
            summaries.append(
                try await Self.persistently(faults, until: deadline) {
                    try await admin.call(.GET, "/v1/studies/\(name)", as: StudySummary.self)
                }
            )
        }
        let firstFinish = atFirstFinish.withLockedValue { $0 } ?? perStudy.withLockedValue { $0 }
        let finishTimes = finished.withLockedValue { $0 }
        let shares = zip(names, summaries).map { name, summary in
            let budget = budgets[name] ?? 1
            return StudyShare(
                name: name,
                budget: budget,
                finalHypervolume: summary.hypervolume,
                finishedSeconds: finishTimes[name].map { $0.timeIntervalSince(start) },
                progressAtFirstFinish: Double(firstFinish[name] ?? 0) / Double(max(budget, 1))
            )
        }

        // Phase 2: ask/tell clients, on a study told `clientObservations` results first (uniformly
        // random designs added and told by the clients at once).
        let prefill = NIOLockedValueBox(clientObservations)
        let parameterSpace = clientStudy.parameters
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<(clientObservations > 0 ? clients : 0) {
                group.addTask {
                    let client = try ServiceClient(url: url, token: secret)
                    var random = SeededGenerator(seed: seed &+ 7_777 &+ UInt64(index))
                    while prefill.withLockedValue({ value -> Bool in
                        guard value > 0 else { return false }
                        value -= 1
                        return true
                    }) {
                        var design: [String: ParameterValue] = [:]
                        for parameter in parameterSpace {
                            if case .real(let lower, let upper, _) = parameter.domain {
                                design[parameter.name] = .number(Double.random(in: lower...upper, using: &random))
                            } else if case .integer(let lower, let upper) = parameter.domain {
                                design[parameter.name] = .number(
                                    Double(Int.random(in: Int(lower)...Int(upper), using: &random))
                                )
                            } else if case .categorical(let choices) = parameter.domain {
                                design[parameter.name] = .choice(choices.randomElement(using: &random) ?? "")
                            }
                        }
                        let trial = try await client.call(
                            .POST,
                            "/v1/studies/clients/trials",
                            body: AttachRequest(parameters: design),
                            as: TrialPayload.self
                        )
                        _ = try await client.call(
                            .POST,
                            "/v1/studies/clients/trials/\(trial.trial)/tell",
                            body: TellRequest(values: evaluate(trial.parameters)),
                            as: TellResponse.self
                        )
                    }
                }
            }
            try await group.waitForAll()
        }
        // The clients' study is the pilots' problem only when it was prefilled; else two quadratics.
        let prefilled = clientObservations > 0
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
                            body: TellRequest(
                                values: prefilled ? evaluate(trial.parameters) : Self.outputs(trial.parameters)
                            ),
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

        // Stop the server (a generation still running finishes first), then check the store: one
        // result per trial, none lost, every result a pilot was told of stored.
        if let serving {
            serving.cancel()
            _ = try? await serving.value
        }
        process?.stop()
        let store = try StudyStore(path: path)
        let studies = try store.studies()
        var stored = 0
        var duplicated = 0
        var lost = 0
        for study in studies {
            let trials = try store.trials(study: study.id)
            let expected = budgets[study.name] ?? clientObservations + clientEvaluations
            let results = trials.filter { $0.outputs != nil }.count
            stored += results
            lost += max(0, expected - results)
            if budgets[study.name] != nil {
                let storedTrials = Set(
                    trials.filter { $0.outputs != nil }.map { StudyTrial(study: study.name, trial: $0.number) }
                )
                lost +=
                    acknowledged.withLockedValue { $0 }.filter { $0.study == study.name }
                    .subtracting(storedTrials).count
            }
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
            lost: lost,
            strategy: strategy.rawValue,
            problem: problem ?? "two quadratics",
            idleFraction: idleSeconds / slotSeconds,
            idleFractionWithTail: tailIdle,
            idleFractionInLongWaits: candidateWaits.values.filter { $0 >= Self.longWait }.reduce(0, +) / slotSeconds,
            candidateWaits: candidateWaits,
            finalHypervolume: summaries[0].hypervolume,
            serverKills: serverKills,
            pilotKills: pilotKills,
            restartSeconds: restartSeconds,
            studies: shares
        )
    }
}
