import Studies

/// A job as the server hands it to a pilot: one attempt of one trial, with how to run it.
public struct PilotJob: Decodable, Sendable {
    public var job: Int64
    public var study: Int64
    public var studyName: String
    public var trial: Int
    public var attempt: Int
    public var parameters: [String: ParameterValue]
    public var command: String?
    public var problem: String?
    public var timeout: Double?
    public var workingDirectory: String?
    public var environment: [String: String]?
    public var prefix: String?
    public var objectives: [String]
    public var leaseSeconds: Double
    public var heartbeatSeconds: Double

    enum CodingKeys: String, CodingKey {
        case job, study, trial, attempt, parameters, command, problem, timeout, environment, prefix, objectives
        case studyName = "study_name"
        case workingDirectory = "working_directory"
        case leaseSeconds = "lease_seconds"
        case heartbeatSeconds = "heartbeat_seconds"
    }
}

struct AcquireAnswer: Decodable, Sendable {
    var jobs: [PilotJob]
    var retryAfter: Double?

    enum CodingKeys: String, CodingKey {
        case jobs
        case retryAfter = "retry_after"
    }
}

struct HeartbeatAnswer: Decodable, Sendable {
    var command: String
    var reason: String?
}

struct CompleteAnswer: Decodable, Sendable {
    var recorded: Bool
    var jobs: [PilotJob]?
}
