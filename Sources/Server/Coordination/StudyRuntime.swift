import BayesianOptimization
import Pareto
import Store
import Studies

/// What the coordinator keeps in memory for one study, rebuilt from the store at start: the
/// optimiser, the observations so far (optimiser frame) and the designs still open (queued or being
/// evaluated), so that generating candidates never rereads the whole study. A class: the coordinator
/// updates it in place after every result, which must not copy the observations.
final class StudyRuntime {
    let id: Int64
    let name: String
    let specification: StudySpecification
    let optimizer: BayesianOptimizer
    var trialCount: Int
    var observations: Observations
    /// Designs of trials not finished yet, by trial id: the pending points of the next suggestion.
    var open: [Int64: [Double]]
    /// Durations (s) of completed attempts.
    var durations: [Double]
    /// Whether a suggestion is being computed for this study.
    var generating = false

    init(id: Int64, name: String, specification: StudySpecification, store: StudyStore) throws {
        self.id = id
        self.name = name
        self.specification = specification
        optimizer = try specification.optimizer()
        let trials = try store.trials(study: id)
        trialCount = trials.count
        observations = specification.observations(trials)
        open = [:]
        for trial in trials where trial.state == .pending || trial.state == .running {
            open[trial.id] = trial.parameters
        }
        durations = try store.completedDurations(study: id)
    }

    var budget: Int { specification.budget ?? 100 }
    var maxAttempts: Int { specification.maxAttempts ?? 3 }
    var minQueued: Int { specification.minQueued ?? 4 }
    var leaseSeconds: Double { specification.leaseSeconds ?? 60 }
    /// Whether pilots evaluate this study (it names a command or a built-in problem).
    var servedByPilots: Bool { specification.evaluator.command != nil || specification.evaluator.problem != nil }

    /// The expected duration of one evaluation: the median of the finished ones, else the study's estimate.
    var expectedSeconds: Double? {
        guard !durations.isEmpty else { return specification.resources?.expectedSeconds }
        let sorted = durations.sorted()
        return sorted[sorted.count / 2]
    }

    /// Records a completed trial.
    func recordCompletion(trial: Int64, parameters: [Double], outputs: [String: Double], duration: Double?) {
        open[trial] = nil
        if let (y, c) = specification.observation(outputs) {
            observations.inputs.append(parameters)
            observations.objectives.append(y)
            observations.constraints.append(c)
        }
        if let duration, duration.isFinite, duration >= 0 { durations.append(duration) }
    }

    /// Hypervolume of the feasible observations, if a reference point is given or can be inferred.
    var hypervolume: Double? {
        let feasible = (0..<observations.count).filter { observations.isFeasible($0) }.map {
            observations.objectives[$0]
        }
        guard !feasible.isEmpty else { return nil }
        guard let reference = optimizer.referencePoint ?? ReferencePoint.inferred(from: feasible) else { return nil }
        return try? Hypervolume.of(PointSet(rows: feasible), reference: reference)
    }
}
