/// Every default of a study, in one place: the CLI, the server and the Python client resolve an
/// unset field to these values.
public enum StudyDefaults {
    /// Trials in all, initial design included.
    public static let budget = 40
    /// Evaluations at once for a user's command run locally.
    public static let workers = 1
    /// Evaluations at once for a built-in problem run locally.
    public static let builtinWorkers = 4
    /// Attempts per trial before it fails.
    public static let maxAttempts = 3
    /// Seconds before a command is killed and its attempt failed.
    public static let timeout = 3600.0
    /// Candidates kept queued for pilots.
    public static let minQueued = 4
    /// Seconds a pilot holds a job without a heartbeat.
    public static let leaseSeconds = 60.0
    /// The share of finished trials that may fail before the study stops (Ax tolerates 0.5).
    public static let maxFailureRate = 0.5
    /// A study whose first this-many trials all fail stops at once.
    public static let initialFailuresToStop = 5
    /// The random seed.
    public static let seed: UInt64 = 0
    /// Candidates asked for at once, at most.
    public static let maxAskCount = 1000
}
