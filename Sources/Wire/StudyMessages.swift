import StudyModel

/// A JSON request body: the keys it may have, checked before decoding so that a misspelt field is
/// an error that names it rather than silently ignored.
public protocol WireRequest: Codable, Sendable, WireSchema {
    static var fields: Set<String> { get }
}

/// The body of every error answer: `{"error": {"code", "message", "field"?}}`.
public struct ErrorBody: Codable, Sendable, Equatable {
    public struct Detail: Codable, Sendable, Equatable {
        public var code: String
        public var message: String
        public var field: String?

        public init(code: String, message: String, field: String?) {
            self.code = code
            self.message = message
            self.field = field
        }
    }

    public var error: Detail

    public init(code: String, message: String, field: String?) {
        error = Detail(code: code, message: message, field: field)
    }
}

/// `GET /health`.
public struct HealthResponse: Codable, Sendable {
    public var status: String
    /// Server-sent event streams open now (log follows, result follows, dashboards).
    public var openStreams: Int?

    enum CodingKeys: String, CodingKey {
        case status
        case openStreams = "open_streams"
    }

    public init(status: String = "ok", openStreams: Int? = nil) {
        self.status = status
        self.openStreams = openStreams
    }
}

/// Creating a token.
public struct TokenRequest: WireRequest {
    public static let fields: Set<String> = ["role", "study", "name", "expires_in"]
    public var role: TokenRole
    public var study: String?
    public var name: String?
    /// Seconds the token is valid for (nil: it does not expire).
    public var expiresIn: Double?

    enum CodingKeys: String, CodingKey {
        case role, study, name
        case expiresIn = "expires_in"
    }

    public init(role: TokenRole, study: String? = nil, name: String? = nil, expiresIn: Double? = nil) {
        self.role = role
        self.study = study
        self.name = name
        self.expiresIn = expiresIn
    }
}

public struct TokenResponse: Codable, Sendable {
    public var id: Int64
    public var token: String
    public var role: TokenRole
    public var study: Int64?
    public var name: String
    /// Unix seconds after which the token is refused (nil: never).
    public var expiresAt: Double?

    enum CodingKeys: String, CodingKey {
        case id, token, role, study, name
        case expiresAt = "expires_at"
    }

    public init(id: Int64, token: String, role: TokenRole, study: Int64?, name: String, expiresAt: Double? = nil) {
        self.id = id
        self.token = token
        self.role = role
        self.study = study
        self.name = name
        self.expiresAt = expiresAt
    }
}

/// `POST /v1/tokens/renew`: optionally a shorter lifetime for the new token.
public struct RenewRequest: WireRequest {
    public static let fields: Set<String> = ["expires_in"]
    public var expiresIn: Double?

    enum CodingKeys: String, CodingKey {
        case expiresIn = "expires_in"
    }

    public init(expiresIn: Double? = nil) { self.expiresIn = expiresIn }
}

/// `GET /v1/tokens/self`: what the caller's token is and until when it is valid.
public struct TokenIdentity: Codable, Sendable {
    public var role: TokenRole
    public var study: Int64?
    public var name: String
    public var expiresAt: Double?

    enum CodingKeys: String, CodingKey {
        case role, study, name
        case expiresAt = "expires_at"
    }

    public init(role: TokenRole, study: Int64?, name: String, expiresAt: Double?) {
        self.role = role
        self.study = study
        self.name = name
        self.expiresAt = expiresAt
    }
}

/// `ask`: how many candidates.
public struct AskRequest: WireRequest {
    public static let fields: Set<String> = ["count"]
    public var count: Int?

    public init(count: Int? = nil) { self.count = count }
}

/// Adding a trial with given parameter values (evaluated by pilots, or told by the client).
public struct AttachRequest: WireRequest {
    public static let fields: Set<String> = ["parameters"]
    public var parameters: [String: ParameterValue]

    public init(parameters: [String: ParameterValue]) { self.parameters = parameters }
}

/// A failed evaluation.
public struct FailurePayload: Codable, Sendable, Equatable {
    public var message: String
    public var exitCode: Int32?
    public var stderrTail: String?

    enum CodingKeys: String, CodingKey {
        case message
        case exitCode = "exit_code"
        case stderrTail = "stderr_tail"
    }

    public init(message: String, exitCode: Int32? = nil, stderrTail: String? = nil) {
        self.message = message
        self.exitCode = exitCode
        self.stderrTail = stderrTail
    }
}

/// `tell`: the outputs of a trial, or its failure; `job` names the attempt when the caller knows it.
public struct TellRequest: WireRequest {
    public static let fields: Set<String> = ["job", "values", "failure"]
    public var job: Int64?
    public var values: [String: Double]?
    public var failure: FailurePayload?

    public init(job: Int64? = nil, values: [String: Double]? = nil, failure: FailurePayload? = nil) {
        self.job = job
        self.values = values
        self.failure = failure
    }
}

/// A trial as the API shows it.
public struct TrialPayload: Codable, Sendable, Equatable {
    public var trial: Int
    public var state: TrialState
    public var parameters: [String: ParameterValue]
    public var outputs: [String: Double]?
    public var attempts: Int
    public var error: String?
    /// The open attempt, for a trial being evaluated.
    public var job: Int64?
    /// Every attempt's job id, oldest first (for `GET /v1/jobs/{job}/logs`); in trial listings.
    public var jobs: [Int64]?
    /// The pilot of the latest attempt; in trial listings.
    public var pilot: String?
    /// Seconds the completed attempt ran; in trial listings.
    public var duration: Double?
    /// The evaluator's stderr tail from the latest failed attempt (a traceback, say); in trial listings.
    public var stderrTail: String?
    /// For a completed trial: whether it satisfies every outcome constraint; in trial listings.
    public var feasible: Bool?
    /// For a completed trial: whether it is on the feasible Pareto front; in trial listings.
    public var pareto: Bool?
    /// For a workflow study: how many of the trial's steps are in each state; in trial listings.
    public var stepCounts: [String: Int]?
    /// For a workflow study: every step of the trial with its attempts; in `GET .../trials/{trial}`.
    public var steps: [StepPayload]?

    enum CodingKeys: String, CodingKey {
        case trial, state, parameters, outputs, attempts, error, job, jobs, pilot, duration, feasible, pareto, steps
        case stderrTail = "stderr_tail"
        case stepCounts = "step_counts"
    }

    public init(
        trial: Int,
        state: TrialState,
        parameters: [String: ParameterValue],
        outputs: [String: Double]?,
        attempts: Int,
        error: String?,
        job: Int64?
    ) {
        self.trial = trial
        self.state = state
        self.parameters = parameters
        self.outputs = outputs
        self.attempts = attempts
        self.error = error
        self.job = job
    }
}

/// One job of a trial's workflow: the step, its fan-out element, its state, output and attempts.
public struct StepPayload: Codable, Sendable, Equatable {
    public var step: String
    public var element: Int?
    public var state: String
    public var output: JSONValue?
    public var attempts: [Attempt]

    /// One attempt of a step: its job id, pilot, state, whether it resumed from its checkpoint,
    /// how long it ran, and how it failed.
    public struct Attempt: Codable, Sendable, Equatable {
        public var job: Int64
        public var pilot: String?
        public var state: String
        public var resumed: Bool
        public var duration: Double?
        public var error: String?
        public var stderrTail: String?

        enum CodingKeys: String, CodingKey {
            case job, pilot, state, resumed, duration, error
            case stderrTail = "stderr_tail"
        }

        public init(
            job: Int64,
            pilot: String?,
            state: String,
            resumed: Bool,
            duration: Double?,
            error: String?,
            stderrTail: String?
        ) {
            self.job = job
            self.pilot = pilot
            self.state = state
            self.resumed = resumed
            self.duration = duration
            self.error = error
            self.stderrTail = stderrTail
        }
    }

    public init(step: String, element: Int?, state: String, output: JSONValue?, attempts: [Attempt]) {
        self.step = step
        self.element = element
        self.state = state
        self.output = output
        self.attempts = attempts
    }
}

public struct AskResponse: Codable, Sendable {
    public var trials: [TrialPayload]

    public init(trials: [TrialPayload]) { self.trials = trials }
}

public struct TellResponse: Codable, Sendable {
    public var trial: Int
    public var state: TrialState
    /// Whether this tell changed anything (false for a repeated identical tell).
    public var recorded: Bool

    public init(trial: Int, state: TrialState, recorded: Bool) {
        self.trial = trial
        self.state = state
        self.recorded = recorded
    }
}

public struct StudySummary: Codable, Sendable {
    public var id: Int64
    public var name: String
    public var trials: Int
    public var pending: Int
    public var running: Int
    public var completed: Int
    public var failed: Int
    /// Trials a workflow step declared infeasible.
    public var infeasible: Int = 0
    public var budget: Int
    public var hypervolume: Double?
    /// Why the study stopped before its budget (too many failures), if it did.
    public var stopped: String?
    public var specification: StudySpecification?

    public init(
        id: Int64,
        name: String,
        trials: Int,
        pending: Int,
        running: Int,
        completed: Int,
        failed: Int,
        budget: Int,
        hypervolume: Double?,
        stopped: String?,
        specification: StudySpecification?
    ) {
        self.id = id
        self.name = name
        self.trials = trials
        self.pending = pending
        self.running = running
        self.completed = completed
        self.failed = failed
        self.budget = budget
        self.hypervolume = hypervolume
        self.stopped = stopped
        self.specification = specification
    }
}

public struct FrontResponse: Codable, Sendable {
    public var objectives: [String]
    public var reference: [Double]?
    public var hypervolume: Double?
    public var trials: [TrialPayload]

    public init(objectives: [String], reference: [Double]?, hypervolume: Double?, trials: [TrialPayload]) {
        self.objectives = objectives
        self.reference = reference
        self.hypervolume = hypervolume
        self.trials = trials
    }
}

public struct HistoryPoint: Codable, Sendable, Equatable {
    public var trials: Int
    public var hypervolume: Double

    public init(trials: Int, hypervolume: Double) {
        self.trials = trials
        self.hypervolume = hypervolume
    }
}

/// One finished trial in the order the server folded results in; `sequence` increases.
public struct ResultEvent: Codable, Sendable, Equatable {
    public var sequence: Int64
    public var trial: TrialPayload

    public init(sequence: Int64, trial: TrialPayload) {
        self.sequence = sequence
        self.trial = trial
    }
}

/// `GET /v1/studies/{study}/results` without `follow`: the finished trials after `after`.
public struct ResultsResponse: Codable, Sendable {
    public var results: [ResultEvent]
    /// The `after` of the next request.
    public var nextAfter: Int64
    /// Whether the study has no more trials to run.
    public var finished: Bool

    enum CodingKeys: String, CodingKey {
        case results, finished
        case nextAfter = "next_after"
    }

    public init(results: [ResultEvent], nextAfter: Int64, finished: Bool) {
        self.results = results
        self.nextAfter = nextAfter
        self.finished = finished
    }
}

/// `GET /v1/audit` (admins): who created, told or changed what, and from where.
public struct AuditResponse: Codable, Sendable {
    public struct Record: Codable, Sendable, Equatable {
        public var id: Int64
        public var at: String
        public var actor: String
        public var role: TokenRole
        public var action: String
        public var study: String?
        public var target: String?
        public var address: String?

        public init(
            id: Int64,
            at: String,
            actor: String,
            role: TokenRole,
            action: String,
            study: String?,
            target: String?,
            address: String?
        ) {
            self.id = id
            self.at = at
            self.actor = actor
            self.role = role
            self.action = action
            self.study = study
            self.target = target
            self.address = address
        }
    }

    public var records: [Record]
    /// Pass as `after` for the next page.
    public var nextAfter: Int64

    enum CodingKeys: String, CodingKey {
        case records
        case nextAfter = "next_after"
    }

    public init(records: [Record], nextAfter: Int64) {
        self.records = records
        self.nextAfter = nextAfter
    }
}
