import BayesianOptimization
import Engine
import Foundation
import Logging
import Store
import Studies
import StudyModel
import Wire

/// Who is calling: the role and scope of the bearer token presented.
public struct Caller: Sendable, Equatable {
    /// The role of a local token; for an OIDC caller, the highest role its grants give.
    public var role: TokenRole
    /// The study a client token is bound to.
    public var study: Int64?
    public var name: String
    /// When the caller's token expires (Unix seconds), and the lifetime it was given.
    public var expiresAt: Double? = nil
    public var lifetime: Double? = nil
    /// For an OIDC caller: the roles its groups give on study-name patterns. `nil` for a local
    /// token, whose role applies to its bound study or to every study.
    public var grants: [StudyGrant]? = nil

    /// The roles the caller holds anywhere.
    var heldRoles: Set<TokenRole> { grants.map { Set($0.map(\.role)) } ?? [role] }

    /// Whether the caller administers the whole server (an unbound admin token, or an OIDC grant of
    /// `admin` on every study).
    var isServerAdmin: Bool {
        guard study == nil else { return false }
        guard let grants else { return role == .admin }
        return grants.contains { $0.role == .admin && $0.pattern == "*" }
    }

    /// Whether the caller reaches every study (no binding, no collaboration).
    var seesEveryStudy: Bool { study == nil && (grants == nil || isServerAdmin) }

    /// The highest of some roles (admin, then client, viewer, pilot).
    static func highest(_ roles: [TokenRole]) -> TokenRole {
        for role in [TokenRole.admin, .client, .viewer, .pilot] where roles.contains(role) { return role }
        return .viewer
    }
}

/// The service's side of the engine: authenticates callers, checks their access, maps wire
/// messages to ``StudyEngine`` calls and back, keeps candidates queued for pilots, and serialises
/// every request through this actor (the engine and its one SQLite connection are not thread-safe).
///
/// Candidates are computed off the actor (a detached task per study, at most one at a time), with
/// every unfinished design as a pending point, whenever a study's queue falls below its
/// `min_queued`; requests keep being served while a suggestion is computed.
public actor StudyCoordinator {
    let engine: StudyEngine
    var store: StudyStore { engine.store }
    let logger: Logger
    /// Study ids in round-robin order for acquisitions.
    var rotation: [Int64] = []
    /// Tokens that live in memory only (the dashboard's viewer token), by digest.
    var sessionTokens: [String: TokenRecord] = [:]
    let checkpointer: WALCheckpointer
    /// When each pilot's unstarted leases were last looked for (at most every 5 s per pilot).
    var staleLeaseChecks: [String: Double] = [:]
    /// Candidate generations and refits running off the actor: the server waits for them before it
    /// exits, since a process that exits under a running BLAS call crashes in OpenBLAS's cleanup.
    var backgroundWork = 0
    /// Set at shutdown: no new generation starts.
    var stopping = false
    /// What each pilot last offered and when it was last heard from (since the server started).
    var pilotSightings: [String: PilotSighting] = [:]
    /// Pilots' acquisitions held until work is queued, by id (``awaitWork(until:slots:)``).
    var workWaiters: [Int: WorkWaiter] = [:]
    /// Designs that clients' asks waiting for a generation want, by study.
    var waitingAsks: [Int64: Int] = [:]
    var nextWaiterID = 0

    /// Opens (or creates) the database and loads its studies and tokens.
    public init(path: String, logger: Logger) throws {
        let store = try StudyStore(path: path, autoCheckpoint: false)
        engine = try StudyEngine(store: store)
        checkpointer = try WALCheckpointer(path: path)
        self.logger = logger
        for (name, reason) in engine.unreadable {
            logger.warning(
                "skipping study with an unreadable specification",
                metadata: ["study": "\(name)", "reason": "\(reason)"]
            )
        }
        rotation = engine.order
    }

    deinit { checkpointer.stop() }

    /// Tops up the queue of every study (after a restart).
    public func start() {
        for id in rotation { refill(id) }
    }

    // MARK: Tokens

    /// A new viewer token that lives in memory only, until the server stops: the one `serve` and
    /// `dashboard` print in the dashboard's URL. Returns the secret.
    public func sessionViewerToken() -> String {
        let secret = TokenDigest.newSecret()
        let digest = TokenDigest.digest(secret)
        sessionTokens[digest] = TokenRecord(
            id: -1,
            digest: digest,
            role: .viewer,
            study: nil,
            name: "dashboard",
            revoked: false
        )
        return secret
    }

    /// Makes sure an admin token exists: the one in `environmentSecret` if given (stored if new),
    /// else a new one when there is none. Returns a newly generated secret, to be shown once.
    public func bootstrapAdminToken(environmentSecret: String?) throws -> String? {
        if let secret = environmentSecret, !secret.isEmpty {
            let digest = TokenDigest.digest(secret)
            if try store.token(digest: digest) == nil {
                _ = try store.createToken(digest: digest, role: .admin, study: nil, name: "environment")
            }
            return nil
        }
        if try store.tokens().contains(where: { $0.role == .admin && !$0.revoked }) { return nil }
        let secret = TokenDigest.newSecret()
        _ = try store.createToken(digest: TokenDigest.digest(secret), role: .admin, study: nil, name: "first-admin")
        return secret
    }

    /// The caller a bearer token identifies.
    func authenticate(_ secret: String?) throws(ServiceError) -> Caller {
        guard let secret, !secret.isEmpty else {
            throw ServiceError(.unauthorized, "a bearer token is required (Authorization: Bearer TOKEN)")
        }
        let digest = TokenDigest.digest(secret)
        // Stored tokens are read at every request (one indexed lookup), so that revoking one ends
        // its access at once; the dashboard's session tokens live in memory only.
        let record: TokenRecord
        if let session = sessionTokens[digest] {
            record = session
        } else {
            guard let stored = try? store.token(digest: digest) else {
                throw ServiceError(.unauthorized, "the token is not valid")
            }
            record = stored
        }
        if record.revoked { throw ServiceError(.unauthorized, "the token '\(record.name)' was revoked") }
        if let expiry = record.expiresAt, expiry <= Date().timeIntervalSince1970 {
            let when = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: expiry))
            throw ServiceError(
                .unauthorized,
                "the token '\(record.name)' expired at \(when); renew tokens before they expire"
            )
        }
        return Caller(
            role: record.role,
            study: record.study,
            name: record.name,
            expiresAt: record.expiresAt,
            lifetime: record.lifetime
        )
    }

    /// What the audit records.
    enum AuditAction: String {
        case createStudy = "study.create"
        case addTrial = "trial.add"
        case tell = "trial.tell"
        case tellFailure = "trial.tell_failure"
        case createToken = "token.create"
        case renewToken = "token.renew"
    }

    /// Records who did what from where. Pilots' results are not repeated here: every attempt
    /// already keeps its pilot, start and end. A failed write is logged, never fails the request.
    func audit(_ caller: Caller, _ action: AuditAction, study: String?, target: String?, address: String?) {
        do {
            try store.appendAudit(
                actor: caller.name,
                role: caller.role,
                action: action.rawValue,
                study: study,
                target: target,
                address: address
            )
        } catch {
            logger.error("writing an audit record failed", metadata: ["error": "\(error)"])
        }
    }

    /// Audit records after `after` (admins only), of one study (by name) when given.
    func auditRecords(_ caller: Caller, after: Int64, limit: Int, study: String?) throws -> AuditResponse {
        try require(caller, .admin)
        let name = try study.map { try resolve($0).name }
        let records = try store.audit(after: after, limit: limit, study: name)
        return AuditResponse(records: records, nextAfter: records.last?.id ?? after)
    }

    /// The caller's token: role, study, name and expiry.
    func identity(_ caller: Caller) -> TokenIdentity {
        TokenIdentity(role: caller.role, study: caller.study, name: caller.name, expiresAt: caller.expiresAt)
    }

    /// A fresh token for a valid one: same role, study and name, and the lifetime the old one was
    /// given (or `expiresIn` when shorter). The old token stays valid until its own expiry, so a
    /// renewal whose answer is lost costs nothing; revoke it to end it sooner.
    func renewToken(_ caller: Caller, expiresIn: Double?) throws -> TokenResponse {
        if let expiresIn, !(expiresIn > 0 && expiresIn.isFinite) {
            throw ServiceError(.invalidValue, "expires_in must be a positive number of seconds", field: "expires_in")
        }
        guard caller.grants == nil else {
            throw ServiceError(.forbidden, "an OIDC token is renewed by its identity provider, not here")
        }
        guard caller.name != "dashboard" || caller.lifetime != nil else {
            throw ServiceError(
                .forbidden,
                "the dashboard's session token is not renewed; it lasts until the server stops"
            )
        }
        let lifetime = [caller.lifetime, expiresIn].compactMap { $0 }.min()
        let secret = TokenDigest.newSecret()
        let record = try store.createToken(
            digest: TokenDigest.digest(secret),
            role: caller.role,
            study: caller.study,
            name: caller.name,
            lifetime: lifetime
        )
        return TokenResponse(
            id: record.id,
            token: secret,
            role: record.role,
            study: record.study,
            name: record.name,
            expiresAt: record.expiresAt
        )
    }

    /// Creates a token (admins only). The secret is returned once and stored as its digest.
    func createToken(_ caller: Caller, _ request: TokenRequest) throws -> TokenResponse {
        try require(caller, .admin)
        let role = request.role
        var study: Int64? = nil
        if let key = request.study {
            guard role == .client || role == .viewer else {
                throw ServiceError(.invalidValue, "only client and viewer tokens are bound to a study", field: "study")
            }
            study = try engine.runtime(key).id
        }
        if let seconds = request.expiresIn, !(seconds > 0 && seconds.isFinite) {
            throw ServiceError(.invalidValue, "expires_in must be a positive number of seconds", field: "expires_in")
        }
        let secret = TokenDigest.newSecret()
        let count = try store.tokens().count
        let name = request.name ?? "\(role.rawValue)-\(count + 1)"
        let record = try store.createToken(
            digest: TokenDigest.digest(secret),
            role: role,
            study: study,
            name: name,
            lifetime: request.expiresIn
        )
        return TokenResponse(
            id: record.id,
            token: secret,
            role: role,
            study: study,
            name: name,
            expiresAt: record.expiresAt
        )
    }

    /// Checks that the caller holds one of `roles` somewhere (admins pass); `.admin` alone means an
    /// administrator of the whole server, not of one collaboration's studies.
    func require(_ caller: Caller, _ roles: TokenRole...) throws(ServiceError) {
        if roles == [.admin] {
            guard caller.isServerAdmin else {
                throw ServiceError(.forbidden, "only the server's administrators may do this")
            }
            return
        }
        guard caller.heldRoles.contains(where: { $0 == .admin || roles.contains($0) }) else {
            throw ServiceError(.forbidden, "a \(caller.role.rawValue) token may not do this")
        }
    }

    /// The roles the caller holds on one study: its token's, unless bound to another study; for an
    /// OIDC caller, those of the grants whose patterns match the study's name.
    func roles(_ caller: Caller, on study: Int64) -> Set<TokenRole> {
        if let bound = caller.study, bound != study { return [] }
        guard let grants = caller.grants else { return [caller.role] }
        guard let name = engine.runtimes[study]?.name else { return [] }
        return Set(grants.filter { $0.matches(name) }.map(\.role))
    }

    /// Checks that the caller holds one of `roles` (or admin) on `study`.
    func requireRole(_ caller: Caller, on study: Int64, _ roles: Set<TokenRole>, doing: String) throws(ServiceError) {
        let held = self.roles(caller, on: study)
        guard held.contains(.admin) || !held.isDisjoint(with: roles) else {
            if let bound = caller.study, bound != study {
                throw ServiceError(.forbidden, "this token is bound to another study")
            }
            if caller.grants != nil {
                let name = engine.runtimes[study]?.name ?? "\(study)"
                throw ServiceError(.forbidden, "your groups do not let you \(doing) study '\(name)'")
            }
            throw ServiceError(.forbidden, "a \(caller.role.rawValue) token may not do this")
        }
    }

    /// Checks that a client may read or write `study`.
    func requireStudyAccess(_ caller: Caller, _ study: Int64) throws(ServiceError) {
        try requireRole(caller, on: study, [.client], doing: "change")
    }

    /// Checks that a client or viewer may read `study`.
    func requireReadAccess(_ caller: Caller, _ study: Int64) throws(ServiceError) {
        try requireRole(caller, on: study, [.client, .viewer], doing: "read")
    }

    /// Whether a pilot may run the jobs of `study`.
    func mayRunJobs(_ caller: Caller, _ study: Int64) -> Bool {
        let held = roles(caller, on: study)
        return held.contains(.admin) || held.contains(.pilot)
    }

    // MARK: Studies

    func resolve(_ key: String) throws(EngineError) -> StudyRuntime { try engine.runtime(key) }

    /// Creates a study from its specification (resolved: a built-in problem brings its parameters).
    func createStudy(_ caller: Caller, _ specification: StudySpecification) throws -> StudySummary {
        try require(caller, .client)
        guard caller.study == nil else {
            throw ServiceError(.forbidden, "a token bound to one study may not create studies")
        }
        if let grants = caller.grants,
            !grants.contains(where: { ($0.role == .admin || $0.role == .client) && $0.matches(specification.name) })
        {
            throw ServiceError(
                .forbidden,
                "your groups do not let you create a study named '\(specification.name)'",
                field: "name"
            )
        }
        let runtime = try engine.createStudy(try specification.resolved())
        rotation.append(runtime.id)
        logger.info("study created", metadata: ["study": "\(runtime.name)", "id": "\(runtime.id)"])
        refill(runtime.id)
        return try summary(runtime, includeSpecification: true)
    }

    func studies(_ caller: Caller) throws -> [StudySummary] {
        try require(caller, .client, .viewer)
        return try rotation.sorted().filter { id in
            let held = roles(caller, on: id)
            return held.contains(.admin) || held.contains(.client) || held.contains(.viewer)
        }.compactMap {
            guard let runtime = engine.runtimes[$0] else { return nil }
            return try summary(runtime, includeSpecification: false)
        }
    }

    func study(_ caller: Caller, _ key: String) throws -> StudySummary {
        let runtime = try resolve(key)
        try requireReadAccess(caller, runtime.id)
        return try summary(runtime, includeSpecification: true)
    }

    func summary(_ runtime: StudyRuntime, includeSpecification: Bool) throws -> StudySummary {
        let counts = try store.trialStateCounts(study: runtime.id)
        var summary = StudySummary(
            id: runtime.id,
            name: runtime.name,
            trials: runtime.trialCount,
            pending: counts[.pending, default: 0],
            running: counts[.running, default: 0],
            completed: counts[.completed, default: 0],
            failed: counts[.failed, default: 0],
            budget: runtime.budget,
            hypervolume: runtime.hypervolume,
            stopped: runtime.stopReason,
            specification: includeSpecification ? runtime.specification : nil
        )
        summary.infeasible = counts[.infeasible, default: 0]
        return summary
    }

    // MARK: Candidates

    /// Starts generating candidates for a pilot-served study whose queue is below its minimum.
    func refill(_ id: Int64) {
        guard !stopping, let count = try? engine.wantedCandidates(id, waiting: waitingSlots), count > 0,
            let runtime = engine.runtimes[id]
        else { return }
        runtime.generating = true
        backgroundWork += 1
        Task {
            await self.generate(id, count: count)
            await self.finishedBackgroundWork()
        }
    }

    func finishedBackgroundWork() { backgroundWork -= 1 }

    /// Starts no more background work and waits until none runs (at shutdown).
    public func drain() async {
        stopping = true
        wakeWaiters()
        while backgroundWork > 0 { try? await Task.sleep(nanoseconds: 10_000_000) }
    }

    private func generate(_ id: Int64, count: Int) async {
        do {
            // Pilots wait for these too: once a fit exists, refits run beside the generations.
            let created = try await suggestAndStore(id, count: count, mayRefit: false)
            refitInBackground(id)
            logger.debug("candidates queued", metadata: ["study": "\(id)", "count": "\(created.count)"])
        } catch {
            logger.error("generating candidates failed", metadata: ["study": "\(id)", "error": "\(error)"])
        }
        engine.runtimes[id]?.generating = false
        // The next generation is sized while the pilots that waited for this one still count as
        // demand (the queue now holds what was just made); then they are woken to lease it.
        refill(id)
        wakeWaiters()
    }

    /// Computes `count` designs off the actor (the open designs as pending points) and stores them as
    /// pending trials. The caller has set `generating`.
    func suggestAndStore(_ id: Int64, count: Int, mayRefit: Bool = true) async throws -> [TrialRecord] {
        let request = try engine.candidateRequest(id, count: count, mayRefit: mayRefit)
        let started = Date()
        let result = await ModelThreads.run(study: id) { request.compute() }
        let seconds = Date().timeIntervalSince(started)
        engine.runtimes[id]?.noteGeneration(seconds: seconds)
        logger.debug(
            "candidates computed",
            metadata: [
                "study": "\(id)", "count": "\(result.designs.count)", "seconds": "\(seconds)",
                "observations": "\(request.observationCount)", "waiting_slots": "\(waitingSlots)",
            ]
        )
        if let cause = result.fallbackCause {
            logger.warning(
                "model-based suggestion failed; using quasi-random designs",
                metadata: ["study": "\(id)", "error": "\(cause)"]
            )
        }
        return try engine.storeCandidates(result)
    }

    /// Fits the hyperparameters of a study's global model off the actor when they are due and no
    /// fit runs already; the next suggestion uses them.
    func refitInBackground(_ id: Int64) {
        guard !stopping, let runtime = engine.runtimes[id], !runtime.refitting,
            runtime.optimizer.keepsGlobalModels,
            runtime.observations.count >= runtime.optimizer.initialDesignCount,
            CandidateRequest.refitDue(cached: runtime.hyperparameters?.observations, now: runtime.observations.count),
            let request = try? engine.candidateRequest(id, count: 0)
        else { return }
        runtime.refitting = true
        backgroundWork += 1
        Task {
            let fitted = await ModelThreads.run(study: id) { request.refit() }
            await self.storeRefit(id, fitted)
        }
    }

    func storeRefit(_ id: Int64, _ fitted: (values: [OutputHyperparameters], observations: Int)?) {
        if let fitted { engine.storeHyperparameters(id, fitted.values, observations: fitted.observations) }
        engine.runtimes[id]?.refitting = false
        backgroundWork -= 1
    }

    // MARK: Ask and tell

    /// Hands `count` candidates to a client: queued ones first, then new ones.
    func ask(_ caller: Caller, _ key: String, count: Int) async throws -> AskResponse {
        let runtime = try resolve(key)
        try requireStudyAccess(caller, runtime.id)
        guard (1...StudyDefaults.maxAskCount).contains(count) else {
            throw ServiceError(
                .invalidValue,
                "count must be between 1 and \(StudyDefaults.maxAskCount)",
                field: "count"
            )
        }
        let id = runtime.id
        waitingAsks[id, default: 0] += count
        while runtime.generating { try await Task.sleep(nanoseconds: 2_000_000) }
        waitingAsks[id, default: 0] -= count
        runtime.generating = true
        defer { runtime.generating = false }
        var trials = try store.queuedTrials(study: id, limit: count).map(\.id)
        if trials.count < count {
            // The client waits: condition on the data under the last fit's hyperparameters, and
            // refit them in the background if they are due. The asks waiting behind this one get
            // their designs from the same batch (queued for them): a batch costs little more than
            // one design, and asks answered one generation at a time would queue behind each other.
            let wanted = count - trials.count + (waitingAsks[id] ?? 0)
            let created = try await suggestAndStore(
                id,
                count: min(wanted, max(runtime.roomForNewTrials, 1)),
                mayRefit: false
            )
            trials += created.prefix(count - trials.count).map(\.id)
            refitInBackground(id)
        }
        var payloads: [TrialPayload] = []
        for trial in trials {
            let attempt = try store.startAttempt(trial: trial, worker: "client:\(caller.name)")
            let record = try store.attemptRecord(attempt)
            payloads.append(payload(record, runtime: runtime))
        }
        return AskResponse(trials: payloads)
    }

    /// Adds a trial with given parameter values.
    func attach(_ caller: Caller, _ key: String, _ request: AttachRequest) throws -> TrialPayload {
        let runtime = try resolve(key)
        try requireStudyAccess(caller, runtime.id)
        let design = try runtime.specification.encode(request.parameters)
        guard let trial = try engine.attach(runtime, designs: [design]).first else {
            throw ServiceError(.internalError, "the trial was not created")
        }
        if runtime.servedByPilots { wakeWaiters() }
        return TrialPayload(
            trial: trial.number,
            state: trial.state,
            parameters: runtime.specification.decode(design),
            outputs: nil,
            attempts: 0,
            error: nil,
            job: nil
        )
    }

    /// Records a client's result for a trial. Telling the same thing twice is a no-op; telling
    /// something else for a finished attempt is a conflict.
    func tell(_ caller: Caller, _ key: String, trial number: Int, _ request: TellRequest) throws -> TellResponse {
        let runtime = try resolve(key)
        try requireStudyAccess(caller, runtime.id)
        let outcome = try Self.outcome(values: request.values, failure: request.failure, field: "values")
        let trial = try store.trialID(study: runtime.id, number: number)
        let attempts = try store.attempts(trial: trial)
        var attempt: AttemptRecord
        if let job = request.job {
            guard let chosen = attempts.first(where: { $0.id == job }) else {
                throw ServiceError(.notFound, "job \(job) is not an attempt of trial \(number)", field: "job")
            }
            attempt = chosen
        } else if let open = attempts.last(where: { $0.state.isOpen }) {
            attempt = open
        } else if let last = attempts.last, attempts.allSatisfy({ !$0.state.isOpen }),
            try store.trialStateOf(trial) != .running
        {
            attempt = last
        } else {
            // Queued, or waiting for a retry: the client evaluated it itself.
            attempt = try store.attemptRecord(store.startAttempt(trial: trial, worker: "client:\(caller.name)"))
        }
        let recorded = try record(outcome, for: attempt, retry: false)
        // A client's next ask then finds hyperparameters fitted to (nearly) all its data.
        if recorded.changed { refitInBackground(runtime.id) }
        return TellResponse(trial: number, state: try store.trialStateOf(trial), recorded: recorded.changed)
    }

    /// The engine's outcome of a wire message: exactly one of outputs and failure.
    static func outcome(
        values: [String: Double]?,
        failure: FailurePayload?,
        field: String
    ) throws(ServiceError)
        -> EvaluationOutcome
    {
        switch (values, failure) {
        case (let values?, nil):
            if let bad = values.first(where: { !$0.value.isFinite }) {
                throw ServiceError(.invalidValue, "\(field).\(bad.key) is not finite", field: "\(field).\(bad.key)")
            }
            return .success(values)
        case (nil, let failure?):
            return .failure(
                EvaluationFailure(message: failure.message, exitCode: failure.exitCode, stderrTail: failure.stderrTail)
            )
        default:
            throw ServiceError(.badRequest, "give exactly one of '\(field)' and 'failure'", field: field)
        }
    }

    /// Applies an outcome through the engine and tops up the study's queue.
    func record(_ outcome: EvaluationOutcome, for attempt: AttemptRecord, retry: Bool) throws -> RecordedOutcome {
        let wasStopped = engine.runtimes[attempt.studyID]?.stopReason != nil
        let recorded = try engine.record(outcome, for: attempt, retry: retry)
        guard recorded.changed else { return recorded }
        refill(attempt.studyID)
        // A retry or a workflow's next steps may have been queued, or the study has no work left
        // (held acquisitions then answer at once); a plain result of a study with work left queues nothing.
        let plainResult = attempt.stepID == nil && outcome.isSuccess
        if !plainResult || !(engine.runtimes[attempt.studyID]?.hasWorkLeft ?? false) { wakeWaiters() }
        if !wasStopped, let runtime = engine.runtimes[attempt.studyID], let reason = runtime.stopReason {
            logger.error("study stopped", metadata: ["study": "\(runtime.name)", "reason": "\(reason)"])
        }
        return recorded
    }

    func payload(_ attempt: AttemptRecord, runtime: StudyRuntime) -> TrialPayload {
        TrialPayload(
            trial: attempt.trialNumber,
            state: attempt.state == .completed ? .completed : .running,
            parameters: runtime.specification.decode(attempt.parameters),
            outputs: attempt.outputs,
            attempts: attempt.number,
            error: attempt.error,
            job: attempt.state.isOpen ? attempt.id : nil
        )
    }

    func payload(_ trial: TrialRecord, runtime: StudyRuntime, job: Int64?) -> TrialPayload {
        TrialPayload(
            trial: trial.number,
            state: trial.state,
            parameters: runtime.specification.decode(trial.parameters),
            outputs: trial.outputs,
            attempts: trial.attempts,
            error: trial.state == .completed ? nil : trial.lastError,
            job: job
        )
    }

    // MARK: Reading

    func trials(_ caller: Caller, _ key: String) throws -> [TrialPayload] {
        let runtime = try resolve(key)
        try requireReadAccess(caller, runtime.id)
        let open = try store.openAttempts(study: runtime.id)
        let summaries = try store.attemptSummaries(study: runtime.id)
        let report = StudyReport(specification: runtime.specification, trials: try store.trials(study: runtime.id))
        let front = Set(report.paretoTrials)
        let steps = runtime.workflow != nil ? try store.steps(study: runtime.id) : [:]
        return report.trials.map { trial in
            var payload = payload(trial, runtime: runtime, job: open[trial.id])
            let summary = summaries[trial.id]
            payload.jobs = summary?.jobs ?? []
            payload.pilot = summary?.worker
            payload.duration = trial.state == .completed ? summary?.duration : nil
            payload.stderrTail = trial.state == .completed ? nil : summary?.stderrTail
            if trial.state == .completed {
                payload.feasible = report.isFeasible(trial)
                payload.pareto = front.contains(trial.number)
            }
            if runtime.workflow != nil {
                var counts: [String: Int] = [:]
                for step in steps[trial.id] ?? [] { counts[step.state.rawValue, default: 0] += 1 }
                payload.stepCounts = counts
            }
            return payload
        }
    }

    /// One trial with its attempts and, for a workflow study, every step with its attempts.
    func trial(_ caller: Caller, _ key: String, number: Int) throws -> TrialPayload {
        let runtime = try resolve(key)
        try requireReadAccess(caller, runtime.id)
        let id = try store.trialID(study: runtime.id, number: number)
        guard let trial = try store.trials(ids: [id]).first else { throw ServiceError(.notFound, "no trial \(number)") }
        let attempts = try store.attempts(trial: id)
        var payload = payload(trial, runtime: runtime, job: attempts.last(where: { $0.state.isOpen })?.id)
        payload.jobs = attempts.map(\.id)
        payload.pilot = attempts.last(where: { $0.worker != nil })?.worker
        payload.stderrTail = trial.state == .completed ? nil : attempts.last(where: { $0.state == .failed })?.stderrTail
        if trial.state == .completed { payload.duration = attempts.last(where: { $0.state == .completed })?.duration }
        if runtime.workflow != nil {
            var byStep: [Int64: [AttemptRecord]] = [:]
            for attempt in attempts { if let step = attempt.stepID { byStep[step, default: []].append(attempt) } }
            payload.steps = try store.steps(trial: id).map { step in
                StepPayload(
                    step: step.job.step,
                    element: step.job.element,
                    state: step.state.rawValue,
                    output: step.output,
                    attempts: (byStep[step.id] ?? []).map {
                        StepPayload.Attempt(
                            job: $0.id,
                            pilot: $0.worker,
                            state: $0.state.rawValue,
                            resumed: $0.resumed,
                            duration: $0.duration,
                            error: $0.error,
                            stderrTail: $0.stderrTail
                        )
                    }
                )
            }
        }
        return payload
    }

    /// Finished trials in the order their results were folded in, after sequence `after`; and whether
    /// the study has no more trials to run.
    func results(_ caller: Caller, _ key: String, after: Int64) throws -> ResultsResponse {
        let runtime = try resolve(key)
        try requireReadAccess(caller, runtime.id)
        let events = try store.results(study: runtime.id, after: after)
        var byID: [Int64: TrialRecord] = [:]
        for trial in try store.trials(ids: events.map(\.trial)) { byID[trial.id] = trial }
        let results = events.compactMap { event in
            byID[event.trial].map {
                ResultEvent(sequence: event.sequence, trial: payload($0, runtime: runtime, job: nil))
            }
        }
        let finishedCount = runtime.completedCount + runtime.failedCount + runtime.infeasibleCount
        let done =
            runtime.stopReason != nil
            || (runtime.specification.generatesDesigns && finishedCount >= runtime.budget && runtime.open.isEmpty)
        return ResultsResponse(
            results: results,
            nextAfter: events.last?.sequence ?? after,
            finished: done && events.count < 1000
        )
    }

    /// The sequence number of the study's latest result: `after=latest` follows only what comes next.
    func latestResultSequence(_ caller: Caller, _ key: String) throws -> Int64 {
        let runtime = try resolve(key)
        try requireReadAccess(caller, runtime.id)
        return try store.latestResultSequence(study: runtime.id)
    }

    func front(_ caller: Caller, _ key: String) throws -> FrontResponse {
        let runtime = try resolve(key)
        try requireReadAccess(caller, runtime.id)
        let report = StudyReport(specification: runtime.specification, trials: try store.trials(study: runtime.id))
        let members = Set(report.paretoTrials)
        let trials = report.trials.filter { members.contains($0.number) }.map {
            var trial = payload($0, runtime: runtime, job: nil)
            trial.error = nil
            return trial
        }
        let reference = report.reference.map { reference in
            zip(reference, runtime.specification.objectives).map { $1.direction.minimized($0) }
        }
        return FrontResponse(
            objectives: runtime.specification.objectives.map(\.name),
            reference: reference,
            hypervolume: report.hypervolumeHistory.last?.hypervolume,
            trials: trials
        )
    }

    func history(_ caller: Caller, _ key: String) throws -> [HistoryPoint] {
        let runtime = try resolve(key)
        try requireReadAccess(caller, runtime.id)
        let report = StudyReport(specification: runtime.specification, trials: try store.trials(study: runtime.id))
        return report.hypervolumeHistory.map { HistoryPoint(trials: $0.trials, hypervolume: $0.hypervolume) }
    }
}
