import Foundation
import ServiceAPI
import Studies

/// A JSON request body: the keys it may have, checked before decoding so a misspelt field is an
/// error that names it rather than silently ignored.
protocol APIRequest: Decodable, Sendable {
    static var fields: Set<String> { get }
}

/// Creating a token.
struct TokenRequest: APIRequest {
    static let fields: Set<String> = ["role", "study", "name"]
    var role: String
    var study: String?
    var name: String?
}

struct TokenResponse: Codable, Sendable {
    var id: Int64
    var token: String
    var role: String
    var study: Int64?
    var name: String
}

/// `ask`: how many candidates.
struct AskRequest: APIRequest {
    static let fields: Set<String> = ["count"]
    var count: Int?
}

/// Adding a trial with given parameter values (evaluated by pilots, or told by the client).
struct AttachRequest: APIRequest {
    static let fields: Set<String> = ["parameters"]
    var parameters: [String: ParameterValue]
}

/// A failed evaluation.
struct FailurePayload: Codable, Sendable, Equatable {
    var message: String
    var exitCode: Int32?
    var stderrTail: String?

    enum CodingKeys: String, CodingKey {
        case message
        case exitCode = "exit_code"
        case stderrTail = "stderr_tail"
    }
}

/// `tell`: the outputs of a trial, or its failure; `job` names the attempt when the caller knows it.
struct TellRequest: APIRequest {
    static let fields: Set<String> = ["job", "values", "failure"]
    var job: Int64?
    var values: [String: Double]?
    var failure: FailurePayload?
}

/// What a pilot can offer for this acquisition.
struct PilotResources: Codable, Sendable, Equatable {
    var cores: Int?
    var memoryGB: Double?
    var gpus: Int?
    var site: String?
    var queue: String?
    /// Seconds left before the pilot's batch job ends.
    var remainingSeconds: Double?

    enum CodingKeys: String, CodingKey {
        case cores, gpus, site, queue
        case memoryGB = "memory_gb"
        case remainingSeconds = "remaining_seconds"
    }
}

/// A pilot asks for up to `slots` jobs.
struct AcquireRequest: APIRequest {
    static let fields: Set<String> = ["pilot", "slots", "resources", "studies"]
    var pilot: String
    var slots: Int?
    var resources: PilotResources?
    /// Only jobs of these studies (ids or names).
    var studies: [String]?
}

struct PilotRequest: APIRequest {
    static let fields: Set<String> = ["pilot"]
    var pilot: String
}

struct LogLinePayload: Codable, Sendable {
    var stream: String
    var text: String
}

struct LogsRequest: APIRequest {
    static let fields: Set<String> = ["pilot", "lines"]
    var pilot: String
    var lines: [LogLinePayload]
}

/// A pilot reports how a job ended: outputs, or a failure; with `acquire`, it asks for its next
/// jobs in the same request (one round trip per evaluation instead of two).
struct CompleteRequest: APIRequest {
    static let fields: Set<String> = ["pilot", "outputs", "failure", "acquire"]
    var pilot: String
    var outputs: [String: Double]?
    var failure: FailurePayload?
    var acquire: NextJobs?

    struct NextJobs: Codable, Sendable {
        var slots: Int?
        var resources: PilotResources?
        var studies: [String]?
    }
}

/// A trial as the API shows it.
struct TrialPayload: Codable, Sendable {
    var trial: Int
    var state: String
    var parameters: [String: ParameterValue]
    var outputs: [String: Double]?
    var attempts: Int
    var error: String?
    /// The open attempt, for a trial being evaluated.
    var job: Int64?
}

struct AskResponse: Codable, Sendable {
    var trials: [TrialPayload]
}

struct TellResponse: Codable, Sendable {
    var trial: Int
    var state: String
    /// Whether this tell changed anything (false for a repeated identical tell).
    var recorded: Bool
}

struct StudySummary: Codable, Sendable {
    var id: Int64
    var name: String
    var trials: Int
    var pending: Int
    var running: Int
    var completed: Int
    var failed: Int
    var budget: Int
    var hypervolume: Double?
    var specification: StudySpecification?
}

struct FrontResponse: Codable, Sendable {
    var objectives: [String]
    var reference: [Double]?
    var hypervolume: Double?
    var trials: [TrialPayload]
}

struct HistoryPoint: Codable, Sendable {
    var trials: Int
    var hypervolume: Double
}

/// The work pilots can do now and later, for provisioners (as Harvester reads PanDA's queues).
struct WorkSummary: Codable, Sendable {
    struct Study: Codable, Sendable {
        var id: Int64
        var name: String
        var queued: Int
        var running: Int
        /// Trials still to finish, generated or not (budget minus finished).
        var remaining: Int
        var expectedSeconds: Double?

        enum CodingKeys: String, CodingKey {
            case id, name, queued, running, remaining
            case expectedSeconds = "expected_seconds"
        }
    }

    var queued: Int
    var running: Int
    var remaining: Int
    var studies: [Study]
}
