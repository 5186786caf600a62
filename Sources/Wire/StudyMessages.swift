import Memberwise
import StudyModel

/// A JSON request body: the keys it may have, checked before decoding so that a misspelt field is
/// an error that names it rather than silently ignored.
public protocol WireRequest: Codable, Sendable, WireSchema {
    static var fields: Set<String> { get }
}

/// The body of every error answer: `{"error": {"code", "message", "field"?}}`.
public struct ErrorBody: Codable, Sendable, Equatable {
    @MemberwiseInit
    public struct Detail: Codable, Sendable, Equatable {
        public var code: String
        public var message: String
        public var field: String?
    }

    public var error: Detail

    public init(code: String, message: String, field: String?) {
        error = Detail(code: code, message: message, field: field)
    }
}

/// `GET /health`.
@MemberwiseInit
public struct HealthResponse: Codable, Sendable {
    public var status: String = "ok"
    /// Server-sent event streams open now (log follows, result follows, dashboards).
    public var openStreams: Int?

    enum CodingKeys: String, CodingKey {
        case status
        case openStreams = "open_streams"
    }
}

/// Creating a token.
@MemberwiseInit
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
}

@MemberwiseInit
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
}

/// `POST /v1/tokens/renew`: optionally a shorter lifetime for the new token.
@MemberwiseInit
public struct RenewRequest: WireRequest {
    public static let fields: Set<String> = ["expires_in"]
    public var expiresIn: Double?

    enum CodingKeys: String, CodingKey {
        case expiresIn = "expires_in"
    }
}

/// `GET /v1/tokens/self`: what the caller's token is and until when it is valid.
@MemberwiseInit
public struct TokenIdentity: Codable, Sendable {
    public var role: TokenRole
    public var study: Int64?
    public var name: String
    public var expiresAt: Double?

    enum CodingKeys: String, CodingKey {
        case role, study, name
        case expiresAt = "expires_at"
    }
}

/// `ask`: how many candidates.
@MemberwiseInit
public struct AskRequest: WireRequest {
    public static let fields: Set<String> = ["count"]
    public var count: Int?
}

/// Adding a trial with given parameter values (evaluated by pilots, or told by the client).
@MemberwiseInit
public struct AttachRequest: WireRequest {
    public static let fields: Set<String> = ["parameters"]
    public var parameters: [String: ParameterValue]
}

/// A failed evaluation.
@MemberwiseInit
public struct FailurePayload: Codable, Sendable, Equatable {
    public var message: String
    public var exitCode: Int32?
    public var stderrTail: String?

    enum CodingKeys: String, CodingKey {
        case message
        case exitCode = "exit_code"
        case stderrTail = "stderr_tail"
    }
}

/// `tell`: the outputs of a trial, or its failure; `job` names the attempt when the caller knows it.
@MemberwiseInit
public struct TellRequest: WireRequest {
    public static let fields: Set<String> = ["job", "values", "failure"]
    public var job: Int64?
    public var values: [String: Double]?
    public var failure: FailurePayload?
}

/// A trial as the API shows it.
@MemberwiseInit
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
}

/// One job of a trial's workflow: the step, its fan-out element, its state, output and attempts.
@MemberwiseInit
public struct StepPayload: Codable, Sendable, Equatable {
    public var step: String
    public var element: Int?
    public var state: String
    public var output: JSONValue?
    public var attempts: [Attempt]

    /// One attempt of a step: its job id, pilot, state, whether it resumed from its checkpoint,
    /// how long it ran, and how it failed.
    @MemberwiseInit
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
    }
}

@MemberwiseInit
public struct AskResponse: Codable, Sendable {
    public var trials: [TrialPayload]
}

@MemberwiseInit
public struct TellResponse: Codable, Sendable {
    public var trial: Int
    public var state: TrialState
    /// Whether this tell changed anything (false for a repeated identical tell).
    public var recorded: Bool
}

@MemberwiseInit
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
}

@MemberwiseInit
public struct FrontResponse: Codable, Sendable {
    public var objectives: [String]
    public var reference: [Double]?
    public var hypervolume: Double?
    public var trials: [TrialPayload]
}

@MemberwiseInit
public struct HistoryPoint: Codable, Sendable, Equatable {
    public var trials: Int
    public var hypervolume: Double
}

/// One finished trial in the order the server folded results in; `sequence` increases.
@MemberwiseInit
public struct ResultEvent: Codable, Sendable, Equatable {
    public var sequence: Int64
    public var trial: TrialPayload
}

/// `GET /v1/studies/{study}/results` without `follow`: the finished trials after `after`.
@MemberwiseInit
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
}

/// `GET /v1/audit` (admins): who created, told or changed what, and from where.
@MemberwiseInit
public struct AuditResponse: Codable, Sendable {
    /// One record: who did what to which study, and from where.
    public typealias Record = AuditRecord

    public var records: [Record]
    /// Pass as `after` for the next page.
    public var nextAfter: Int64

    enum CodingKeys: String, CodingKey {
        case records
        case nextAfter = "next_after"
    }
}
