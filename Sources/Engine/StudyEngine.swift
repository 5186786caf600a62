import BayesianOptimization
import Foundation
import Store
import Studies
import StudyModel

/// The one owner of the trial lifecycle, for local runs (`paretopilot optimize`) and for the
/// service's pilots and ask/tell clients alike: creates studies, computes candidates (with the
/// quasi-random fallback), applies every outcome to its attempt (output checks, retries up to
/// `max_attempts`, events, the in-memory observations), reaps expired leases, and stops a study
/// whose evaluations keep failing (``FailurePolicy``).
///
/// Not thread-safe: one driver owns it (the server's actor, or the local runner's task). Candidate
/// computation is handed out as a Sendable ``CandidateRequest`` so the driver can run it elsewhere.
public final class StudyEngine {
    public let store: StudyStore
    public private(set) var runtimes: [Int64: StudyRuntime] = [:]
    /// Study ids in creation order.
    public private(set) var order: [Int64] = []
    /// Studies whose stored specification could not be read: name and reason.
    public private(set) var unreadable: [(name: String, reason: String)] = []

    /// Loads every study of the store.
    public init(store: StudyStore) throws {
        self.store = store
        for study in try store.studies() {
            do {
                let specification = try StudySpecification.decode(
                    json: Data(study.specification.utf8),
                    source: "study '\(study.name)'"
                )
                try add(id: study.id, name: study.name, specification: specification)
            } catch {
                unreadable.append((study.name, "\(error)"))
            }
        }
    }

    private func add(id: Int64, name: String, specification: StudySpecification) throws {
        runtimes[id] = try StudyRuntime(id: id, name: name, specification: specification, store: store)
        order.append(id)
    }

    /// Creates a study from a resolved specification.
    @discardableResult
    public func createStudy(_ specification: StudySpecification) throws -> StudyRuntime {
        if runtimes.values.contains(where: { $0.name == specification.name }) {
            throw EngineError(.conflict, "a study named '\(specification.name)' already exists", field: "name")
        }
        let id = try store.createStudy(name: specification.name, specification: specification.json)
        try add(id: id, name: specification.name, specification: specification)
        return runtimes[id]!
    }

    /// Replaces a study's specification (a resumed study with a new budget, workers or evaluator),
    /// in the store and in memory.
    public func updateSpecification(_ id: Int64, _ specification: StudySpecification) throws {
        guard let old = runtimes[id] else { throw EngineError(.notFound, "no study \(id)", field: "study") }
        try store.updateSpecification(study: id, specification: specification.json)
        runtimes[id] = try StudyRuntime(id: id, name: old.name, specification: specification, store: store)
    }

    /// The study with this id or name.
    public func runtime(_ key: String) throws(EngineError) -> StudyRuntime {
        if let id = Int64(key), let runtime = runtimes[id] { return runtime }
        if let runtime = runtimes.values.first(where: { $0.name == key }) { return runtime }
        throw EngineError(.notFound, "no study '\(key)'", field: "study")
    }

    // MARK: Candidates

    /// How many candidates to generate now to keep the queue at its target (0 when the study is
    /// full, stopped, generating already, or its designs come from its client); `waiting` pilot
    /// slots asking for jobs now count as demand on top of the expected completions.
    public func wantedCandidates(_ id: Int64, waiting: Int = 0) throws -> Int {
        guard let runtime = runtimes[id], runtime.servedByPilots, !runtime.generating, runtime.stopReason == nil,
            runtime.specification.generatesDesigns, runtime.roomForNewTrials > 0
        else { return 0 }
        let target = runtime.queueTarget(waiting: waiting)
        let queued = try store.queuedCount(study: id, limit: target)
        return max(0, min(target - queued, runtime.roomForNewTrials, runtime.generationBatchLimit))
    }

    /// A snapshot to compute `count` designs from, with every open design pending.
    ///
    /// - Parameter mayRefit: Whether the request may fit the model's hyperparameters when they are
    ///   due (``CandidateRequest/refitDue``); a client waiting for its answer passes `false` and
    ///   the caller refits in the background instead.
    public func candidateRequest(_ id: Int64, count: Int, mayRefit: Bool = true) throws(EngineError) -> CandidateRequest
    {
        guard let runtime = runtimes[id] else { throw EngineError(.notFound, "no study \(id)", field: "study") }
        if let reason = runtime.stopReason {
            throw EngineError(.stopped, "study '\(runtime.name)' stopped: \(reason)")
        }
        return CandidateRequest(runtime: runtime, count: count, mayRefit: mayRefit)
    }

    /// Keeps hyperparameters fitted in the background (or by a request) for later suggestions.
    public func storeHyperparameters(_ id: Int64, _ values: [OutputHyperparameters], observations: Int) {
        guard let runtime = runtimes[id] else { return }
        if let current = runtime.hyperparameters, current.observations > observations { return }
        runtime.hyperparameters = (values, observations)
    }

    /// Stores computed designs as pending trials (and the fallback's cause as an event).
    @discardableResult
    public func storeCandidates(_ result: CandidateResult) throws -> [TrialRecord] {
        guard let runtime = runtimes[result.study] else { return [] }
        if let cause = result.fallbackCause {
            try log(
                .modelFallback,
                study: runtime.id,
                "model-based suggestion failed; quasi-random designs instead: \(cause)"
            )
        }
        if let fitted = result.hyperparameters {
            storeHyperparameters(runtime.id, fitted.values, observations: fitted.observations)
        }
        let room = max(0, runtime.budget - runtime.trialCount)
        let designs = runtime.specification.generatesDesigns ? Array(result.designs.prefix(room)) : result.designs
        return try attach(runtime, designs: designs)
    }

    /// Adds trials with given designs (a client's own designs, or computed ones).
    public func attach(_ runtime: StudyRuntime, designs: [[Double]]) throws -> [TrialRecord] {
        let created = try store.createTrials(study: runtime.id, designs: designs, workflow: runtime.workflow)
        runtime.trialCount += created.count
        for trial in created { runtime.open[trial.id] = trial.parameters }
        return created
    }

    // MARK: Outcomes

    /// Applies an outcome to an attempt: the one place where a result is checked and recorded, a
    /// failure retried or final, and the study's counts and failure policy updated.
    ///
    /// - Parameters:
    ///   - retry: Whether a failure may be retried (pilots and local workers: yes, up to
    ///     `max_attempts`; a client telling a failure: no).
    /// - Returns: What changed; `.unchanged` for the same outcome told twice.
    /// - Throws: ``EngineError`` `.invalidValue` for outputs lacking an objective or a constrained
    ///   output, `.conflict` for another outcome of a finished attempt.
    @discardableResult
    public func record(_ outcome: EvaluationOutcome, for attempt: AttemptRecord, retry: Bool) throws -> RecordedOutcome
    {
        guard let runtime = runtimes[attempt.studyID] else {
            throw EngineError(.notFound, "no study \(attempt.studyID)", field: "study")
        }
        if let workflow = runtime.workflow, attempt.stepID != nil {
            return try recordStep(outcome, for: attempt, runtime: runtime, workflow: workflow, retry: retry)
        }
        switch (attempt.state, outcome.plain) {
        case (.leased, .success(let outputs)), (.running, .success(let outputs)):
            if let bad = outputs.first(where: { !$0.value.isFinite }) {
                throw EngineError(.invalidValue, "outputs.\(bad.key) is not finite", field: "outputs.\(bad.key)")
            }
            if let missing = runtime.specification.missingOutput(outputs) {
                throw EngineError(.invalidValue, missing.message, field: "outputs.\(missing.name)")
            }
            let duration = try store.completeAttempt(attempt.id, outputs: outputs)
            runtime.recordCompletion(
                trial: attempt.trialID,
                parameters: attempt.parameters,
                outputs: outputs,
                duration: duration
            )
            return .completed
        case (.leased, .failure(var failure)), (.running, .failure(var failure)):
            failure.trial = attempt.trialNumber
            let counted = try store.countedAttempts(trial: attempt.trialID)
            let again = retry && counted < runtime.maxAttempts
            try store.failAttempt(
                attempt.id,
                error: failure.message,
                exitCode: failure.exitCode,
                stderrTail: failure.stderrTail,
                retry: again
            )
            if again {
                try log(.retry, study: runtime.id, trial: attempt.trialID, failure.message)
                return .retrying(failure)
            }
            try fail(runtime, trial: attempt.trialID, failure)
            return .failed(failure)
        case (.completed, .success(let outputs)):
            guard attempt.outputs == outputs else {
                throw EngineError(
                    .conflict,
                    "trial \(attempt.trialNumber) already has a result from job \(attempt.id), with other values"
                )
            }
            return .unchanged
        case (.failed, .failure(let failure)) where attempt.error == failure.message:
            return .unchanged
        case (.completed, .failure):
            throw EngineError(.conflict, "job \(attempt.id) already completed")
        case (_, .step), (_, .stepFailure):
            throw EngineError(.conflict, "job \(attempt.id) is not a workflow step")
        case (.failed, _):
            throw EngineError(
                .conflict,
                "job \(attempt.id) is no longer open: \(attempt.error ?? "it failed"); its result was not recorded"
            )
        }
    }

    func fail(_ runtime: StudyRuntime, trial: Int64, _ failure: EvaluationFailure) throws {
        let wasStopped = runtime.stopReason != nil
        runtime.recordFailure(trial: trial, failure: failure)
        if !wasStopped, let reason = runtime.stopReason {
            try log(.studyStopped, study: runtime.id, reason)
        }
    }

    /// A worker hands back an attempt it will not finish (it is shutting down): the attempt fails
    /// without counting against the trial's cap and the trial is queued again.
    public func release(_ attempt: AttemptRecord, worker: String) throws {
        guard attempt.state.isOpen else { return }
        if attempt.stepID != nil {
            try store.failStepAttempt(
                attempt.id,
                error: "released by \(worker)",
                retry: true,
                released: true,
                ending: nil
            )
        } else {
            try store.failAttempt(attempt.id, error: "released by \(worker)", retry: true, released: true)
        }
        try log(.released, study: attempt.studyID, trial: attempt.trialID, "released by \(worker)")
    }

    /// Fails every attempt whose lease has expired and queues its trial again, up to the study's cap
    /// of attempts, after which the trial fails. Returns the attempts reaped.
    public func reapExpiredLeases(now: Double) throws -> [AttemptRecord] {
        let expired = try store.expiredAttempts(now: now)
        for attempt in expired {
            guard let runtime = runtimes[attempt.studyID] else { continue }
            if let workflow = runtime.workflow, attempt.stepID != nil {
                let failure = EvaluationFailure(
                    message: "lease expired: \(attempt.worker ?? "?") stopped reporting",
                    trial: attempt.trialNumber
                )
                _ = try recordStep(.failure(failure), for: attempt, runtime: runtime, workflow: workflow, retry: true)
                continue
            }
            let again = try store.countedAttempts(trial: attempt.trialID) < runtime.maxAttempts
            let failure = EvaluationFailure(
                message: "lease expired: \(attempt.worker ?? "?") stopped reporting",
                trial: attempt.trialNumber
            )
            try store.failAttempt(attempt.id, error: failure.message, retry: again)
            if again {
                try log(.leaseExpired, study: runtime.id, trial: attempt.trialID, failure.message)
            } else {
                try fail(runtime, trial: attempt.trialID, failure)
            }
        }
        return expired
    }

    func log(_ kind: StudyEventKind, study: Int64, trial: Int64? = nil, _ message: String) throws {
        try store.logEvent(study: study, trial: trial, kind: kind.rawValue, message: message)
    }

    /// Fails the attempts left open by a process that died, so that their trials run again.
    public func recoverInterruptedAttempts(_ id: Int64) throws {
        _ = try store.recoverInterruptedAttempts(study: id)
    }
}
