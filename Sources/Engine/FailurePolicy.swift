import StudyModel

/// When a study stops before its budget because its evaluations keep failing: when its first
/// ``StudyDefaults/initialFailuresToStop`` finished trials all failed, or when, after at least that
/// many trials, the share of failed ones exceeds `max_failure_rate` (Ax tolerates 0.5). A study that
/// spends its budget on a broken evaluator helps nobody; the message names the cause.
public struct FailurePolicy: Sendable {
    public var firstFailures: Int
    public var maxFailureRate: Double

    public init(specification: StudySpecification) {
        firstFailures = StudyDefaults.initialFailuresToStop
        maxFailureRate = specification.resolvedMaxFailureRate
    }

    /// Why the study should stop, or `nil` to go on.
    public func stopReason(completed: Int, failed: Int, last: EvaluationFailure?) -> String? {
        let finished = completed + failed
        let cause = last.map { "; the last error" + ($0.trial.map { " (trial \($0))" } ?? "") + ": " + $0.text() } ?? ""
        if completed == 0 && failed >= firstFailures {
            return "the first \(failed) trials all failed\(cause)"
        }
        if failed >= firstFailures && Double(failed) > maxFailureRate * Double(finished) {
            let rate = Double(failed) / Double(finished)
            return
                "\(failed) of \(finished) trials failed (\(Int((rate * 100).rounded()))% > max_failure_rate \(maxFailureRate))\(cause)"
        }
        return nil
    }

    /// How many trials may be started in all while no trial has completed yet and `failed` have
    /// failed, so that a broken evaluator runs at most ``firstFailures`` trials.
    public func startLimit(completed: Int, failed: Int) -> Int? {
        completed == 0 && failed > 0 ? firstFailures : nil
    }
}
