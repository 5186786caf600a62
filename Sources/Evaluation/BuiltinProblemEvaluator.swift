import Memberwise
import Problems
import StudyModel

/// Evaluates a built-in test problem in-process. Outputs: the problem's objectives by name,
/// `constraint_<k>` for its own constraints (feasible when `<= 0`), and for ToyTracker every
/// quantity it computes (silicon area, magnet energy).
@MemberwiseInit
public struct BuiltinProblemEvaluator: Evaluator {
    public let problem: any TestProblem

    /// The output names of `problem`'s evaluator.
    public static func outputNames(of problem: any TestProblem) -> [String] {
        if problem is ToyTracker {
            return ToyTracker.allValues([5, 0.5, 10, 0.001, 1]).keys.sorted() + ["constraint_0"]
        }
        return problem.objectiveNames + (0..<problem.constraintCount).map { "constraint_\($0)" }
    }

    public func evaluate(_ parameters: [String: ParameterValue], trial: Int) async -> EvaluationResult {
        var x: [Double] = []
        for name in problem.parameterNames {
            // A categorical input of a built-in problem is its choice index, spelled as a choice.
            let value: Double?
            switch parameters[name] {
            case .number(let v): value = v
            case .choice(let choice): value = Double(choice)
            case nil: value = nil
            }
            guard let value else {
                return .failure(
                    message: "parameter '\(name)' is missing or not a number",
                    exitCode: nil,
                    stderrTail: nil
                )
            }
            x.append(value)
        }
        return .success(outputs(x))
    }

    /// Every output at the design `x` (the problem's parameter order).
    public func outputs(_ x: [Double]) -> [String: Double] {
        var outputs: [String: Double] = [:]
        if problem is ToyTracker {
            outputs = ToyTracker.allValues(x)
        } else {
            for (name, value) in zip(problem.objectiveNames, problem.evaluate(x)) { outputs[name] = value }
        }
        for (k, value) in problem.constraints(x).enumerated() { outputs["constraint_\(k)"] = value }
        return outputs
    }
}
