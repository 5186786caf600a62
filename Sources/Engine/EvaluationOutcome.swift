import Evaluation
import Memberwise
import StudyModel

/// Why an attempt failed: a message, the exit code of the process if one ran, and its stderr tail.
@MemberwiseInit
public struct EvaluationFailure: Sendable, Equatable {
    public var message: String
    public var exitCode: Int32?
    public var stderrTail: String?
    /// The trial it belongs to, when known.
    public var trial: Int?

    /// The message followed by the last `lines` lines of stderr, for a terminal.
    public func text(lines: Int = 5) -> String {
        guard let tail = stderrTail?.trimmingCharacters(in: .whitespacesAndNewlines), !tail.isEmpty else {
            return message
        }
        let last = tail.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines)
        return message + "\n" + last.map { "    | \($0)" }.joined(separator: "\n")
    }
}

/// What an evaluation produced, as the engine records it.
public enum EvaluationOutcome: Sendable, Equatable {
    case success([String: Double])
    case failure(EvaluationFailure)
    /// A workflow step's result: the JSON object it printed (the steps after it read it; the
    /// objectives step's numbers are the trial's outputs), and whether it resumed from a checkpoint.
    case step(output: JSONValue?, resumed: Bool)
    /// A workflow step's failure, and whether the attempt had resumed from a checkpoint.
    case stepFailure(EvaluationFailure, resumed: Bool)

    /// Whether this is a trial's outputs (not a failure, not a step's result).
    public var isSuccess: Bool {
        if case .success = self { return true }
        return false
    }

    /// The outcome as a whole trial's: a step's output as its numbers.
    var plain: EvaluationOutcome {
        switch self {
        case .step(let output, _): .success(output?.numbers ?? [:])
        case .stepFailure(let failure, _): .failure(failure)
        default: self
        }
    }

    /// The outcome of an evaluator's result: outputs that lack an objective or an output a constraint
    /// needs are a failed attempt (retried), not a result.
    public init(_ result: EvaluationResult, specification: StudySpecification, trial: Int) {
        switch result {
        case .success(let outputs):
            if let missing = specification.missingOutput(outputs) {
                self = .failure(EvaluationFailure(message: "output '\(missing.name)' missing", trial: trial))
            } else {
                self = .success(outputs)
            }
        case .failure(let message, let exitCode, let stderrTail):
            self = .failure(
                EvaluationFailure(message: message, exitCode: exitCode, stderrTail: stderrTail, trial: trial)
            )
        }
    }
}

/// How the engine applied an outcome to an attempt.
public enum RecordedOutcome: Sendable, Equatable {
    /// The trial completed with these outputs.
    case completed
    /// The attempt failed and the trial is queued for another attempt (for a workflow: the step).
    case retrying(EvaluationFailure)
    /// A workflow step completed; its trial goes on.
    case stepCompleted
    /// A workflow step declared the design infeasible: the trial ended as infeasible.
    case infeasible(EvaluationFailure)
    /// The attempt failed and so did the trial (no attempt left, or no retry wanted).
    case failed(EvaluationFailure)
    /// The same outcome had been recorded already: nothing changed.
    case unchanged

    /// Whether anything changed.
    public var changed: Bool { self != .unchanged }
}

/// The kinds of event the engine writes to a study's event log (besides the `trial_completed` and
/// `trial_failed` events the store writes with the transition itself).
public enum StudyEventKind: String, Sendable {
    case retry
    case leaseExpired = "lease_expired"
    case released
    case modelFallback = "model_fallback"
    /// A workflow step failed and runs again.
    case stepRetry = "step_retry"
    case studyStopped = "study_stopped"
}
