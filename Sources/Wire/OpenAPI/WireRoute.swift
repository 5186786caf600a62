import Memberwise
import StudyModel

/// One route of the HTTP API: method, path, what it takes and what it answers. ``all`` is the
/// list the server registers its handlers from and the OpenAPI document is generated from, so the
/// two cannot disagree.
public struct WireRoute: Sendable, Hashable, CustomStringConvertible {
    public enum Method: String, Sendable, Hashable {
        case get = "GET"
        case post = "POST"
    }

    /// A body: a ``WireSchema`` message, an array of them, or the OpenAPI document.
    public enum Body: Sendable {
        case message(any WireSchema.Type)
        case array(of: any WireSchema.Type)
        case document
    }

    /// A server-sent event stream a route answers with `follow=true`: its event names and data.
    @MemberwiseInit
    public struct EventStream: Sendable {
        /// The `event:` names, `end` included.
        public var events: [String]
        /// What `data:` holds.
        public var data: String
        /// Whether `data:` is JSON.
        public var json: Bool
    }

    /// A query parameter.
    public struct Query: Sendable {
        public var name: String
        public var schema: JSONValue
        public var description: String?

        public init(_ name: String, _ schema: JSONValue, _ description: String? = nil) {
            self.name = name
            self.schema = schema
            self.description = description
        }
    }

    public var method: Method
    /// The path template, `/v1/studies/{study}`.
    public var path: String
    public var summary: String
    public var details: String?
    public var query: [Query]
    /// The request body, if the route takes one; `optionalBody` routes also take none.
    public var request: (any WireSchema.Type)?
    public var optionalBody: Bool
    /// The status of a successful answer.
    public var status: Int
    public var response: Body
    /// The server-sent event stream the route also answers with (`follow=true`), if it does.
    public var streams: EventStream?
    /// Whether the route needs a bearer token.
    public var authenticated: Bool

    init(
        _ method: Method,
        _ path: String,
        _ summary: String,
        details: String? = nil,
        query: [Query] = [],
        request: (any WireSchema.Type)? = nil,
        optionalBody: Bool = false,
        status: Int = 200,
        response: Body,
        streams: EventStream? = nil,
        authenticated: Bool = true
    ) {
        self.method = method
        self.path = path
        self.summary = summary
        self.details = details
        self.query = query
        self.request = request
        self.optionalBody = optionalBody
        self.status = status
        self.response = response
        self.streams = streams
        self.authenticated = authenticated
    }

    public var description: String { "\(method.rawValue) \(path)" }

    /// The path in Hummingbird's router syntax: `/v1/studies/:study`.
    public var routerPath: String {
        path.split(separator: "/", omittingEmptySubsequences: false).map { segment in
            segment.hasPrefix("{") && segment.hasSuffix("}") ? ":" + segment.dropFirst().dropLast() : segment
        }.joined(separator: "/")
    }

    /// The names of the path's parameters, in order.
    public var pathParameters: [String] {
        path.split(separator: "/").filter { $0.hasPrefix("{") }.map { String($0.dropFirst().dropLast()) }
    }

    /// Whether a concrete path (`/v1/studies/3/ask`) matches this route's template.
    public func matches(path concrete: String) -> Bool {
        let segments = concrete.split(separator: "/", omittingEmptySubsequences: true)
        let template = path.split(separator: "/", omittingEmptySubsequences: true)
        return template.count == segments.count && zip(template, segments).allSatisfy { $0.hasPrefix("{") || $0 == $1 }
    }

    public static func == (lhs: WireRoute, rhs: WireRoute) -> Bool {
        lhs.method == rhs.method && lhs.path == rhs.path
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(method)
        hasher.combine(path)
    }
}

extension WireRoute {
    public static let health = WireRoute(
        .get,
        "/health",
        "Liveness",
        response: .message(HealthResponse.self),
        authenticated: false
    )
    public static let openAPI = WireRoute(
        .get,
        "/openapi.json",
        "This document, generated from the server's own message types",
        response: .document,
        authenticated: false
    )
    public static let createToken = WireRoute(
        .post,
        "/v1/tokens",
        "Create a token (admin)",
        request: TokenRequest.self,
        status: 201,
        response: .message(TokenResponse.self)
    )
    public static let renewToken = WireRoute(
        .post,
        "/v1/tokens/renew",
        "Exchange a valid token for a fresh one",
        details: """
            Same role, study and name, the lifetime it was given (or a shorter expires_in). The old token stays \
            valid until its own expiry.
            """,
        request: RenewRequest.self,
        optionalBody: true,
        status: 201,
        response: .message(TokenResponse.self)
    )
    public static let tokenSelf = WireRoute(
        .get,
        "/v1/tokens/self",
        "The caller's token: role, study, name and expiry",
        response: .message(TokenIdentity.self)
    )
    public static let audit = WireRoute(
        .get,
        "/v1/audit",
        "Who created, told or changed what, and from where (admins)",
        details: "Pilots' results are recorded per attempt with the pilot's name.",
        query: [
            Query("after", ["type": "integer", "minimum": 0], "Only records after this id"),
            Query("limit", ["type": "integer", "minimum": 1, "maximum": 10_000, "default": 1000]),
            Query("study", ["type": "string"], "Only this study's records"),
        ],
        response: .message(AuditResponse.self)
    )
    public static let createStudy = WireRoute(
        .post,
        "/v1/studies",
        "Create a study",
        details: "The body is a study file. Invalid input is a 422 naming the field, and nothing is stored.",
        request: StudySpecification.self,
        status: 201,
        response: .message(StudySummary.self)
    )
    public static let studies = WireRoute(
        .get,
        "/v1/studies",
        "List the studies the caller may read",
        response: .array(of: StudySummary.self)
    )
    public static let study = WireRoute(
        .get,
        "/v1/studies/{study}",
        "A study with its specification and counts",
        response: .message(StudySummary.self)
    )
    public static let ask = WireRoute(
        .post,
        "/v1/studies/{study}/ask",
        "Ask for candidates; they become running trials",
        request: AskRequest.self,
        optionalBody: true,
        response: .message(AskResponse.self)
    )
    public static let dashboard = WireRoute(
        .get,
        "/v1/studies/{study}/dashboard",
        "What the dashboard draws: axes, feasibility, Pareto ranks, hypervolume history",
        response: .message(StudyDashboard.self)
    )
    public static let trials = WireRoute(
        .get,
        "/v1/studies/{study}/trials",
        "Every trial",
        response: .array(of: TrialPayload.self)
    )
    public static let addTrial = WireRoute(
        .post,
        "/v1/studies/{study}/trials",
        "Add a trial with given parameters (queued for pilots, or told by the client)",
        request: AttachRequest.self,
        status: 201,
        response: .message(TrialPayload.self)
    )
    public static let trial = WireRoute(
        .get,
        "/v1/studies/{study}/trials/{trial}",
        "One trial with its attempts",
        details: "For a workflow study, every step with its attempts, pilots, states and outputs.",
        response: .message(TrialPayload.self)
    )
    public static let tell = WireRoute(
        .post,
        "/v1/studies/{study}/trials/{trial}/tell",
        "Tell a trial's outputs or failure",
        details: "The same tell twice is a no-op; different values for a finished attempt are 409.",
        request: TellRequest.self,
        response: .message(TellResponse.self)
    )
    public static let front = WireRoute(
        .get,
        "/v1/studies/{study}/front",
        "The feasible Pareto front and its hypervolume",
        response: .message(FrontResponse.self)
    )
    public static let history = WireRoute(
        .get,
        "/v1/studies/{study}/history",
        "Hypervolume after each trial",
        response: .array(of: HistoryPoint.self)
    )
    public static let results = WireRoute(
        .get,
        "/v1/studies/{study}/results",
        "Finished trials in the order their results were folded in",
        details: """
            Without follow, a JSON page of results after sequence `after`. With `follow=true`, a server-sent \
            event stream: `id:` the sequence (resume with Last-Event-ID or after=), `event: trial` with the trial \
            as JSON, keep-alive comments, and `event: end` once the study has no more trials to run.
            """,
        query: [
            Query(
                "after",
                ["oneOf": [["type": "integer", "minimum": 0], ["type": "string", "enum": ["latest"]]]],
                "Sequence number after which to start, or 'latest': only results after the latest one now"
            ),
            Query("follow", ["type": "boolean"], "Stream as server-sent events"),
        ],
        response: .message(ResultsResponse.self),
        streams: EventStream(
            events: ["trial", "end"],
            data: "trial: the finished trial (a Trial); end: {\"study\": name}",
            json: true
        )
    )
    public static let acquire = WireRoute(
        .post,
        "/v1/pilots/acquire",
        "Reserve up to `slots` jobs that fit the pilot's resources, each with a lease",
        request: AcquireRequest.self,
        response: .message(AcquireResponse.self)
    )
    public static let pilots = WireRoute(
        .get,
        "/v1/pilots",
        "Pilots heard from and the jobs they hold (a study-bound token sees its study's jobs only)",
        response: .message(PilotsResponse.self)
    )
    public static let work = WireRoute(
        .get,
        "/v1/work",
        "Queued, running and remaining evaluations of the studies pilots serve (for provisioners)",
        response: .message(WorkSummary.self)
    )
    public static let heartbeat = WireRoute(
        .post,
        "/v1/jobs/{job}/heartbeat",
        "Extend a job's lease; the answer says continue or kill",
        request: PilotRequest.self,
        response: .message(HeartbeatResponse.self)
    )
    public static let appendLogs = WireRoute(
        .post,
        "/v1/jobs/{job}/logs",
        "Append log lines of a running job",
        request: LogsRequest.self,
        response: .message(AppendLogsResponse.self)
    )
    public static let logs = WireRoute(
        .get,
        "/v1/jobs/{job}/logs",
        "A job's log",
        details:
            "With follow=true (or Accept: text/event-stream) a server-sent event stream that ends with `event: end`.",
        query: [
            Query("follow", ["type": "boolean"], "Stream as server-sent events"),
            Query("after", ["type": "integer", "minimum": 0], "Only lines after this id"),
        ],
        response: .message(LogsResponse.self),
        streams: EventStream(
            events: ["stdout", "stderr", "pilot", "end"],
            data: "The line's text; end: {\"job\": id}",
            json: false
        )
    )
    public static let complete = WireRoute(
        .post,
        "/v1/jobs/{job}/complete",
        "Report a job's outputs or failure",
        details: "A job whose lease was lost gets 409 and nothing changes.",
        request: CompleteRequest.self,
        response: .message(CompleteResponse.self)
    )
    public static let release = WireRoute(
        .post,
        "/v1/jobs/{job}/release",
        "Hand a job back (pilot stopping); it is queued again without counting as an attempt",
        request: PilotRequest.self,
        response: .message(TellResponse.self)
    )

    /// Every route of the API, in the document's order.
    public static let all: [WireRoute] = [
        health, openAPI, createToken, renewToken, tokenSelf, audit, createStudy, studies, study, ask, dashboard,
        trials, addTrial, trial, tell, front, history, results, acquire, pilots, work, heartbeat, appendLogs, logs,
        complete, release,
    ]
}
