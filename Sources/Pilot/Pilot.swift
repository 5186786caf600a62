import Evaluation
import Foundation
import Logging
import NIOConcurrencyHelpers
import Problems
import StudyModel
import Wire

/// Settings of a pilot.
public struct PilotConfiguration: Sendable {
    public var serverURL: String
    public var token: String
    /// The pilot's name, unique among pilots (host, pid and a random suffix by default).
    public var name: String
    /// Jobs run at once.
    public var slots: Int
    public var cores: Int?
    public var memoryGB: Double?
    public var gpus: Int?
    public var site: String?
    public var queue: String?
    /// When the pilot's batch job ends (Unix seconds), to ask only for work that fits.
    public var wallTimeEnd: Double?
    /// Only jobs of these studies (ids or names).
    public var studies: [String]?
    /// Stop after this many seconds without work and without running jobs.
    public var idleExit: Double?
    /// Stop after starting this many jobs.
    public var maxJobs: Int?
    /// On stop, seconds to let running jobs finish before they are killed and handed back.
    public var drainSeconds: Double
    /// Seconds between polls when the server has no work.
    public var pollInterval: Double
    /// Where workflow steps get their trial directories when the study names none
    /// (`DIR/<study>/trial-<n>`); pilots that serve one workflow study together need it on a
    /// file system they share.
    public var workDirectory = "paretopilot-work"
    /// The CA file for an https server, and whether a token may cross plain http beyond loopback.
    public var security = ClientSecurity.environment

    public init(
        serverURL: String,
        token: String,
        name: String? = nil,
        slots: Int = 1,
        drainSeconds: Double = 30,
        pollInterval: Double = 1
    ) {
        self.serverURL = serverURL
        self.token = token
        self.name = name ?? Self.defaultName()
        self.slots = slots
        self.drainSeconds = drainSeconds
        self.pollInterval = pollInterval
    }

    static func defaultName() -> String {
        let host = ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? "host"
        let suffix = String(UInt32.random(in: 0...UInt32.max), radix: 36)
        return "\(host)-\(getpid())-\(suffix)"
    }
}

/// What a pilot did.
public struct PilotSummary: Sendable, Equatable {
    public var completed = 0
    public var failed = 0
    /// Jobs the server took back (lease lost, trial cancelled) or the pilot released on stop.
    public var abandoned = 0
    /// Whether the pilot stopped because the server did not answer for `idleExit` seconds.
    public var serverUnreachable = false
}

/// A worker that pulls jobs from the service and runs them: acquires up to `slots` jobs with a
/// lease, runs each job's command (or built-in problem) with the parameters as JSON on stdin and
/// `PARETOPILOT_PARAM_*` variables, ships stdout/stderr lines as they come, heartbeats to keep the
/// lease (and obeys a `kill` reply), and reports outputs or the failure. ``stop()`` (SIGTERM)
/// stops taking work, lets running jobs finish for `drainSeconds`, then kills and releases them.
public actor Pilot {
    let configuration: PilotConfiguration
    let client: ServiceClient
    /// Heartbeats, logs and results go on a second connection so a slow acquire never delays them.
    let reporter: ServiceClient
    let logger: Logger
    var running: [Int64: Task<Void, Never>] = [:]
    var started = 0
    var stopping = false
    /// When the token expires (Unix seconds) and the lifetime it was issued with, if it expires.
    var tokenExpiresAt: Double?
    var tokenLifetime: Double?
    var drainDeadline: Double? = nil
    var summary = PilotSummary()

    public init(configuration: PilotConfiguration, logger: Logger) throws {
        self.configuration = configuration
        client = try ServiceClient(
            url: configuration.serverURL,
            token: configuration.token,
            security: configuration.security
        )
        reporter = try ServiceClient(
            url: configuration.serverURL,
            token: configuration.token,
            security: configuration.security
        )
        self.logger = logger
    }

    /// Stops taking work; running jobs get `drainSeconds` to finish.
    public func stop() {
        guard !stopping else { return }
        stopping = true
        drainDeadline = Date().timeIntervalSince1970 + configuration.drainSeconds
        logger.info("stopping: no new jobs", metadata: ["running": "\(running.count)"])
    }

    var shouldAbandon: Bool {
        guard let drainDeadline else { return false }
        return Date().timeIntervalSince1970 > drainDeadline
    }

    /// Pulls and runs jobs until stopped, idle for `idleExit`, or `maxJobs` started and finished.
    public func run() async -> PilotSummary {
        var idleSince = Date()
        var backoff = configuration.pollInterval
        await readTokenLifetime()
        while !stopping {
            await renewTokenIfDue()
            if let maxJobs = configuration.maxJobs, started >= maxJobs { break }
            let free = configuration.slots - running.count
            guard free > 0 else {
                try? await Task.sleep(nanoseconds: 20_000_000)
                continue
            }
            let wanted = min(free, configuration.maxJobs.map { $0 - started } ?? free)
            do {
                let asked = Date()
                let answer = try await acquire(slots: wanted)
                backoff = configuration.pollInterval
                for job in answer.jobs { launch(job) }
                if answer.jobs.isEmpty {
                    if running.isEmpty, let idle = configuration.idleExit, Date().timeIntervalSince(idleSince) > idle {
                        logger.info("no work", metadata: ["idle_seconds": "\(idle)"])
                        break
                    }
                    // The server held the request up to the poll interval (a long poll); a server
                    // that answers at once is asked again after the rest of the interval.
                    let interval = min(answer.retryAfter ?? configuration.pollInterval, configuration.pollInterval)
                    let wait = interval - Date().timeIntervalSince(asked)
                    if wait > 0 { try? await Task.sleep(nanoseconds: UInt64(wait * 1e9)) }
                } else {
                    idleSince = Date()
                }
                if !running.isEmpty { idleSince = Date() }
            } catch {
                // An unreachable server is no work either: --idle-exit ends a pilot that cannot get any.
                if running.isEmpty, let idle = configuration.idleExit, Date().timeIntervalSince(idleSince) > idle {
                    logger.error("no answer from the server; giving up", metadata: ["error": "\(error)"])
                    summary.serverUnreachable = true
                    break
                }
                logger.warning("acquire failed; retrying", metadata: ["error": "\(error)"])
                try? await Task.sleep(nanoseconds: UInt64(backoff * 1e9))
                backoff = min(backoff * 2, 5)
            }
        }
        while !running.isEmpty {
            if shouldAbandon { abandonFlag.withLockedValue { $0 = true } }
            try? await Task.sleep(nanoseconds: 20_000_000)
        }
        return summary
    }

    func acquire(slots: Int) async throws -> AcquireResponse {
        try await client.call(.POST, "/v1/pilots/acquire", body: acquireRequest(slots: slots), as: AcquireResponse.self)
    }

    /// What the pilot offers: its name, slots, resources and remaining wall time.
    func acquireRequest(slots: Int) -> AcquireRequest {
        let resources = PilotResources(
            cores: configuration.cores,
            memoryGB: configuration.memoryGB,
            gpus: configuration.gpus,
            site: configuration.site,
            queue: configuration.queue,
            remainingSeconds: configuration.wallTimeEnd.map { $0 - Date().timeIntervalSince1970 }
        )
        return AcquireRequest(
            pilot: configuration.name,
            slots: slots,
            resources: resources,
            studies: configuration.studies,
            wait: min(configuration.pollInterval, 20)
        )
    }

    func launch(_ job: PilotJob) {
        // A job handed out again (its first answer was lost) may already run here.
        guard running[job.job] == nil else { return }
        started += 1
        logger.info(
            "job started",
            metadata: ["job": "\(job.job)", "study": "\(job.studyName)", "trial": "\(job.trial)"]
        )
        running[job.job] = Task { await self.execute(job) }
    }

    func finished(_ job: Int64, _ outcome: JobOutcome) {
        running[job] = nil
        switch outcome {
        case .completed: summary.completed += 1
        case .failed: summary.failed += 1
        case .abandoned: summary.abandoned += 1
        }
    }

    enum JobOutcome { case completed, failed, abandoned }

    private func execute(_ job: PilotJob) async {
        let control = JobControl()
        let reporter = self.reporter
        let pilot = configuration.name
        let logger = self.logger
        let path = "/v1/jobs/\(job.job)"

        // Heartbeats until the job ends, the first at once (it marks the job started on the server);
        // a `kill` reply stops the evaluation.
        let heartbeat = Task {
            var first = true
            while !Task.isCancelled {
                if !first { try? await Task.sleep(nanoseconds: UInt64(job.heartbeatSeconds * 1e9)) }
                first = false
                if Task.isCancelled { break }
                do {
                    let answer = try await reporter.call(
                        .POST,
                        "\(path)/heartbeat",
                        body: PilotRequest(pilot: pilot),
                        as: HeartbeatResponse.self
                    )
                    if answer.command == .kill {
                        logger.notice(
                            "server asked to kill",
                            metadata: ["job": "\(job.job)", "reason": "\(answer.reason ?? "")"]
                        )
                        control.kill()
                        break
                    }
                } catch let error as ServiceClientError where error.status < 500 {
                    control.kill()
                    break
                } catch {
                    logger.warning("heartbeat failed", metadata: ["job": "\(job.job)", "error": "\(error)"])
                }
            }
        }
        // Ships log lines twice a second.
        let shipper = Task {
            while !Task.isCancelled {
                try? await Task.sleep(nanoseconds: 500_000_000)
                await Self.ship(control, to: reporter, path: path, pilot: pilot)
            }
        }

        let (result, resumed) = await evaluate(job, control: control)
        heartbeat.cancel()
        shipper.cancel()
        await Self.ship(control, to: reporter, path: path, pilot: pilot, flush: true)

        if control.killed {
            finished(job.job, .abandoned)
            return
        }
        // Stopping (SIGTERM from the batch system, which signals the evaluation too): hand the job back
        // rather than count a failure against the trial.
        if case .failure = result, control.stopRequested || stopping {
            _ = try? await reporter.call(
                .POST,
                "\(path)/release",
                body: PilotRequest(pilot: pilot),
                as: TellResponse.self
            )
            finished(job.job, .abandoned)
            return
        }
        var outputs: [String: Double]? = nil
        var failure: FailurePayload? = nil
        var outcome = JobOutcome.completed
        var stepOutput: JSONValue? = nil
        switch result {
        case .step(let output):
            stepOutput = output
            if let missing = job.objectives.first(where: { output?.numbers[$0] == nil }) {
                failure = FailurePayload(message: "output '\(missing)' missing from the step's JSON")
                outcome = .failed
            }
        case .success(let values):
            // The server turns outputs that lack an objective or a constrained output into a failure.
            outputs = values
        case .failure(let message, let exitCode, let stderrTail):
            failure = FailurePayload(message: message, exitCode: exitCode, stderrTail: stderrTail)
            outcome = .failed
        }
        if failure != nil { stepOutput = nil }
        // Ask for the next job in the same request while there is room for it.
        let wantsNext = !stopping && configuration.maxJobs.map { started < $0 } ?? true
        var next: CompleteRequest.NextJobs? = nil
        if wantsNext {
            let offer = acquireRequest(slots: 1)
            next = CompleteRequest.NextJobs(slots: offer.slots, resources: offer.resources, studies: offer.studies)
        }
        var report = CompleteRequest(pilot: pilot, outputs: outputs, failure: failure, acquire: next)
        if job.step != nil {
            report.output = stepOutput
            report.resumed = resumed
        }
        // Report until the server answers (it may be restarting); a 4xx is final.
        var delay = 0.2
        for _ in 0..<60 {
            do {
                let answer = try await reporter.call(
                    .POST,
                    "\(path)/complete",
                    body: report,
                    as: CompleteResponse.self
                )
                // The server may have judged the outputs a failure (an output the study needs is missing).
                if job.step == nil && outcome == .completed && answer.state != .completed { outcome = .failed }
                if !stopping { for next in answer.jobs ?? [] { launch(next) } }
                break
            } catch let error as ServiceClientError where error.status < 500 {
                logger.warning("result refused", metadata: ["job": "\(job.job)", "error": "\(error)"])
                outcome = .abandoned
                break
            } catch {
                logger.warning("reporting failed; retrying", metadata: ["job": "\(job.job)", "error": "\(error)"])
                try? await Task.sleep(nanoseconds: UInt64(delay * 1e9))
                delay = min(delay * 2, 5)
            }
        }
        logger.info("job finished", metadata: ["job": "\(job.job)", "outcome": "\(outcome)"])
        finished(job.job, outcome)
    }

    /// What a job produced: a plain evaluator's result, or a workflow step's output.
    enum JobResult {
        case success([String: Double])
        case step(JSONValue?)
        case failure(message: String, exitCode: Int32?, stderrTail: String?)
    }

    /// Runs the job's evaluator on a thread of its own; also says whether a step resumed.
    private func evaluate(_ job: PilotJob, control: JobControl) async -> (JobResult, Bool) {
        let abandon: @Sendable () -> Bool = { [weak self] in
            guard let self else { return true }
            return self.abandonFlag.withLockedValue { $0 }
        }
        let observer = CommandEvaluator.Observer(
            onOutput: { stream, chunk in control.append(stream: LogStream(rawValue: stream) ?? .stdout, chunk) },
            shouldStop: {
                if abandon() { control.requestStop() }
                return control.killed || control.stopRequested
            }
        )
        if let step = job.workflowJob, let command = job.command {
            let stepCommand = StepCommand(
                command: command,
                prefix: job.prefix,
                environment: (job.environment ?? [:]).merging(
                    ["PARETOPILOT_JOB": String(job.job), "PARETOPILOT_STUDY": job.studyName]
                ) { $1 },
                timeout: job.timeout ?? StudyDefaults.timeout,
                trial: job.trial,
                parameters: job.parameters,
                job: step,
                element: job.element,
                inputs: job.inputs ?? [:],
                trialDirectory: job.trialDirectory
                    ?? "\(configuration.workDirectory)/\(job.studyName)/trial-\(job.trial)"
            )
            let run = await withCheckedContinuation { continuation in
                Thread.detachNewThread { continuation.resume(returning: stepCommand.run(observer: observer)) }
            }
            switch run.result {
            case .success(let output): return (.step(output), run.resumed)
            case .failure(let message, let exitCode, let stderrTail):
                return (.failure(message: message, exitCode: exitCode, stderrTail: stderrTail), run.resumed)
            }
        }
        let result = await evaluatePlain(job, observer: observer)
        switch result {
        case .success(let outputs): return (.success(outputs), false)
        case .failure(let message, let exitCode, let stderrTail):
            return (.failure(message: message, exitCode: exitCode, stderrTail: stderrTail), false)
        }
    }

    private func evaluatePlain(_ job: PilotJob, observer: CommandEvaluator.Observer) async -> EvaluationResult {
        if let problem = job.problem {
            guard let builtin = try? ProblemRegistry.problem(named: problem) else {
                return .failure(message: "unknown built-in problem '\(problem)'", exitCode: nil, stderrTail: nil)
            }
            return await BuiltinProblemEvaluator(problem: builtin).evaluate(job.parameters, trial: job.trial)
        }
        guard let command = job.command else {
            return .failure(message: "the job names no command", exitCode: nil, stderrTail: nil)
        }
        let evaluator = CommandEvaluator(
            command: command,
            timeout: job.timeout ?? StudyDefaults.timeout,
            workingDirectory: job.workingDirectory,
            environment: (job.environment ?? [:]).merging(
                ["PARETOPILOT_JOB": String(job.job), "PARETOPILOT_STUDY": job.studyName]
            ) { $1 },
            prefix: job.prefix
        )
        return await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(returning: evaluator.run(job.parameters, trial: job.trial, observer: observer))
            }
        }
    }

    /// Set once the drain period after ``stop()`` is over: running jobs are killed and released.
    nonisolated let abandonFlag = NIOLockedValueBox(false)

    static func ship(
        _ control: JobControl,
        to client: ServiceClient,
        path: String,
        pilot: String,
        flush: Bool = false
    )
        async
    {
        let lines = control.takeLines(flush: flush)
        guard !lines.isEmpty else { return }
        let request = LogsRequest(pilot: pilot, lines: lines.map { LogLinePayload(stream: $0.stream, text: $0.text) })
        _ = try? await client.call(.POST, "\(path)/logs", body: request, as: AppendLogsResponse.self)
    }
}

/// State shared between a running evaluation's threads and the pilot: kill and stop flags, and the
/// output split into lines.
final class JobControl: Sendable {
    private struct State {
        var killed = false
        var stopRequested = false
        var partial: [LogStream: Data] = [:]
        var lines: [(stream: LogStream, text: String)] = []
    }

    private let state = NIOLockedValueBox(State())

    var killed: Bool { state.withLockedValue { $0.killed } }
    var stopRequested: Bool { state.withLockedValue { $0.stopRequested } }
    func kill() { state.withLockedValue { $0.killed = true } }
    func requestStop() { state.withLockedValue { $0.stopRequested = true } }

    /// Adds a chunk of output; complete lines become log lines (at most 64 kB each).
    func append(stream: LogStream, _ chunk: Data) {
        state.withLockedValue { state in
            var buffer = state.partial[stream, default: Data()] + chunk
            while let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = buffer[buffer.startIndex..<newline]
                state.lines.append((stream, String(decoding: line.prefix(65_536), as: UTF8.self)))
                buffer = Data(buffer[(newline + 1)...])
            }
            if buffer.count > 65_536 {
                state.lines.append((stream, String(decoding: buffer.prefix(65_536), as: UTF8.self)))
                buffer = Data()
            }
            state.partial[stream] = buffer
        }
    }

    /// The lines gathered since the last call; with `flush`, unterminated last lines too.
    func takeLines(flush: Bool) -> [(stream: LogStream, text: String)] {
        state.withLockedValue { state in
            if flush {
                for (stream, rest) in state.partial where !rest.isEmpty {
                    state.lines.append((stream, String(decoding: rest, as: UTF8.self)))
                }
                state.partial = [:]
            }
            defer { state.lines = [] }
            return state.lines
        }
    }
}

extension Pilot {
    /// Asks the server when this pilot's token expires (older servers do not say: nothing to renew).
    func readTokenLifetime() async {
        guard let identity = try? await client.call(.GET, "/v1/tokens/self", as: TokenIdentity.self),
            let expiresAt = identity.expiresAt
        else { return }
        tokenExpiresAt = expiresAt
        tokenLifetime = max(expiresAt - Date().timeIntervalSince1970, 1)
    }

    /// Exchanges the token for a fresh one once a third of its lifetime is left (and never later
    /// than a minute before it expires), so that a pilot runs for days on short-lived tokens.
    func renewTokenIfDue() async {
        guard let expiresAt = tokenExpiresAt, let lifetime = tokenLifetime else { return }
        let left = expiresAt - Date().timeIntervalSince1970
        guard left < max(lifetime / 3, min(60, lifetime / 2)) else { return }
        do {
            let renewed = try await client.call(.POST, "/v1/tokens/renew", body: RenewRequest(), as: TokenResponse.self)
            client.replaceToken(renewed.token)
            reporter.replaceToken(renewed.token)
            tokenExpiresAt = renewed.expiresAt
            if let next = renewed.expiresAt { tokenLifetime = max(next - Date().timeIntervalSince1970, 1) }
            logger.info("token renewed", metadata: ["expires_at": "\(renewed.expiresAt ?? 0)"])
        } catch {
            logger.warning("renewing the token failed; retrying", metadata: ["error": "\(error)"])
        }
    }
}
