import Memberwise

/// What the failure of a workflow step means.
public enum StepFailureMeaning: String, NamedCases {
    /// The run broke: the step is retried up to its attempts, then the trial fails.
    case error
    /// The design is infeasible (a geometry overlap check): when the step's program exits with a
    /// non-zero code, the trial is recorded as infeasible at once and the optimiser learns where
    /// such designs lie. A step killed by a signal, a timeout or a lost pilot is still an error.
    case infeasible
}

/// One named step of a workflow evaluator: a command run as its own job, once, or once per element
/// of `fan_out`, after the steps it depends on.
///
/// The command runs under `/bin/sh -c` in the trial's working directory (shared by the trial's
/// steps) with the design as JSON on stdin (`{"trial", "parameters", "step", "element", "steps"}`,
/// where `steps` holds the JSON outputs of the steps before it, a list for fanned-out ones) and the
/// environment variables of a plain command evaluator plus `PARETOPILOT_STEP`,
/// `PARETOPILOT_ELEMENT` (the fan-out element: a string as itself, anything else as JSON),
/// `PARETOPILOT_ELEMENT_INDEX`, `PARETOPILOT_TRIAL_DIR` and `PARETOPILOT_CHECKPOINT_DIR` (a
/// directory kept across the attempts of this step of this trial, to resume from). The last line of
/// stdout that is a JSON object is the step's output; the objectives step must print one with
/// every objective.
@MemberwiseInit
public struct WorkflowStep: Codable, Sendable, Equatable {
    public var name: String
    public var command: String
    /// Steps that must have completed (every element of a fanned-out one) before this one runs.
    public var after: [String] = []
    /// Run once per element, the element given to the command.
    public var fanOut: [JSONValue]?
    /// What one job of this step needs; unset fields are the study's `resources`.
    public var resources: StudySpecification.Resources?
    /// Attempts per job of this step before the trial fails (default: the study's `max_attempts`).
    public var maxAttempts: Int?
    /// Variables added to this step's environment (after the evaluator's).
    public var environment: [String: String]?
    /// Seconds before the step's command is killed (default: the evaluator's timeout).
    public var timeout: Double?
    /// Whether this step prints the trial's objectives (exactly one step does).
    public var objectives: Bool = false
    /// What a failure of this step means.
    public var onFailure: StepFailureMeaning = .error

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, command, after, resources, environment, timeout, objectives
        case fanOut = "fan_out"
        case maxAttempts = "max_attempts"
        case onFailure = "on_failure"
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        command = try container.decode(String.self, forKey: .command)
        after = try container.decodeIfPresent([String].self, forKey: .after) ?? []
        fanOut = try container.decodeIfPresent([JSONValue].self, forKey: .fanOut)
        resources = try container.decodeIfPresent(StudySpecification.Resources.self, forKey: .resources)
        maxAttempts = try container.decodeIfPresent(Int.self, forKey: .maxAttempts)
        environment = try container.decodeIfPresent([String: String].self, forKey: .environment)
        timeout = try container.decodeIfPresent(Double.self, forKey: .timeout)
        objectives = try container.decodeIfPresent(Bool.self, forKey: .objectives) ?? false
        onFailure = try container.decodeIfPresent(StepFailureMeaning.self, forKey: .onFailure) ?? .error
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(command, forKey: .command)
        if !after.isEmpty { try container.encode(after, forKey: .after) }
        try container.encodeIfPresent(fanOut, forKey: .fanOut)
        try container.encodeIfPresent(resources, forKey: .resources)
        try container.encodeIfPresent(maxAttempts, forKey: .maxAttempts)
        try container.encodeIfPresent(environment, forKey: .environment)
        try container.encodeIfPresent(timeout, forKey: .timeout)
        if objectives { try container.encode(true, forKey: .objectives) }
        if onFailure != .error { try container.encode(onFailure, forKey: .onFailure) }
    }

    /// How many jobs this step is per trial.
    public var jobCount: Int { fanOut?.count ?? 1 }
}
