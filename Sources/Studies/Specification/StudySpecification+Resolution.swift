import BayesianOptimization
import Evaluation
import Foundation
import Problems
import Sampling
import StudyModel

extension StudySpecification {
    /// The hypervolume references of ToyTracker's outputs (the README's), used when a study gives none.
    static let toyTrackerReferences = ["resolution": 0.1, "lowpt_resolution": 0.1, "cost": 40.0]

    /// The specification with what a built-in problem brings filled in (its parameters when the study
    /// lists none, references of its own objectives), checked against the problem and the optimiser:
    /// the one parse step that the study file, the HTTP body, the CLI flags and an Ax import share.
    public func resolved() throws(StudyError) -> StudySpecification {
        var specification = self
        if let name = evaluator.problem {
            guard let problem = try? ProblemRegistry.problem(named: name) else {
                throw StudyError(
                    "evaluator.problem: unknown problem '\(name)'; known: \(ProblemRegistry.names.joined(separator: ", "))",
                    field: "evaluator.problem"
                )
            }
            if specification.parameters.isEmpty {
                specification.parameters = (0..<problem.dimension).map { j in
                    let name = problem.parameterNames[j]
                    switch problem.parameterKinds[j] {
                    case .continuous: return .float(name, problem.lowerBounds[j], problem.upperBounds[j])
                    case .integer: return .int(name, problem.lowerBounds[j], problem.upperBounds[j])
                    case .categorical(let choices): return .categorical(name, (0..<choices).map { "\($0)" })
                    }
                }
            }
            guard specification.parameters.count == problem.dimension else {
                throw StudyError(
                    "evaluator.problem: \(name) takes \(problem.dimension) parameters, the study has \(specification.parameters.count)",
                    field: "parameters"
                )
            }
            let outputs = BuiltinProblemEvaluator.outputNames(of: problem)
            for o in specification.objectives where !outputs.contains(o.name) {
                throw StudyError(
                    "objective '\(o.name)' is not an output of \(name); its outputs are \(outputs.sorted().joined(separator: ", "))",
                    field: "objectives"
                )
            }
            for j in specification.objectives.indices where specification.objectives[j].reference == nil {
                let objective = specification.objectives[j]
                if let index = problem.objectiveNames.firstIndex(of: objective.name), problem.name != "toytracker" {
                    specification.objectives[j].reference = objective.direction.minimized(problem.referencePoint[index])
                } else {
                    specification.objectives[j].reference = Self.toyTrackerReferences[objective.name]
                }
            }
        }
        try specification.validate()
        _ = try specification.optimizer()
        try specification.checkSatisfiable()
        return specification
    }

    /// Parses a study from JSON (a study file or an HTTP body) and resolves it.
    public static func parse(json data: Data, source: String) throws(StudyError) -> StudySpecification {
        let decoded = try decode(json: data, source: source)
        do {
            return try decoded.resolved()
        } catch {
            throw StudyError("\(source): \(error.message)", field: error.field, code: error.code)
        }
    }

    /// Fails early when no design satisfies the linear parameter constraints (65,536 Sobol points),
    /// or, for a built-in problem, when no design of a 2,048-point Sobol sample satisfies the outcome
    /// constraints: the study could never find a feasible design.
    func checkSatisfiable() throws(StudyError) {
        let linear = try linearConstraints()
        let space = try searchSpace()
        if !linear.isEmpty {
            var sobol = SobolSequence(dimension: space.dimension, scrambled: true, seed: 11)
            let satisfiable = (0..<65_536).contains { _ in
                let x = space.point(fromUnit: sobol.next())
                return linear.allSatisfy { $0.isSatisfied(by: x) }
            }
            guard satisfiable else {
                throw StudyError(
                    "parameter constraints \((parameterConstraints ?? []).joined(separator: ", ")): no design satisfies them",
                    field: "parameter_constraints"
                )
            }
        }
        guard let problem = builtinProblem, let constraints, !constraints.isEmpty else { return }
        let parsed = try parsedConstraints()
        var sobol = SobolSequence(dimension: space.dimension, scrambled: true, seed: 7)
        let evaluator = BuiltinProblemEvaluator(problem: problem)
        for _ in 0..<2048 {
            let outputs = evaluator.outputs(space.point(fromUnit: sobol.next()))
            if parsed.allSatisfy({ ($0.value(outputs) ?? 1) <= 0 }) { return }
        }
        throw StudyError(
            "constraints \(constraints.joined(separator: ", ")): no design of a 2,048-point sample of \(problem.name) satisfies them",
            field: "constraints"
        )
    }
}
