import StudyModel

/// What a pilot can offer for this acquisition.
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

    public init(
        cores: Int? = nil,
        memoryGB: Double? = nil,
        gpus: Int? = nil,
        site: String? = nil,
        queue: String? = nil,
        remainingSeconds: Double? = nil
    ) {
        self.cores = cores
        self.memoryGB = memoryGB
        self.gpus = gpus
        self.site = site
        self.queue = queue
        self.remainingSeconds = remainingSeconds
    }
}

/// A pilot asks for up to `slots` jobs.
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

    public init(pilot: String, slots: Int?, resources: PilotResources?, studies: [String]?, wait: Double? = nil) {
        self.pilot = pilot
        self.slots = slots
        self.resources = resources
        self.studies = studies
        self.wait = wait
    }
}

/// A request that only names the pilot (heartbeat, release).
public struct PilotRequest: WireRequest {
    public static let fields: Set<String> = ["pilot"]
    public var pilot: String

    public init(pilot: String) { self.pilot = pilot }
}

/// Which output of a job a log line came from.
public enum LogStream: String, NamedCases {
    case stdout, stderr, pilot
}

public struct LogLinePayload: Codable, Sendable, Equatable {
    public var stream: LogStream
    public var text: String

    public init(stream: LogStream, text: String) {
        self.stream = stream
        self.text = text
    }
}

public struct LogsRequest: WireRequest {
    public static let fields: Set<String> = ["pilot", "lines"]
    public var pilot: String
    public var lines: [LogLinePayload]

    public init(pilot: String, lines: [LogLinePayload]) {
        self.pilot = pilot
        self.lines = lines
    }
}

public struct AppendLogsResponse: Codable, Sendable {
    public var appended: Int

    public init(appended: Int) { self.appended = appended }
}

/// `GET /v1/jobs/{job}/logs` without `follow`.
public struct LogsResponse: Codable, Sendable {
    public var lines: [LogLine]
    public var finished: Bool

    public init(lines: [LogLine], finished: Bool) {
        self.lines = lines
        self.finished = finished
    }
}

/// A pilot reports how a job ended: outputs, or a failure; with `acquire`, it asks for its next
/// jobs in the same request (one round trip per evaluation instead of two).
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

    public struct NextJobs: Codable, Sendable {
        public var slots: Int?
        public var resources: PilotResources?
        public var studies: [String]?
        /// As ``AcquireRequest/wait``: the result is recorded first, then the next jobs are waited for.
        public var wait: Double?

        public init(slots: Int?, resources: PilotResources?, studies: [String]?, wait: Double? = nil) {
            self.slots = slots
            self.resources = resources
            self.studies = studies
            self.wait = wait
        }
    }

    public init(pilot: String, outputs: [String: Double]?, failure: FailurePayload?, acquire: NextJobs?) {
        self.pilot = pilot
        self.outputs = outputs
        self.failure = failure
        self.acquire = acquire
    }
}

/// The work pilots can do now and later, for provisioners (as Harvester reads PanDA's queues).
public struct WorkSummary: Codable, Sendable, Equatable {
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

        public init(id: Int64, name: String, queued: Int, running: Int, remaining: Int, expectedSeconds: Double?) {
            self.id = id
            self.name = name
            self.queued = queued
            self.running = running
            self.remaining = remaining
            self.expectedSeconds = expectedSeconds
        }
    }

    public var queued: Int
    public var running: Int
    public var remaining: Int
    public var studies: [Study]

    public init(queued: Int, running: Int, remaining: Int, studies: [Study] = []) {
        self.queued = queued
        self.running = running
        self.remaining = remaining
        self.studies = studies
    }
}
