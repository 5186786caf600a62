import BayesianOptimization
import Foundation
import Logging
import Store
import Studies

/// Who is calling: the role and scope of the bearer token presented.
public struct Caller: Sendable, Equatable {
    public var role: TokenRole
    /// The study a client token is bound to.
    public var study: Int64?
    public var name: String
}

/// The engine behind the service: owns the store (one SQLite connection, so every request is
/// serialised through this actor), the studies' in-memory state, the tokens, the queue of
/// candidates and the leases of pilots.
///
/// Candidates are generated off the actor (a detached task per study, at most one at a time), with
/// every unfinished design as a pending point, whenever a study's queue falls below its
/// `min_queued`; requests keep being served while a suggestion is computed.
public actor StudyCoordinator {
    let store: StudyStore
    let logger: Logger
    var runtimes: [Int64: StudyRuntime] = [:]
    /// Study ids in round-robin order for acquisitions.
    var rotation: [Int64] = []
    var tokens: [String: TokenRecord] = [:]
    let checkpointer: WALCheckpointer
    /// When each pilot's unstarted leases were last looked for (at most every 5 s per pilot).
    var staleLeaseChecks: [String: Double] = [:]

    /// Opens (or creates) the database and loads its studies and tokens.
    public init(path: String, logger: Logger) throws {
        store = try StudyStore(path: path, autoCheckpoint: false)
        checkpointer = try WALCheckpointer(path: path)
        self.logger = logger
        for token in try store.tokens() where !token.revoked { tokens[token.digest] = token }
        for study in try store.studies() {
            guard let specification = try? StudySpecification.decode(json: Data(study.specification.utf8), source: "")
            else {
                logger.warning("skipping study with an unreadable specification", metadata: ["study": "\(study.name)"])
                continue
            }
            runtimes[study.id] = try StudyRuntime(
                id: study.id,
                name: study.name,
                specification: specification,
                store: store
            )
            rotation.append(study.id)
        }
    }

    deinit { checkpointer.stop() }

    /// Tops up the queue of every study (after a restart).
    public func start() {
        for id in rotation { refill(id) }
    }

    // MARK: Tokens

    /// Makes sure an admin token exists: the one in `environmentSecret` if given (stored if new),
    /// else a new one when there is none. Returns a newly generated secret, to be shown once.
    public func bootstrapAdminToken(environmentSecret: String?) throws -> String? {
        if let secret = environmentSecret, !secret.isEmpty {
            let digest = TokenDigest.digest(secret)
            if tokens[digest] == nil {
                tokens[digest] = try store.createToken(digest: digest, role: .admin, study: nil, name: "environment")
            }
            return nil
        }
        if tokens.values.contains(where: { $0.role == .admin }) { return nil }
        let secret = TokenDigest.newSecret()
        let digest = TokenDigest.digest(secret)
        tokens[digest] = try store.createToken(digest: digest, role: .admin, study: nil, name: "first-admin")
        return secret
    }

    /// The caller a bearer token identifies.
    func authenticate(_ secret: String?) throws(ServiceError) -> Caller {
        guard let secret, !secret.isEmpty else {
            throw ServiceError(.unauthorized, "a bearer token is required (Authorization: Bearer TOKEN)")
        }
        let digest = TokenDigest.digest(secret)
        if tokens[digest] == nil, let stored = try? store.token(digest: digest), !stored.revoked {
            tokens[digest] = stored  // created by `paretopilot token create` while the server runs
        }
        guard let record = tokens[digest] else {
            throw ServiceError(.unauthorized, "the token is not valid")
        }
        return Caller(role: record.role, study: record.study, name: record.name)
    }

    /// Creates a token (admins only). The secret is returned once and stored as its digest.
    func createToken(_ caller: Caller, _ request: TokenRequest) throws -> TokenResponse {
        try require(caller, .admin)
        guard let role = TokenRole(rawValue: request.role) else {
            throw ServiceError(.invalidValue, "role must be admin, client or pilot", field: "role")
        }
        var study: Int64? = nil
        if let key = request.study {
            guard role == .client else {
                throw ServiceError(.invalidValue, "only client tokens are bound to a study", field: "study")
            }
            study = try resolve(key).id
        }
        let secret = TokenDigest.newSecret()
        let digest = TokenDigest.digest(secret)
        let name = request.name ?? "\(role.rawValue)-\(tokens.count + 1)"
        let record = try store.createToken(digest: digest, role: role, study: study, name: name)
        tokens[digest] = record
        return TokenResponse(id: record.id, token: secret, role: role.rawValue, study: study, name: name)
    }

    func require(_ caller: Caller, _ roles: TokenRole...) throws(ServiceError) {
        guard caller.role == .admin || roles.contains(caller.role) else {
            throw ServiceError(.forbidden, "a \(caller.role.rawValue) token may not do this")
        }
    }

    /// Checks that a client may read or write `study`.
    func requireStudyAccess(_ caller: Caller, _ study: Int64) throws(ServiceError) {
        try require(caller, .client)
        if let bound = caller.study, bound != study {
            throw ServiceError(.forbidden, "this token is bound to another study")
        }
    }

    // MARK: Studies

    func resolve(_ key: String) throws(ServiceError) -> StudyRuntime {
        if let id = Int64(key), let runtime = runtimes[id] { return runtime }
        if let runtime = runtimes.values.first(where: { $0.name == key }) { return runtime }
        throw ServiceError(.notFound, "no study '\(key)'", field: "study")
    }

    /// Creates a study from its specification.
    func createStudy(_ caller: Caller, _ specification: StudySpecification) throws -> StudySummary {
        try require(caller, .client)
        guard caller.study == nil else {
            throw ServiceError(.forbidden, "a token bound to one study may not create studies")
        }
        try specification.validate()
        if runtimes.values.contains(where: { $0.name == specification.name }) {
            throw ServiceError(.conflict, "a study named '\(specification.name)' already exists", field: "name")
        }
        _ = try specification.optimizer()
        let id = try store.createStudy(name: specification.name, specification: specification.json)
        runtimes[id] = try StudyRuntime(id: id, name: specification.name, specification: specification, store: store)
        rotation.append(id)
        logger.info("study created", metadata: ["study": "\(specification.name)", "id": "\(id)"])
        refill(id)
        return try summary(id, includeSpecification: true)
    }

    func studies(_ caller: Caller) throws -> [StudySummary] {
        try require(caller, .client)
        return try rotation.sorted().filter { caller.study == nil || caller.study == $0 }.map {
            try summary($0, includeSpecification: false)
        }
    }

    func study(_ caller: Caller, _ key: String) throws -> StudySummary {
        let runtime = try resolve(key)
        try requireStudyAccess(caller, runtime.id)
        return try summary(runtime.id, includeSpecification: true)
    }

    func summary(_ id: Int64, includeSpecification: Bool) throws -> StudySummary {
        let runtime = runtimes[id]!
        let counts = try store.trialStateCounts(study: id)
        return StudySummary(
            id: id,
            name: runtime.name,
            trials: runtime.trialCount,
            pending: counts[.pending, default: 0],
            running: counts[.running, default: 0],
            completed: counts[.completed, default: 0],
            failed: counts[.failed, default: 0],
            budget: runtime.budget,
            hypervolume: runtime.hypervolume,
            specification: includeSpecification ? runtime.specification : nil
        )
    }

    // MARK: Candidates

    /// Starts generating candidates for a pilot-served study whose queue is below its minimum.
    func refill(_ id: Int64) {
        guard let runtime = runtimes[id], runtime.servedByPilots, !runtime.generating,
            runtime.trialCount < runtime.budget, runtime.specification.strategy != StudySpecification.externalStrategy
        else { return }
        let queued = (try? store.queuedCount(study: id, limit: runtime.minQueued)) ?? runtime.minQueued
        let count = min(runtime.minQueued - queued, runtime.budget - runtime.trialCount)
        guard count > 0 else { return }
        runtimes[id]!.generating = true
        Task { await self.generate(id, count: count) }
    }

    private func generate(_ id: Int64, count: Int) async {
        do {
            let created = try await suggestAndStore(id, count: count)
            logger.debug("candidates queued", metadata: ["study": "\(id)", "count": "\(created.count)"])
        } catch {
            logger.error("generating candidates failed", metadata: ["study": "\(id)", "error": "\(error)"])
        }
        runtimes[id]?.generating = false
        refill(id)
    }

    /// Computes `count` designs off the actor (the open designs as pending points) and stores them as
    /// pending trials. The caller has set `generating`. Falls back to quasi-random designs if the model
    /// cannot be fitted, so the queue never runs dry.
    func suggestAndStore(_ id: Int64, count: Int) async throws -> [TrialRecord] {
        guard let runtime = runtimes[id] else { return [] }
        let optimizer = runtime.optimizer
        let observations = runtime.observations
        let pending = Array(runtime.open.values)
        let seed = (runtime.specification.seed ?? 0) &+ UInt64(runtime.trialCount) &* 0x9E37_79B9
        let designs: [[Double]]
        do {
            designs = try await Task.detached(priority: .medium) {
                try optimizer.suggest(count: count, observations: observations, pending: pending, seed: seed)
            }.value
        } catch {
            logger.warning(
                "model-based suggestion failed; using quasi-random designs",
                metadata: ["study": "\(id)", "error": "\(error)"]
            )
            designs = optimizer.sobolDesigns(count: count, skip: runtime.trialCount, seed: seed)
        }
        let created = try store.createTrials(study: id, designs: designs)
        runtimes[id]?.trialCount += created.count
        for trial in created { runtimes[id]?.open[trial.id] = trial.parameters }
        return created
    }

    // MARK: Ask and tell

    /// Hands `count` candidates to a client: queued ones first, then new ones.
    func ask(_ caller: Caller, _ key: String, count: Int) async throws -> AskResponse {
        let runtime = try resolve(key)
        try requireStudyAccess(caller, runtime.id)
        guard (1...1000).contains(count) else {
            throw ServiceError(.invalidValue, "count must be between 1 and 1000", field: "count")
        }
        let id = runtime.id
        while runtimes[id]?.generating == true { try await Task.sleep(nanoseconds: 2_000_000) }
        runtimes[id]!.generating = true
        defer { runtimes[id]?.generating = false }
        var trials = try store.queuedTrials(study: id, limit: count).map(\.id)
        if trials.count < count {
            trials += try await suggestAndStore(id, count: count - trials.count).map(\.id)
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
        guard let trial = try store.createTrials(study: runtime.id, designs: [design]).first else {
            throw ServiceError(.internalError, "the trial was not created")
        }
        runtimes[runtime.id]?.trialCount += 1
        runtimes[runtime.id]?.open[trial.id] = design
        return TrialPayload(
            trial: trial.number,
            state: trial.state.rawValue,
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
        let outcome = try Outcome(values: request.values, failure: request.failure, field: "values")
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
        let recorded = try record(outcome, for: attempt, runtime: runtime, retry: false)
        return TellResponse(trial: number, state: try store.trialStateOf(trial).rawValue, recorded: recorded)
    }

    /// What an evaluation produced.
    enum Outcome {
        case success([String: Double])
        case failure(FailurePayload)

        init(values: [String: Double]?, failure: FailurePayload?, field: String) throws(ServiceError) {
            switch (values, failure) {
            case (let values?, nil):
                if let bad = values.first(where: { !$0.value.isFinite }) {
                    throw ServiceError(.invalidValue, "\(field).\(bad.key) is not finite", field: "\(field).\(bad.key)")
                }
                self = .success(values)
            case (nil, let failure?):
                self = .failure(failure)
            default:
                throw ServiceError(.badRequest, "give exactly one of '\(field)' and 'failure'", field: field)
            }
        }
    }

    /// Applies an outcome to an attempt. Returns whether anything changed.
    func record(_ outcome: Outcome, for attempt: AttemptRecord, runtime: StudyRuntime, retry: Bool) throws -> Bool {
        switch (attempt.state, outcome) {
        case (.leased, .success(let outputs)), (.running, .success(let outputs)):
            for objective in runtime.specification.objectives where outputs[objective.name] == nil {
                throw ServiceError(
                    .invalidValue,
                    "the outputs lack the objective '\(objective.name)'",
                    field: "outputs.\(objective.name)"
                )
            }
            for constraint in runtime.specification.outcomeConstraints where constraint.value(outputs) == nil {
                throw ServiceError(
                    .invalidValue,
                    "the outputs lack '\(constraint.output)', which a constraint needs",
                    field: "outputs.\(constraint.output)"
                )
            }
            let duration = try store.completeAttempt(attempt.id, outputs: outputs)
            runtimes[runtime.id]?.recordCompletion(
                trial: attempt.trialID,
                parameters: attempt.parameters,
                outputs: outputs,
                duration: duration
            )
            refill(runtime.id)
            return true
        case (.leased, .failure(let failure)), (.running, .failure(let failure)):
            let counted = try store.countedAttempts(trial: attempt.trialID)
            let again = retry && counted < runtime.maxAttempts
            try store.failAttempt(
                attempt.id,
                error: failure.message,
                exitCode: failure.exitCode,
                stderrTail: failure.stderrTail,
                retry: again
            )
            try store.logEvent(
                study: runtime.id,
                trial: attempt.trialID,
                kind: again ? "retry" : "trial_failed",
                message: failure.message
            )
            if !again { runtimes[runtime.id]?.open[attempt.trialID] = nil }
            refill(runtime.id)
            return true
        case (.completed, .success(let outputs)):
            guard attempt.outputs == outputs else {
                throw ServiceError(
                    .conflict,
                    "trial \(attempt.trialNumber) already has a result from job \(attempt.id), with other values"
                )
            }
            return false
        case (.failed, .failure(let failure)) where attempt.error == failure.message:
            return false
        case (.completed, .failure):
            throw ServiceError(.conflict, "job \(attempt.id) already completed")
        case (.failed, _):
            throw ServiceError(
                .conflict,
                "job \(attempt.id) is no longer open: \(attempt.error ?? "it failed"); its result was not recorded"
            )
        }
    }

    func payload(_ attempt: AttemptRecord, runtime: StudyRuntime) -> TrialPayload {
        TrialPayload(
            trial: attempt.trialNumber,
            state: attempt.state == .completed ? "completed" : "running",
            parameters: runtime.specification.decode(attempt.parameters),
            outputs: attempt.outputs,
            attempts: attempt.number,
            error: attempt.error,
            job: attempt.state.isOpen ? attempt.id : nil
        )
    }

    // MARK: Reading

    func trials(_ caller: Caller, _ key: String) throws -> [TrialPayload] {
        let runtime = try resolve(key)
        try requireStudyAccess(caller, runtime.id)
        let open = try store.openAttempts(study: runtime.id)
        return try store.trials(study: runtime.id).map { trial in
            TrialPayload(
                trial: trial.number,
                state: trial.state.rawValue,
                parameters: runtime.specification.decode(trial.parameters),
                outputs: trial.outputs,
                attempts: trial.attempts,
                error: trial.state == .completed ? nil : trial.lastError,
                job: open[trial.id]
            )
        }
    }

    func front(_ caller: Caller, _ key: String) throws -> FrontResponse {
        let runtime = try resolve(key)
        try requireStudyAccess(caller, runtime.id)
        let report = StudyReport(specification: runtime.specification, trials: try store.trials(study: runtime.id))
        let members = Set(report.paretoTrials)
        let trials = report.trials.filter { members.contains($0.number) }.map { trial in
            TrialPayload(
                trial: trial.number,
                state: trial.state.rawValue,
                parameters: runtime.specification.decode(trial.parameters),
                outputs: trial.outputs,
                attempts: trial.attempts,
                error: nil,
                job: nil
            )
        }
        let reference = report.reference.map { reference in
            zip(reference, runtime.specification.objectives).map { $1.direction == "maximize" ? -$0 : $0 }
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
        try requireStudyAccess(caller, runtime.id)
        let report = StudyReport(specification: runtime.specification, trials: try store.trials(study: runtime.id))
        return report.hypervolumeHistory.map { HistoryPoint(trials: $0.trials, hypervolume: $0.hypervolume) }
    }
}
