import BayesianOptimization
import Foundation
import Pareto
import Store
import Studies
import StudyModel

/// What the engine keeps in memory for one study, rebuilt from the store at start: the optimiser,
/// the observations so far (optimiser frame), the designs still open (queued or being evaluated)
/// and the counts the failure policy reads, so that generating candidates never rereads the whole
/// study. A class: the engine updates it in place after every result, which must not copy the
/// observations.
public final class StudyRuntime {
    public let id: Int64
    public let name: String
    public let specification: StudySpecification
    public let optimizer: BayesianOptimizer
    public internal(set) var trialCount: Int
    public internal(set) var observations: Observations
    /// Designs of trials not finished yet, by trial id: the pending points of the next suggestion.
    public internal(set) var open: [Int64: [Double]]
    /// Durations (s) of the latest completed attempts (at most ``durationWindow``): recent ones say
    /// more of the next, and pilots' acquisitions read their median on every request (sorting all
    /// 5,000 per request cost 3% of the server's CPU in `bench service`).
    public internal(set) var durations: [Double]
    static let durationWindow = 255
    /// Trials finished as completed, as failed, and as infeasible (a workflow step said so).
    public internal(set) var completedCount: Int
    public internal(set) var failedCount: Int
    public internal(set) var infeasibleCount: Int
    /// The evaluator's steps, for a workflow study.
    public var workflow: Workflow? { specification.evaluator.steps }
    /// The last failure of a trial, for the message of a stopped study.
    public internal(set) var lastFailure: EvaluationFailure?
    /// Why the study stopped before its budget, if it did (see ``FailurePolicy``).
    public internal(set) var stopReason: String?
    /// Whether a suggestion is being computed for this study.
    public var generating = false
    /// Counts when the failure policy was last reset: it judges the trials since.
    var failureBaseline = (completed: 0, failed: 0, trials: 0)
    /// The global model's hyperparameters from its last fit and how many observations that fit saw:
    /// suggestions in between condition on the data under them (``CandidateRequest``).
    public internal(set) var hyperparameters: (values: [OutputHyperparameters], observations: Int)?
    /// Whether a fit of the hyperparameters runs in the background.
    public var refitting = false
    /// When the latest completions were recorded (Unix seconds, at most the last 256).
    var completionTimes: [Double] = []
    /// Seconds a generation of candidates takes (exponential average of the measured ones).
    public internal(set) var generationSeconds: Double?

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
        durations = try store.completedDurations(study: id, limit: Self.durationWindow)
        completedCount = trials.filter { $0.state == .completed }.count
        failedCount = trials.filter { $0.state == .failed }.count
        infeasibleCount = trials.filter { $0.state == .infeasible }.count
        if let failed = trials.last(where: { $0.state == .failed }) {
            lastFailure = EvaluationFailure(message: failed.lastError ?? "failed", trial: failed.number)
        }
        stopReason = FailurePolicy(specification: specification).stopReason(
            completed: completedCount,
            failed: failedCount,
            last: lastFailure
        )
    }

    public var budget: Int { specification.resolvedBudget }
    public var maxAttempts: Int { specification.resolvedMaxAttempts }
    public var minQueued: Int { specification.resolvedMinQueued }
    public var leaseSeconds: Double { specification.resolvedLeaseSeconds }
    /// Whether pilots evaluate this study (it names a command or a built-in problem).
    public var servedByPilots: Bool { specification.evaluator.kind != .none }

    /// The expected duration of one evaluation: the median of the latest finished ones, else the study's estimate.
    public var expectedSeconds: Double? {
        guard !durations.isEmpty else { return specification.resources?.expectedSeconds }
        let sorted = durations.sorted()
        return sorted[sorted.count / 2]
    }

    /// Hypervolume of the feasible observations (``StudySpecification/hypervolume(ofFeasible:)``).
    public var hypervolume: Double? {
        let feasible = (0..<observations.count).filter { observations.isFeasible($0) }.map {
            observations.objectives[$0]
        }
        guard !feasible.isEmpty else { return nil }
        return specification.hypervolume(ofFeasible: feasible)
    }

    /// Results per second over the latest completions (nil until there are two).
    public var completionRate: Double? {
        guard completionTimes.count >= 2, let first = completionTimes.first, let last = completionTimes.last,
            last > first
        else { return nil }
        return Double(completionTimes.count - 1) / (last - first)
    }

    /// How many candidates to keep queued: `min_queued`, or the pilot slots `waiting` for a job now
    /// plus enough for the results expected while one generation runs, three times over (at most 1,000;
    /// twice over left 200 simulated pilots idle 4-9% of the time, `bench service`),
    /// so that pilots never wait for candidates.
    public func queueTarget(waiting: Int = 0) -> Int {
        let expected = generationSeconds.flatMap { seconds in completionRate.map { 3 * $0 * seconds } } ?? 0
        return max(minQueued, min(1000, waiting + Int(expected.rounded(.up))))
    }

    /// The largest batch one generation computes: quasi-random designs come in any number; a
    /// model-based batch costs a fixed part (the models' factorisations) plus about linearly in its
    /// size (Thompson batches once many designs are in flight; a small greedy batch stays small),
    /// so it is split and the queue refilled as each part lands.
    public var generationBatchLimit: Int {
        switch optimizer.resolvedAcquisition {
        case .sobol: 1000
        default: 200
        }
    }

    /// Notes how long a generation took.
    public func noteGeneration(seconds: Double) {
        guard seconds.isFinite, seconds >= 0 else { return }
        generationSeconds = generationSeconds.map { 0.7 * $0 + 0.3 * seconds } ?? seconds
    }

    func recordCompletion(trial: Int64, parameters: [Double], outputs: [String: Double], duration: Double?) {
        open[trial] = nil
        completedCount += 1
        completionTimes.append(Date().timeIntervalSince1970)
        if completionTimes.count > 256 { completionTimes.removeFirst(completionTimes.count - 256) }
        if let (y, c) = specification.observation(outputs) {
            observations.inputs.append(parameters)
            observations.objectives.append(y)
            observations.constraints.append(c)
        }
        if let duration, duration.isFinite, duration >= 0 {
            durations.append(duration)
            if durations.count > Self.durationWindow { durations.removeFirst(durations.count - Self.durationWindow) }
        }
    }

    /// A design a workflow step declared infeasible: no failure, a point the feasibility model
    /// learns from.
    func recordInfeasible(trial: Int64, parameters: [Double]) {
        open[trial] = nil
        infeasibleCount += 1
        observations.infeasibleInputs.append(parameters)
    }

    func recordFailure(trial: Int64, failure: EvaluationFailure) {
        open[trial] = nil
        failedCount += 1
        lastFailure = failure
        stopReason =
            stopReason
            ?? FailurePolicy(specification: specification).stopReason(
                completed: completedCount - failureBaseline.completed,
                failed: failedCount - failureBaseline.failed,
                last: failure
            )
    }

    /// Lets a stopped study go on (after its evaluator was fixed): the failure policy judges the
    /// trials from now on.
    public func resetFailurePolicy() {
        failureBaseline = (completedCount, failedCount, trialCount - open.count)
        stopReason = nil
    }

    /// How many new trials may be created now: the budget's room, and while nothing has completed
    /// since the failure policy's reset but something failed, at most its first-failures count in all
    /// (so a broken evaluator runs at most that many trials, locally or on pilots).
    public var roomForNewTrials: Int {
        var room = budget - trialCount
        let counts = countsSinceReset
        let policy = FailurePolicy(specification: specification)
        if let limit = policy.startLimit(completed: counts.completed, failed: counts.failed) {
            room = min(room, limit - (trialCount - failureBaseline.trials))
        }
        return max(0, room)
    }

    /// Whether pilots may still get jobs of this study: trials may be created, or open ones may be
    /// re-queued (a lost lease, a retry) or have steps still to run.
    public var hasWorkLeft: Bool {
        servedByPilots && stopReason == nil && (roomForNewTrials > 0 || !open.isEmpty)
    }

    /// Counts (completed, failed) since the failure policy was last reset.
    var countsSinceReset: (completed: Int, failed: Int) {
        (completedCount - failureBaseline.completed, failedCount - failureBaseline.failed)
    }
}
