import Memberwise
import StudyModel

/// One job handed to a pilot: an attempt of a trial, with everything needed to run it.
/// The same type is encoded by the server and decoded by pilots.
@MemberwiseInit
public struct PilotJob: Codable, Sendable {
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
    /// For a workflow study, the job is one step of the trial (a fan-out element of it): its name,
    /// the element and its index, the outputs of the trial's completed steps, and the trial's
    /// directory (`nil`: under the pilot's own work directory, `<study>/trial-<n>`).
    public var step: String? = nil
    public var element: JSONValue? = nil
    public var elementIndex: Int? = nil
    public var inputs: [String: JSONValue]? = nil
    public var trialDirectory: String? = nil

    enum CodingKeys: String, CodingKey {
        case job, study, trial, attempt, parameters, command, problem, timeout, environment, prefix, objectives
        case step, element, inputs
        case studyName = "study_name"
        case workingDirectory = "working_directory"
        case leaseSeconds = "lease_seconds"
        case heartbeatSeconds = "heartbeat_seconds"
        case elementIndex = "element_index"
        case trialDirectory = "trial_directory"
    }

    /// The workflow job this is, if it is one.
    public var workflowJob: WorkflowJob? { step.map { WorkflowJob(step: $0, element: elementIndex) } }
}

/// The answer to `POST /v1/pilots/acquire`.
@MemberwiseInit
public struct AcquireResponse: Codable, Sendable {
    public var jobs: [PilotJob]
    /// Seconds to wait before asking again when no job was given.
    public var retryAfter: Double?

    enum CodingKeys: String, CodingKey {
        case jobs
        case retryAfter = "retry_after"
    }
}

/// The answer to a heartbeat: `continue` or `kill`.
@MemberwiseInit
public struct HeartbeatResponse: Codable, Sendable {
    /// What the pilot is to do with the job.
    public enum Command: String, NamedCases {
        case `continue`, kill
    }

    public var command: Command
    public var reason: String?
    public var leaseExpiresAt: Double?

    enum CodingKeys: String, CodingKey {
        case command, reason
        case leaseExpiresAt = "lease_expires_at"
    }
}

/// The answer to `POST /v1/jobs/{job}/complete`.
@MemberwiseInit
public struct CompleteResponse: Codable, Sendable {
    public var trial: Int
    public var state: TrialState
    /// Whether this report changed anything (false for a repeated identical report).
    public var recorded: Bool
    /// The next jobs, when the request asked for them.
    public var jobs: [PilotJob]?
}
