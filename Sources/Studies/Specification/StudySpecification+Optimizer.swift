import BayesianOptimization
import Store

extension StudySpecification {
    /// The optimiser this specification describes: search space, strategy, reference point, noise
    /// model and linear parameter constraints.
    public func optimizer() throws(StudyError) -> BayesianOptimizer {
        var optimizer = BayesianOptimizer(
            space: try searchSpace(),
            objectiveCount: objectives.count,
            constraintCount: outcomeConstraints.count,
            referencePoint: minimizedReference
        )
        optimizer.acquisition = strategy.flatMap(AcquisitionChoice.init(rawValue:)) ?? .auto
        optimizer.initialDesignSize = initialDesign
        optimizer.linearConstraints = try linearConstraints()
        optimizer.observationNoise =
            noise.flatMap(ObservationNoise.init(rawValue:))
            ?? (evaluator.problem != nil ? .deterministic : .inferred)
        return optimizer
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
        return observations
    }
}
