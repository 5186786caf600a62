import Engine
import Foundation
import Store
import Studies
import StudyModel
import Wire

extension StudyCoordinator {
    /// Reserves up to `slots` jobs for a pilot, atomically per study, among the studies whose needs
    /// the pilot's resources meet (cores, memory, GPUs, queue, and remaining wall time against the
    /// expected duration of one evaluation). Studies are visited in round-robin order.
    /// Leases jobs that fit the pilot; with `wait`, an acquisition that finds none is held until
    /// work is queued or `wait` seconds (at most ``longestWait``) have passed.
    func acquire(_ caller: Caller, _ request: AcquireRequest) async throws -> AcquireResponse {
        let wait = request.wait ?? 0
        guard wait >= 0, wait.isFinite else {
            throw ServiceError(.invalidValue, "wait must be a non-negative number of seconds", field: "wait")
        }
        var answer = try acquireNow(caller, request)
        let deadline = Date().timeIntervalSince1970 + min(wait, Self.longestWait)
        while answer.jobs.isEmpty, !stopping, Date().timeIntervalSince1970 < deadline,
            rotation.contains(where: { engine.runtimes[$0]?.hasWorkLeft ?? false })
        {
            await awaitWork(until: deadline, slots: request.slots ?? 1)
            answer = try acquireNow(caller, request)
        }
        return answer
    }

    func acquireNow(_ caller: Caller, _ request: AcquireRequest) throws -> AcquireResponse {
        try require(caller, .pilot)
        try checkPilotName(request.pilot)
        let slots = request.slots ?? 1
        guard (1...1000).contains(slots) else {
            throw ServiceError(.invalidValue, "slots must be between 1 and 1000", field: "slots")
        }
        let offer = request.resources ?? PilotResources()
        pilotSightings[request.pilot] = PilotSighting(
            lastSeen: Date().timeIntervalSince1970,
            slots: slots,
            resources: request.resources
        )
        if let cores = offer.cores, cores < 0 {
            throw ServiceError(.invalidValue, "resources.cores must not be negative", field: "resources.cores")
        }
        if let memory = offer.memoryGB, !(memory >= 0 && memory.isFinite) {
            throw ServiceError(.invalidValue, "resources.memory_gb must be non-negative", field: "resources.memory_gb")
        }
        if let gpus = offer.gpus, gpus < 0 {
            throw ServiceError(.invalidValue, "resources.gpus must not be negative", field: "resources.gpus")
        }
        if let remaining = offer.remainingSeconds, !remaining.isFinite {
            throw ServiceError(
                .invalidValue,
                "resources.remaining_seconds must be finite",
                field: "resources.remaining_seconds"
            )
        }
        var allowed: Set<Int64>? = nil
        if let keys = request.studies {
            allowed = []
            for key in keys { allowed!.insert(try resolve(key).id) }
        }
        if !caller.seesEveryStudy {
            let runnable = Set(rotation.filter { mayRunJobs(caller, $0) })
            allowed = allowed.map { $0.intersection(runnable) } ?? runnable
        }

        var free = FreeResources(slots: slots, cores: offer.cores, memory: offer.memoryGB, gpus: offer.gpus ?? 0)
        var jobs: [PilotJob] = []
        let now = Date().timeIntervalSince1970
        // Jobs leased to this pilot a while ago and never started: the answer that carried them was
        // lost (a dropped connection). Hand them out again first; a pilot ignores jobs it already runs.
        let stale =
            (staleLeaseChecks[request.pilot] ?? 0) < now - 5
            ? try store.unstartedLeases(worker: request.pilot, before: now - 5) : []
        if stale.isEmpty { staleLeaseChecks[request.pilot] = now }
        for attempt in stale where free.slots > 0 {
            guard let runtime = engine.runtimes[attempt.studyID] else { continue }
            jobs.append(try job(attempt, runtime: runtime))
            free.slots -= 1
        }
        if !rotation.isEmpty { rotation.append(rotation.removeFirst()) }
        for id in rotation where free.slots > 0 {
            guard let runtime = engine.runtimes[id], runtime.servedByPilots, runtime.stopReason == nil,
                allowed?.contains(id) ?? true
            else { continue }
            if let workflow = runtime.workflow {
                jobs += try acquireSteps(
                    runtime,
                    workflow: workflow,
                    offer: offer,
                    free: &free,
                    pilot: request.pilot,
                    now: now
                )
                continue
            }
            let needs = runtime.specification.resources ?? .init()
            let fit = free.fit(needs, offer: offer, expectedSeconds: runtime.expectedSeconds)
            guard fit > 0 else { continue }
            let queued = try store.queuedTrials(study: id, limit: fit).map(\.id)
            guard !queued.isEmpty else { continue }
            let leased = try store.lease(trials: queued, worker: request.pilot, expiresAt: now + runtime.leaseSeconds)
            for attempt in leased { jobs.append(try job(attempt, runtime: runtime)) }
            free.take(leased.count, of: needs)
            refill(id)
        }
        if !jobs.isEmpty {
            logger.debug("jobs leased", metadata: ["pilot": "\(request.pilot)", "count": "\(jobs.count)"])
        }
        return AcquireResponse(jobs: jobs, retryAfter: jobs.isEmpty ? 1 : nil)
    }

    /// Leases the queued steps of a workflow study that fit the pilot, step by step with each step's
    /// resources (unset fields from the study's): later steps first, so that started trials finish
    /// before new ones start, and oldest trials first within a step.
    func acquireSteps(
        _ runtime: StudyRuntime,
        workflow: Workflow,
        offer: PilotResources,
        free: inout FreeResources,
        pilot: String,
        now: Double
    ) throws -> [PilotJob] {
        var jobs: [PilotJob] = []
        for step in workflow.steps.reversed() where free.slots > 0 {
            let needs = (step.resources ?? .init()).merged(over: runtime.specification.resources)
            let fit = free.fit(needs, offer: offer, expectedSeconds: needs.expectedSeconds)
            guard fit > 0 else { continue }
            let leased = try engine.leaseSteps(
                runtime.id,
                step: step.name,
                worker: pilot,
                limit: fit,
                expiresAt: now + runtime.leaseSeconds
            )
            for attempt in leased { jobs.append(try job(attempt, runtime: runtime)) }
            free.take(leased.count, of: needs)
        }
        refill(runtime.id)
        return jobs
    }

    /// Queued, running and remaining work of the studies pilots serve.
    func work(_ caller: Caller) throws -> WorkSummary {
        try require(caller, .pilot)
        var studies: [WorkSummary.Study] = []
        for id in rotation.sorted() where mayRunJobs(caller, id) {
            guard let runtime = engine.runtimes[id], runtime.servedByPilots else { continue }
            let counts = try store.trialStateCounts(study: id)
            let finished = [TrialState.completed, .failed, .infeasible].reduce(0) { $0 + counts[$1, default: 0] }
            studies.append(
                WorkSummary.Study(
                    id: id,
                    name: runtime.name,
                    queued: runtime.workflow != nil
                        ? try store.queuedStepCount(study: id) : try store.queuedCount(study: id, limit: Int.max),
                    running: try store.openAttempts(study: id).count,
                    remaining: max(0, max(runtime.budget, runtime.trialCount) - finished),
                    expectedSeconds: runtime.expectedSeconds
                )
            )
        }
        return WorkSummary(
            queued: studies.reduce(0) { $0 + $1.queued },
            running: studies.reduce(0) { $0 + $1.running },
            remaining: studies.reduce(0) { $0 + $1.remaining },
            studies: studies
        )
    }

    func job(_ attempt: AttemptRecord, runtime: StudyRuntime) throws -> PilotJob {
        let evaluator = runtime.specification.evaluator
        var job = PilotJob(
            job: attempt.id,
            study: runtime.id,
            studyName: runtime.name,
            trial: attempt.trialNumber,
            attempt: attempt.number,
            parameters: runtime.specification.decode(attempt.parameters),
            command: evaluator.command,
            problem: evaluator.problem,
            timeout: evaluator.resolvedTimeout,
            workingDirectory: evaluator.workingDirectory,
            environment: evaluator.environment,
            prefix: evaluator.prefix,
            objectives: runtime.specification.objectives.map(\.name),
            leaseSeconds: runtime.leaseSeconds,
            heartbeatSeconds: max(0.2, runtime.leaseSeconds / 4)
        )
        guard let workflow = runtime.workflow, let step = attempt.step.flatMap({ workflow.step(named: $0.step) })
        else { return job }
        // A workflow step runs its own command in the trial's directory, with the study's environment under its own.
        job.command = step.command
        job.problem = nil
        job.timeout = step.timeout ?? evaluator.resolvedTimeout
        job.workingDirectory = nil
        job.environment = (evaluator.environment ?? [:]).merging(step.environment ?? [:]) { $1 }
        job.objectives = step.objectives ? job.objectives : []
        job.step = step.name
        job.elementIndex = attempt.step?.element
        job.element = attempt.step?.element.flatMap { index in step.fanOut.map { $0[index] } }
        job.inputs = try engine.stepInputs(trial: attempt.trialID, workflow: workflow)
        job.trialDirectory = evaluator.directory.map {
            StudyEngine.trialDirectory(root: $0, study: runtime.name, trial: attempt.trialNumber)
        }
        return job
    }

    func checkPilotName(_ name: String) throws(ServiceError) {
        guard !name.isEmpty, name.count <= 200 else {
            throw ServiceError(.invalidValue, "pilot must be a name of 1 to 200 characters", field: "pilot")
        }
    }

    /// The attempt behind a job, checked to belong to `pilot`.
    func pilotAttempt(_ caller: Caller, job: Int64, pilot: String) throws -> (AttemptRecord, StudyRuntime) {
        try require(caller, .pilot)
        try checkPilotName(pilot)
        let attempt = try store.attemptRecord(job)
        guard let runtime = engine.runtimes[attempt.studyID] else { throw ServiceError(.notFound, "no job \(job)") }
        guard mayRunJobs(caller, attempt.studyID) else {
            throw ServiceError(.forbidden, "your token may not run the jobs of study '\(runtime.name)'")
        }
        guard attempt.worker == pilot else {
            throw ServiceError(.conflict, "job \(job) is held by another worker", field: "pilot")
        }
        return (attempt, runtime)
    }

    /// Extends a job's lease; the reply says `kill` when the job is no longer the pilot's to run.
    func heartbeat(_ caller: Caller, job: Int64, pilot: String) throws -> HeartbeatResponse {
        let (attempt, runtime) = try pilotAttempt(caller, job: job, pilot: pilot)
        pilotSightings[pilot, default: PilotSighting()].lastSeen = Date().timeIntervalSince1970
        guard attempt.state.isOpen else {
            return HeartbeatResponse(command: .kill, reason: attempt.error ?? "the job is \(attempt.state.rawValue)")
        }
        let expires = Date().timeIntervalSince1970 + runtime.leaseSeconds
        let renewed = try store.renewLease(attempt: job, until: expires)
        guard renewed.state.isOpen else {
            return HeartbeatResponse(command: .kill, reason: renewed.error ?? "the job is \(renewed.state.rawValue)")
        }
        return HeartbeatResponse(command: .continue, reason: nil, leaseExpiresAt: expires)
    }

    /// Appends log lines of a running job.
    func appendLogs(_ caller: Caller, job: Int64, _ request: LogsRequest) throws {
        let (attempt, _) = try pilotAttempt(caller, job: job, pilot: request.pilot)
        guard attempt.state.isOpen else {
            throw ServiceError(.conflict, "job \(job) is \(attempt.state.rawValue); it takes no more log lines")
        }
        guard request.lines.count <= 10_000 else {
            throw ServiceError(.payloadTooLarge, "at most 10000 lines per request", field: "lines")
        }
        try store.appendLogs(attempt: job, lines: request.lines.map { ($0.stream.rawValue, $0.text) })
    }

    /// Log lines of a job after line `after`, and whether the job has ended.
    func logs(_ caller: Caller, job: Int64, after: Int64) throws -> LogsResponse {
        // Pilots write logs but do not read them: one pilot token serves every pilot of a site,
        // so reading would let any pilot see every study's output.
        let attempt = try store.attemptRecord(job)
        try requireReadAccess(caller, attempt.studyID)
        return LogsResponse(lines: try store.logs(attempt: job, after: after), finished: !attempt.state.isOpen)
    }

    /// Records how a pilot's job ended. Reporting the same outcome twice is a no-op; reporting on a
    /// job whose lease was lost (and given to another pilot) is a conflict and changes nothing.
    func complete(_ caller: Caller, job: Int64, _ request: CompleteRequest) async throws -> CompleteResponse {
        let (attempt, _) = try pilotAttempt(caller, job: job, pilot: request.pilot)
        let outcome: EvaluationOutcome
        if attempt.stepID != nil {
            let resumed = request.resumed ?? false
            switch (request.output, request.outputs, request.failure) {
            case (let output, nil, nil):
                outcome = .step(output: output, resumed: resumed)
            case (nil, let values?, nil):
                outcome = .step(output: .object(values.mapValues { .number($0) }), resumed: resumed)
            case (nil, nil, let failure?):
                outcome = .stepFailure(
                    EvaluationFailure(
                        message: failure.message,
                        exitCode: failure.exitCode,
                        stderrTail: failure.stderrTail
                    ),
                    resumed: resumed
                )
            default:
                throw ServiceError(.badRequest, "give one of 'output', 'outputs' and 'failure'", field: "output")
            }
        } else {
            let told = try Self.outcome(values: request.outputs, failure: request.failure, field: "outputs")
            // Outputs lacking an objective or a constrained output are a failed attempt (retried), by
            // the rule a local evaluator's result follows; a client's tell of such values is refused.
            if case .success(let values) = told, let specification = engine.runtimes[attempt.studyID]?.specification {
                outcome = EvaluationOutcome(.success(values), specification: specification, trial: attempt.trialNumber)
            } else {
                outcome = told
            }
        }
        let recorded = try record(outcome, for: attempt, retry: true).changed
        var jobs: [PilotJob]? = nil
        if let next = request.acquire {
            jobs =
                try await acquire(
                    caller,
                    AcquireRequest(
                        pilot: request.pilot,
                        slots: next.slots,
                        resources: next.resources,
                        studies: next.studies,
                        wait: next.wait
                    )
                ).jobs
        }
        return CompleteResponse(
            trial: attempt.trialNumber,
            state: try store.trialStateOf(attempt.trialID),
            recorded: recorded,
            jobs: jobs
        )
    }

    /// A pilot hands back a job it will not finish (it is shutting down): the attempt fails without
    /// counting against the trial's cap and the trial is queued again.
    func release(_ caller: Caller, job: Int64, pilot: String) throws -> TellResponse {
        let (attempt, runtime) = try pilotAttempt(caller, job: job, pilot: pilot)
        try engine.release(attempt, worker: "pilot \(pilot)")
        if attempt.state.isOpen {
            refill(runtime.id)
            wakeWaiters()
        }
        return TellResponse(
            trial: attempt.trialNumber,
            state: try store.trialStateOf(attempt.trialID),
            recorded: attempt.state.isOpen
        )
    }

    /// Fails every job whose lease has expired and queues its trial again, up to the study's cap of
    /// attempts, after which the trial fails. Returns the number of jobs reaped.
    @discardableResult
    public func reapExpiredLeases(now: Double = Date().timeIntervalSince1970) -> Int {
        do {
            let expired = try engine.reapExpiredLeases(now: now)
            for attempt in expired {
                logger.notice(
                    "lease expired",
                    metadata: [
                        "job": "\(attempt.id)", "trial": "\(attempt.trialNumber)", "pilot": "\(attempt.worker ?? "?")",
                    ]
                )
                refill(attempt.studyID)
                wakeWaiters()
            }
            return expired.count
        } catch {
            logger.error("reaping expired leases failed", metadata: ["error": "\(error)"])
            return 0
        }
    }
}

/// What is left of a pilot's offer while one acquisition hands out jobs.
struct FreeResources {
    var slots: Int
    var cores: Int?
    var memory: Double?
    var gpus: Int

    /// How many jobs needing `needs` fit: none when the pilot's queue (or site) is not one of the
    /// job's, or its remaining wall time is short of the expected duration (with 10% and 5 s to
    /// spare); else as many as the slots, cores, memory and GPUs left allow.
    func fit(_ needs: StudySpecification.Resources, offer: PilotResources, expectedSeconds: Double?) -> Int {
        if let queues = needs.queues, !queues.isEmpty {
            guard let name = offer.queue ?? offer.site, queues.contains(name) else { return 0 }
        }
        if let remaining = offer.remainingSeconds, let expected = expectedSeconds, remaining < expected * 1.1 + 5 {
            return 0
        }
        var fit = slots
        if let cores { fit = min(fit, cores / (needs.cores ?? 1)) }
        if let required = needs.memoryGB, required > 0, let memory {
            fit = min(fit, Int((memory / required).rounded(.down)))
        }
        if let required = needs.gpus, required > 0 { fit = min(fit, gpus / required) }
        return max(0, fit)
    }

    /// Takes what `count` jobs needing `needs` use.
    mutating func take(_ count: Int, of needs: StudySpecification.Resources) {
        slots -= count
        if cores != nil { cores! -= count * (needs.cores ?? 1) }
        if let required = needs.memoryGB, memory != nil { memory! -= Double(count) * required }
        if let required = needs.gpus { gpus -= count * required }
    }
}

/// What the server last heard from a pilot.
struct PilotSighting: Sendable {
    var lastSeen: Double?
    var slots: Int?
    var resources: PilotResources?
}

extension StudyCoordinator {
    /// The pilots heard from since the server started, and every pilot that holds a job, with
    /// the jobs it holds (admins and unbound clients and viewers; a bound token sees its study's
    /// jobs only).
    func pilots(_ caller: Caller) throws -> PilotsResponse {
        try require(caller, .client, .viewer)
        var leases: [String: [PilotsResponse.Lease]] = [:]
        for attempt in try store.openAttemptRecords() {
            guard let worker = attempt.worker,
                caller.seesEveryStudy || (try? requireReadAccess(caller, attempt.studyID)) != nil
            else { continue }
            leases[worker, default: []].append(
                PilotsResponse.Lease(
                    job: attempt.id,
                    study: engine.runtimes[attempt.studyID]?.name ?? "\(attempt.studyID)",
                    trial: attempt.trialNumber,
                    state: attempt.state.rawValue,
                    leaseExpiresAt: attempt.leaseExpiresAt
                )
            )
        }
        let names = caller.seesEveryStudy ? Set(pilotSightings.keys).union(leases.keys) : Set(leases.keys)
        return PilotsResponse(
            pilots: names.sorted().map { name in
                let seen = pilotSightings[name]
                return PilotsResponse.Pilot(
                    name: name,
                    lastSeen: seen?.lastSeen,
                    slots: seen?.slots,
                    resources: seen?.resources,
                    leases: leases[name] ?? []
                )
            }
        )
    }

    /// What the dashboard draws for a study: the completed trials' objectives and parameters with
    /// their axes, feasibility, Pareto ranks, and the hypervolume history.
    func dashboard(_ caller: Caller, _ key: String) throws -> StudyDashboard {
        let runtime = try resolve(key)
        try requireReadAccess(caller, runtime.id)
        let specification = runtime.specification
        let report = StudyReport(specification: specification, trials: try store.trials(study: runtime.id))
        let points = report.plottedTrials
        let objectives = specification.objectives.map { objective in
            let values = points.map { $0.outputs?[objective.name] ?? .nan }
            return StudyDashboard.Series(
                name: objective.name,
                direction: objective.direction,
                axis: .fitted(to: values),
                values: values
            )
        }
        let decoded = points.map { specification.decode($0.parameters) }  // once per point
        let parameters = specification.parameters.enumerated().map { j, parameter in
            let encoded = { points.map { $0.parameters[j] } }
            switch parameter.domain {
            case .real(let lower, let upper, let scale):
                let values = decoded.map { values -> Double in
                    if case .number(let v) = values[parameter.name] { return v }
                    return .nan
                }
                let axis: PlotAxis =
                    scale == .log && lower > 0
                    ? .logarithmic(lower: lower, upper: upper) : .linear(lower: lower, upper: upper)
                return StudyDashboard.Series(name: parameter.name, axis: axis, values: values)
            case .integer(let lower, let upper):
                return StudyDashboard.Series(
                    name: parameter.name,
                    axis: .linear(lower: lower, upper: upper),
                    values: encoded().map { $0.rounded() }
                )
            case .categorical(let choices):
                let ticks = choices.enumerated().map { PlotAxis.Tick(value: Double($0.offset), label: $0.element) }
                let axis = PlotAxis(scale: .linear, lower: -0.5, upper: Double(choices.count) - 0.5, ticks: ticks)
                return StudyDashboard.Series(name: parameter.name, choices: choices, axis: axis, values: encoded())
            }
        }
        let history = report.hypervolumeHistory(maximumPoints: 400).map {
            StudyDashboard.HypervolumePoint(trials: $0.trials, hypervolume: $0.hypervolume)
        }
        return StudyDashboard(
            study: runtime.name,
            trials: points.map(\.number),
            feasible: points.map { report.isFeasible($0) },
            ranks: report.paretoRanks(points),
            objectives: objectives,
            parameters: parameters,
            hypervolume: history,
            hypervolumeAxis: .fromZero(to: history.map(\.hypervolume)),
            trialsAxis: .linear(lower: 0, upper: Double(max(report.trials.count, 1)), integer: true)
        )
    }
}
