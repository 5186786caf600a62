import StudyModel

// Examples and notes of every message: what the OpenAPI document says of them. The keys and types
// come from the messages' own encoding (see `WireSchema`); only descriptions and bounds are here.

extension ParameterValue: WireSchema {
    public static var examples: [ParameterValue] { [.number(0.5), .choice("C4F10")] }
    public static var explicitSchema: JSONValue? {
        [
            "oneOf": [["type": "number"], ["type": "string"]],
            "description": "A number, or a categorical parameter's choice",
        ]
    }
}

extension PlotAxis: WireSchema {
    public static var examples: [PlotAxis] {
        [PlotAxis(scale: .log, lower: 0.01, upper: 1, ticks: [.init(value: 0.1, label: "0.1")])]
    }
    public static var summary: String? { "An axis the server chose: scale, range and labelled ticks." }
}

// MARK: Errors, health, tokens

extension ErrorBody: WireSchema {
    public static var examples: [ErrorBody] {
        [ErrorBody(code: "invalid_value", message: "objectives[0].direction: must be one of ...", field: "direction")]
    }
    public static var schemaName: String { "Error" }
    public static var summary: String? { "Every error answer." }
}

extension ErrorBody.Detail: WireSchema {
    public static var examples: [ErrorBody.Detail] { ErrorBody.examples.map(\.error) }
    public static var schemaName: String { "ErrorDetail" }
    public static var notes: [String: FieldNote] {
        [
            "code": FieldNote(keywords: ["enum": .array(ErrorCode.allCases.map { .string($0.rawValue) })]),
            "field": "The request field at fault, as a path (`parameters[2].lower`)",
        ]
    }
}

extension HealthResponse: WireSchema {
    public static var examples: [HealthResponse] { [HealthResponse(openStreams: 3)] }
    public static var notes: [String: FieldNote] {
        ["open_streams": "Server-sent event streams open now (log follows, result follows, dashboards)"]
    }
}

extension TokenRequest {
    public static var examples: [TokenRequest] {
        [TokenRequest(role: .client, study: "tracker", name: "notebook", expiresIn: 86_400)]
    }
    public static var notes: [String: FieldNote] {
        [
            "study": "Bind a client or viewer token to one study",
            "expires_in": .positive("Seconds the token is valid for (default: no expiry)"),
        ]
    }
}

extension TokenResponse: WireSchema {
    public static var examples: [TokenResponse] {
        [TokenResponse(id: 4, token: "pp_3f9a...", role: .client, study: 1, name: "notebook", expiresAt: 1.8e9)]
    }
    public static var notes: [String: FieldNote] {
        [
            "token": "The secret, shown once",
            "study": "The study the token is bound to",
            "expires_at": "Unix seconds after which the token is refused (absent: never)",
        ]
    }
}

extension RenewRequest {
    public static var examples: [RenewRequest] { [RenewRequest(expiresIn: 3600)] }
    public static var notes: [String: FieldNote] {
        ["expires_in": .positive("A lifetime shorter than the token's own")]
    }
}

extension TokenIdentity: WireSchema {
    public static var examples: [TokenIdentity] {
        [TokenIdentity(role: .pilot, study: 1, name: "slurm-pilots", expiresAt: 1.8e9)]
    }
}

// MARK: Studies and trials

extension AskRequest {
    public static var examples: [AskRequest] { [AskRequest(count: 4)] }
    public static var notes: [String: FieldNote] {
        ["count": FieldNote(keywords: ["minimum": 1, "maximum": 1000, "default": 1])]
    }
}

extension AttachRequest {
    public static var examples: [AttachRequest] {
        [AttachRequest(parameters: ["sensor_R": .number(1.5), "gas": .choice("C4F10")])]
    }
    public static var notes: [String: FieldNote] { ["parameters": "Parameter values by name"] }
}

extension FailurePayload: WireSchema {
    public static var examples: [FailurePayload] {
        [FailurePayload(message: "exit code 1", exitCode: 1, stderrTail: "ZeroDivisionError: division by zero")]
    }
    public static var schemaName: String { "Failure" }
    public static var isClosed: Bool { true }
}

extension TellRequest {
    public static var examples: [TellRequest] {
        [
            TellRequest(job: 12, values: ["resolution": 0.021, "cost": 2.5]),
            TellRequest(failure: FailurePayload.examples[0]),
        ]
    }
    public static var notes: [String: FieldNote] {
        [
            "job": "The attempt told, when the caller knows it",
            "values": "Named outputs: every objective, constrained outputs, any other metric. Finite numbers only.",
        ]
    }
    public static var keywords: [String: JSONValue] {
        ["oneOf": [["required": ["values"]], ["required": ["failure"]]]]
    }
}

extension TrialPayload: WireSchema {
    public static var examples: [TrialPayload] {
        var listed = TrialPayload(
            trial: 3,
            state: .completed,
            parameters: ["sensor_R": .number(1.5), "gas": .choice("C4F10")],
            outputs: ["resolution": 0.021, "cost": 2.5],
            attempts: 1,
            error: nil,
            job: nil
        )
        listed.jobs = [12]
        listed.pilot = "node17-0"
        listed.duration = 14_210
        listed.feasible = true
        listed.pareto = true
        listed.stepCounts = ["completed": 14]
        var failed = TrialPayload(
            trial: 4,
            state: .failed,
            parameters: ["sensor_R": .number(3)],
            outputs: nil,
            attempts: 3,
            error: "exit code 1",
            job: 15
        )
        failed.stderrTail = "ZeroDivisionError: division by zero"
        failed.steps = StepPayload.examples
        return [listed, failed]
    }
    public static var schemaName: String { "Trial" }
    public static var notes: [String: FieldNote] {
        [
            "outputs": "Named outputs: every objective, constrained outputs, any other metric",
            "job": "The open attempt, for a trial being evaluated",
            "jobs": "Every attempt's job id, oldest first (trial listings)",
            "pilot": "The pilot of the latest attempt (trial listings)",
            "duration": "Seconds the completed attempt ran (trial listings)",
            "stderr_tail": "The evaluator's stderr tail from the latest failed attempt (trial listings)",
            "feasible": "For a completed trial: whether it satisfies every outcome constraint (trial listings)",
            "pareto": "For a completed trial: whether it is on the feasible Pareto front (trial listings)",
            "step_counts": "Workflow studies, in listings: the trial's steps by state",
            "steps": "Workflow studies, in GET .../trials/{trial}: every step with its attempts",
        ]
    }
}

extension StepPayload: WireSchema {
    public static var examples: [StepPayload] {
        [
            StepPayload(
                step: "simulate",
                element: 2,
                state: "completed",
                output: ["events": 3000],
                attempts: StepPayload.Attempt.examples
            )
        ]
    }
    public static var schemaName: String { "Step" }
    public static var notes: [String: FieldNote] {
        [
            "element": "The fan-out element's index",
            "state": FieldNote(keywords: ["enum": ["waiting", "queued", "running", "completed", "failed", "skipped"]]),
            "output": "The JSON object the step printed last",
        ]
    }
}

extension StepPayload.Attempt: WireSchema {
    public static var examples: [StepPayload.Attempt] {
        [
            .init(
                job: 40,
                pilot: "node3-1",
                state: "failed",
                resumed: false,
                duration: 120,
                error: "preempted",
                stderrTail: "slurmstepd: CANCELLED"
            ),
            .init(
                job: 52,
                pilot: "node9-0",
                state: "completed",
                resumed: true,
                duration: 3400,
                error: nil,
                stderrTail: nil
            ),
        ]
    }
    public static var schemaName: String { "StepAttempt" }
    public static var notes: [String: FieldNote] {
        [
            "state": FieldNote(keywords: ["enum": ["leased", "running", "completed", "failed"]]),
            "resumed": "Whether the attempt resumed from its checkpoint directory",
        ]
    }
}

extension AskResponse: WireSchema {
    public static var examples: [AskResponse] { [AskResponse(trials: TrialPayload.examples)] }
}

extension TellResponse: WireSchema {
    public static var examples: [TellResponse] { [TellResponse(trial: 3, state: .completed, recorded: true)] }
    public static var notes: [String: FieldNote] {
        ["recorded": "Whether this tell changed anything (false for a repeated identical tell)"]
    }
}

extension StudySummary: WireSchema {
    public static var examples: [StudySummary] {
        var summary = StudySummary(
            id: 1,
            name: "tracker",
            trials: 60,
            pending: 2,
            running: 4,
            completed: 50,
            failed: 3,
            budget: 200,
            hypervolume: 3.71,
            stopped: "the first 5 trials all failed",
            specification: StudySpecification.examples.first
        )
        summary.infeasible = 1
        return [summary]
    }
    public static var notes: [String: FieldNote] {
        [
            "infeasible": "Trials a workflow step declared infeasible",
            "stopped": "Why the study stopped before its budget (too many failed trials)",
            "hypervolume": "Of the feasible front, against the study's reference point",
        ]
    }
}

extension FrontResponse: WireSchema {
    public static var examples: [FrontResponse] {
        [
            FrontResponse(
                objectives: ["resolution", "cost"],
                reference: [0.1, 40],
                hypervolume: 3.71,
                trials: [TrialPayload.examples[0]]
            )
        ]
    }
    public static var summary: String? { "The feasible Pareto front and its hypervolume." }
}

extension HistoryPoint: WireSchema {
    public static var examples: [HistoryPoint] { [HistoryPoint(trials: 20, hypervolume: 2.9)] }
}

extension ResultEvent: WireSchema {
    public static var examples: [ResultEvent] { [ResultEvent(sequence: 7, trial: TrialPayload.examples[0])] }
    public static var notes: [String: FieldNote] { ["sequence": "Increases with every result folded in"] }
}

extension ResultsResponse: WireSchema {
    public static var examples: [ResultsResponse] {
        [ResultsResponse(results: ResultEvent.examples, nextAfter: 7, finished: false)]
    }
    public static var notes: [String: FieldNote] {
        [
            "next_after": "The `after` of the next request",
            "finished": "Whether the study has no more trials to run",
        ]
    }
}

extension AuditResponse: WireSchema {
    public static var examples: [AuditResponse] { [AuditResponse(records: Record.examples, nextAfter: 9)] }
    public static var notes: [String: FieldNote] { ["next_after": "Pass as `after` for the next page"] }
}

extension AuditResponse.Record: WireSchema {
    public static var examples: [AuditResponse.Record] {
        [
            .init(
                id: 9,
                at: "2026-12-01T18:43:07.123Z",
                actor: "notebook",
                role: .client,
                action: "tell",
                study: "tracker",
                target: "trial 3",
                address: "10.0.0.7"
            )
        ]
    }
    public static var schemaName: String { "AuditRecord" }
}

// MARK: Pilots

extension PilotResources: WireSchema {
    public static var examples: [PilotResources] {
        [
            PilotResources(
                cores: 32,
                memoryGB: 128,
                gpus: 0,
                site: "jlab",
                queue: "preemptible",
                remainingSeconds: 86_000
            )
        ]
    }
    public static var notes: [String: FieldNote] {
        ["remaining_seconds": "Seconds left before the pilot's batch job ends"]
    }
}

private let waitNote = FieldNote(
    "Seconds the server may hold the request while no job is queued, answering as soon as one is (a long poll, at most 20)",
    keywords: ["minimum": 0]
)

private let pilotName = FieldNote("The pilot's name", keywords: ["minLength": 1, "maxLength": 200])

extension AcquireRequest {
    public static var examples: [AcquireRequest] {
        [
            AcquireRequest(
                pilot: "node17-0",
                slots: 8,
                resources: PilotResources.examples[0],
                studies: ["tracker"],
                wait: 10
            )
        ]
    }
    public static var notes: [String: FieldNote] {
        [
            "pilot": pilotName,
            "slots": FieldNote(keywords: ["minimum": 1, "maximum": 1000]),
            "studies": "Only jobs of these studies (ids or names)",
            "wait": waitNote,
        ]
    }
}

extension PilotRequest {
    public static var examples: [PilotRequest] { [PilotRequest(pilot: "node17-0")] }
    public static var notes: [String: FieldNote] { ["pilot": pilotName] }
}

extension LogLinePayload: WireSchema {
    public static var examples: [LogLinePayload] { [LogLinePayload(stream: .stderr, text: "Geant4 event 100")] }
}

extension LogsRequest {
    public static var examples: [LogsRequest] { [LogsRequest(pilot: "node17-0", lines: LogLinePayload.examples)] }
    public static var notes: [String: FieldNote] {
        ["pilot": pilotName, "lines": FieldNote(keywords: ["maxItems": 10_000])]
    }
}

extension AppendLogsResponse: WireSchema {
    public static var examples: [AppendLogsResponse] { [AppendLogsResponse(appended: 1)] }
}

extension LogLine: WireSchema {
    public static var examples: [LogLine] { [LogLine(id: 31, stream: "stdout", text: "event 100", at: 1.79e9)] }
    public static var notes: [String: FieldNote] {
        [
            "stream": FieldNote(keywords: ["enum": .array(LogStream.allCases.map { .string($0.rawValue) })]),
            "at": "Unix seconds",
        ]
    }
}

extension LogsResponse: WireSchema {
    public static var examples: [LogsResponse] { [LogsResponse(lines: LogLine.examples, finished: true)] }
}

extension CompleteRequest {
    public static var examples: [CompleteRequest] {
        var step = CompleteRequest(pilot: "node17-0", outputs: nil, failure: nil, acquire: nil)
        step.output = ["events": 3000, "file": "sim.root"]
        step.resumed = true
        return [
            CompleteRequest(
                pilot: "node17-0",
                outputs: ["resolution": 0.021],
                failure: nil,
                acquire: NextJobs.examples[0]
            ),
            CompleteRequest(pilot: "node17-0", outputs: nil, failure: FailurePayload.examples[0], acquire: nil),
            step,
        ]
    }
    public static var notes: [String: FieldNote] {
        [
            "pilot": pilotName,
            "outputs": "Named outputs: every objective, constrained outputs, any other metric. Finite numbers only.",
            "acquire": "Ask for the next jobs in the same request",
            "output": "A workflow step's output: the JSON object it printed last",
            "resumed": "Whether a workflow step's attempt resumed from its checkpoint",
        ]
    }
    public static var keywords: [String: JSONValue] {
        [
            "oneOf": [
                ["required": ["outputs"]], ["required": ["failure"]], ["required": ["output"]],
                ["not": ["anyOf": [["required": ["outputs"]], ["required": ["failure"]], ["required": ["output"]]]]],
            ]
        ]
    }
}

extension CompleteRequest.NextJobs: WireSchema {
    public static var examples: [CompleteRequest.NextJobs] {
        [.init(slots: 1, resources: PilotResources.examples[0], studies: ["tracker"], wait: 10)]
    }
    public static var isClosed: Bool { true }
    public static var notes: [String: FieldNote] {
        ["slots": FieldNote(keywords: ["minimum": 1, "maximum": 1000]), "wait": waitNote]
    }
}

extension PilotJob: WireSchema {
    public static var examples: [PilotJob] {
        let plain = PilotJob(
            job: 12,
            study: 1,
            studyName: "tracker",
            trial: 3,
            attempt: 1,
            parameters: ["sensor_R": .number(1.5)],
            command: "python3 evaluate.py",
            problem: "toytracker",
            timeout: 3600,
            workingDirectory: "/data/tracker",
            environment: ["GEANT4_EVENTS": "3000"],
            prefix: "apptainer exec /images/eic.sif",
            objectives: ["resolution", "cost"],
            leaseSeconds: 60,
            heartbeatSeconds: 20
        )
        var step = plain
        step.step = "simulate"
        step.element = ["momentum": 10, "particle": "pion"]
        step.elementIndex = 0
        step.inputs = ["overlap": ["ok": true]]
        step.trialDirectory = "/shared/drich/drich/trial-3"
        return [plain, step]
    }
    public static var schemaName: String { "Job" }
    public static var notes: [String: FieldNote] {
        [
            "step": "Workflow studies: the step this job runs",
            "element": "The fan-out element",
            "inputs": "Outputs of the trial's completed steps by step name (a list for a fanned-out step)",
            "trial_directory": "The trial's working directory; absent: under the pilot's --work-dir",
        ]
    }
}

extension AcquireResponse: WireSchema {
    public static var examples: [AcquireResponse] { [AcquireResponse(jobs: PilotJob.examples, retryAfter: 2)] }
    public static var notes: [String: FieldNote] {
        ["retry_after": "Seconds to wait before asking again when no job was given"]
    }
}

extension HeartbeatResponse: WireSchema {
    public static var examples: [HeartbeatResponse] {
        [HeartbeatResponse(command: .kill, reason: "the trial was told by its client", leaseExpiresAt: 1.79e9)]
    }
}

extension CompleteResponse: WireSchema {
    public static var examples: [CompleteResponse] {
        [CompleteResponse(trial: 3, state: .completed, recorded: true, jobs: PilotJob.examples)]
    }
    public static var notes: [String: FieldNote] { ["jobs": "The next jobs, when the request asked for them"] }
}

extension WorkSummary: WireSchema {
    public static var examples: [WorkSummary] {
        [WorkSummary(queued: 8, running: 32, remaining: 160, studies: Study.examples)]
    }
    public static var summary: String? {
        "The work pilots can do now and later, for provisioners (as Harvester reads PanDA's queues)."
    }
}

extension WorkSummary.Study: WireSchema {
    public static var examples: [WorkSummary.Study] {
        [.init(id: 1, name: "tracker", queued: 8, running: 32, remaining: 160, expectedSeconds: 14_400)]
    }
    public static var schemaName: String { "WorkStudy" }
    public static var notes: [String: FieldNote] {
        ["remaining": "Trials still to finish, generated or not (budget minus finished)"]
    }
}

// MARK: Dashboard and pilots listing

extension StudyDashboard: WireSchema {
    public static var examples: [StudyDashboard] {
        let axis = PlotAxis.examples[0]
        return [
            StudyDashboard(
                study: "tracker",
                trials: [0, 3],
                feasible: [true, false],
                ranks: [0, -1],
                objectives: [.init(name: "resolution", direction: .minimize, axis: axis, values: [0.02, 0.05])],
                parameters: [.init(name: "gas", choices: ["C2F6", "C4F10"], axis: axis, values: [0, 1])],
                hypervolume: [.init(trials: 2, hypervolume: 1.5)],
                hypervolumeAxis: axis,
                trialsAxis: axis
            )
        ]
    }
    public static var summary: String? {
        "What the dashboard draws: one entry per completed trial with every objective, in trial order, in every array."
    }
    public static var notes: [String: FieldNote] {
        [
            "ranks": "Pareto rank among the feasible points (0: the front); -1 for infeasible points",
            "hypervolume": "Hypervolume against trials, at most about 400 points",
        ]
    }
}

extension PilotsResponse: WireSchema {
    public static var examples: [PilotsResponse] {
        [
            PilotsResponse(pilots: [
                .init(
                    name: "node17-0",
                    lastSeen: 1.79e9,
                    slots: 8,
                    resources: PilotResources.examples[0],
                    leases: [.init(job: 12, study: "tracker", trial: 3, state: "running", leaseExpiresAt: 1.79e9)]
                )
            ])
        ]
    }
    public static var notes: [String: FieldNote] { ["pilots": "Pilots heard from since the server started"] }
}
