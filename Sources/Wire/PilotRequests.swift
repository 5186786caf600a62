import Memberwise
import StudyModel

/// What a pilot can offer for this acquisition.
@MemberwiseInit
public struct PilotResources: Codable, Sendable, Equatable {
    public var cores: Int?
    public var memoryGB: Double?
    public var gpus: Int?
    public var site: String?
    public var queue: String?
    /// Seconds left before the pilot's batch job ends.
    public var remainingSeconds: Double?

    enum CodingKeys: String, CodingKey {
        case cores, gpus, site, queue
        case memoryGB = "memory_gb"
        case remainingSeconds = "remaining_seconds"
    }
}

/// A pilot asks for up to `slots` jobs.
@MemberwiseInit
public struct AcquireRequest: WireRequest {
    public static let fields: Set<String> = ["pilot", "slots", "resources", "studies", "wait"]
    public var pilot: String
    public var slots: Int?
    public var resources: PilotResources?
    /// Only jobs of these studies (ids or names).
    public var studies: [String]?
    /// Seconds the server may hold the request when no job is queued, answering as soon as one is
    /// (a long poll; at most 20). Absent: answer at once.
    public var wait: Double?
}

/// A request that only names the pilot (heartbeat, release).
@MemberwiseInit
public struct PilotRequest: WireRequest {
    public static let fields: Set<String> = ["pilot"]
    public var pilot: String
}

/// Which output of a job a log line came from.
public enum LogStream: String, NamedCases {
    case stdout, stderr, pilot
}

@MemberwiseInit
public struct LogLinePayload: Codable, Sendable, Equatable {
    public var stream: LogStream
    public var text: String
}

@MemberwiseInit
public struct LogsRequest: WireRequest {
    public static let fields: Set<String> = ["pilot", "lines"]
    public var pilot: String
    public var lines: [LogLinePayload]
}

@MemberwiseInit
public struct AppendLogsResponse: Codable, Sendable {
    public var appended: Int
}

/// `GET /v1/jobs/{job}/logs` without `follow`.
@MemberwiseInit
public struct LogsResponse: Codable, Sendable {
    public var lines: [LogLine]
    public var finished: Bool
}

/// A pilot reports how a job ended: outputs, or a failure; with `acquire`, it asks for its next
/// jobs in the same request (one round trip per evaluation instead of two).
@MemberwiseInit
public struct CompleteRequest: WireRequest {
    public static let fields: Set<String> = ["pilot", "outputs", "failure", "acquire", "output", "resumed"]
    public var pilot: String
    public var outputs: [String: Double]?
    public var failure: FailurePayload?
    public var acquire: NextJobs?
    /// A workflow step's output: the JSON object it printed last (any values), instead of `outputs`.
    public var output: JSONValue? = nil
    /// Whether a workflow step's attempt resumed from its checkpoint directory.
    public var resumed: Bool? = nil

    @MemberwiseInit
    public struct NextJobs: Codable, Sendable {
        public var slots: Int?
        public var resources: PilotResources?
        public var studies: [String]?
        /// As ``AcquireRequest/wait``: the result is recorded first, then the next jobs are waited for.
        public var wait: Double?
    }
}

/// The work pilots can do now and later, for provisioners (as Harvester reads PanDA's queues).
@MemberwiseInit
public struct WorkSummary: Codable, Sendable, Equatable {
    @MemberwiseInit
    public struct Study: Codable, Sendable, Equatable {
        public var id: Int64
        public var name: String
        public var queued: Int
        public var running: Int
        /// Trials still to finish, generated or not (budget minus finished).
        public var remaining: Int
        public var expectedSeconds: Double?

        enum CodingKeys: String, CodingKey {
            case id, name, queued, running, remaining
            case expectedSeconds = "expected_seconds"
        }
    }

    public var queued: Int
    public var running: Int
    public var remaining: Int
    public var studies: [Study] = []
}
