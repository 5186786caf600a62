import StudyModel

/// The outcome of evaluating one design.
public enum EvaluationResult: Sendable, Equatable {
    /// Named outputs (objectives, constraint quantities, other metrics).
    case success([String: Double])
    /// The evaluation failed: why, the exit code if a process ran, and the tail of its stderr.
    case failure(message: String, exitCode: Int32?, stderrTail: String?)
}

/// Evaluates designs: a built-in problem or a user's simulation.
public protocol Evaluator: Sendable {
    /// Evaluates one design given by its parameter values; `trial` numbers the design in the study.
    func evaluate(_ parameters: [String: ParameterValue], trial: Int) async -> EvaluationResult
}
