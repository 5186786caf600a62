import BayesianOptimization
import Evaluation
import Foundation
import Pareto
import Problems
import Sampling
import Store
import StudyModel

extension StudySpecification {
    /// The optimiser's search space: log-scale floats in log space, categoricals as choice indices.
    public func searchSpace() throws(StudyError) -> SearchSpace {
        let bounds = parameters.map(\.domain.searchBounds)
        do {
            return try SearchSpace(
                names: parameters.map(\.name),
                lower: bounds.map(\.lower),
                upper: bounds.map(\.upper),
                kinds: parameters.map { parameter in
                    switch parameter.domain {
                    case .real: .continuous
                    case .integer: .integer
                    case .categorical(let choices): .categorical(choices: choices.count)
                    }
                }
            )
        } catch {
            throw StudyError(error.message, field: error.field)
        }
    }

    /// The optimiser this specification describes: search space, strategy, reference point, noise
    /// model and linear parameter constraints.
    public func optimizer() throws(StudyError) -> BayesianOptimizer {
        var optimizer = BayesianOptimizer(
            space: try searchSpace(),
            objectiveCount: objectives.count,
            constraintCount: outcomeConstraints.count,
            referencePoint: minimizedReference
        )
        optimizer.acquisition = resolvedStrategy.acquisition
        optimizer.model = resolvedModel.choice
        optimizer.initialDesignSize = initialDesign
        optimizer.budget = resolvedBudget
        optimizer.linearConstraints = try linearConstraints().map { ($0.coefficients, $0.bound) }
        optimizer.observationNoise = resolvedNoise == .deterministic ? .deterministic : .inferred
        // A study's models are fitted on every core (the server runs them on its model threads).
        optimizer.parallelOutputFits = true
        return optimizer
    }

    /// The outcome constraints to satisfy: the study's, plus a built-in problem's own
    /// (`constraint_<k> <= 0`).
    public var outcomeConstraints: [OutcomeConstraint] {
        var result = (try? parsedConstraints()) ?? []
        if let problem = builtinProblem {
            for k in 0..<problem.constraintCount {
                result.append(OutcomeConstraint(output: "constraint_\(k)", isUpperBound: true, bound: 0))
            }
        }
        return result
    }

    /// The built-in problem the evaluator names, if any.
    public var builtinProblem: (any TestProblem)? {
        evaluator.problem.flatMap { try? ProblemRegistry.problem(named: $0) }
    }

    /// One observation in the optimiser's frame (objectives minimised, constraint values `<= 0`
    /// when satisfied), or `nil` if an objective or a constrained output is missing or not finite.
    public func observation(_ outputs: [String: Double]) -> (objectives: [Double], constraints: [Double])? {
        guard let y = minimizedObjectives(outputs) else { return nil }
        var c: [Double] = []
        for constraint in outcomeConstraints {
            guard let value = constraint.value(outputs), value.isFinite else { return nil }
            c.append(value)
        }
        return (y, c)
    }

    /// Observations (optimiser frame) of the completed trials with usable outputs.
    public func observations(_ trials: [TrialRecord]) -> Observations {
        var observations = Observations()
        for trial in trials where trial.state == .completed {
            guard let outputs = trial.outputs, let (y, c) = observation(outputs) else { continue }
            observations.inputs.append(trial.parameters)
            observations.objectives.append(y)
            observations.constraints.append(c)
        }
        observations.infeasibleInputs = trials.filter { $0.state == .infeasible }.map(\.parameters)
        return observations
    }

    /// Why `outputs` cannot be recorded as a result: an objective, or an output a constraint
    /// needs, is missing or not finite. `nil` when they can.
    public func missingOutput(_ outputs: [String: Double]) -> (name: String, message: String)? {
        for objective in objectives where !(outputs[objective.name]?.isFinite ?? false) {
            return (objective.name, "the outputs lack the objective '\(objective.name)'")
        }
        for constraint in outcomeConstraints where constraint.value(outputs) == nil {
            return (constraint.output, "the outputs lack '\(constraint.output)', which a constraint needs")
        }
        return nil
    }

    /// The hypervolume of feasible objective vectors (optimiser frame): against the study's
    /// reference point, else the one inferred from their front (BoTorch's rule). The one rule
    /// that the engine, the reports and the service use.
    public func hypervolume(ofFeasible points: [[Double]]) -> Double? {
        guard let reference = minimizedReference ?? ReferencePoint.inferred(from: points) else { return nil }
        guard !points.isEmpty else { return 0 }
        return try? Hypervolume.of(PointSet(rows: points), reference: reference)
    }
}

extension SurrogateModel {
    var choice: ModelChoice {
        switch self {
        case .auto: .auto
        case .gp: .gp
        case .saas: .saas
        }
    }
}

extension Strategy {
    /// The optimiser's acquisition (`external` studies never ask the optimiser: quasi-random).
    var acquisition: AcquisitionChoice {
        switch self {
        case .auto: .auto
        case .qlognehvi: .qlognehvi
        case .qnparego: .qnparego
        case .logei: .logei
        case .ucb: .ucb
        case .trustRegion: .trustRegion
        case .sobol, .external: .sobol
        }
    }
}
