import BayesianOptimization
import Foundation
import Pareto
import Problems
import Store

/// Where a running study stands, reported after every finished evaluation.
public struct StudyProgress: Sendable {
    public var completed: Int
    public var failed: Int
    public var running: Int
    public var budget: Int
    /// Hypervolume of the feasible completed trials (optimiser frame), if a reference point is known.
    public var hypervolume: Double?
    public var elapsed: Double
    /// The trial that just finished, and how.
    public var trial: Int
    public var event: String
}

/// Runs a study to its budget: asks the optimiser for designs, evaluates up to `workers` at once,
/// records every attempt in the store as it finishes, and asks again at once with the designs still
/// running as pending points (no waiting for a batch). Failed attempts are retried up to
/// `max_attempts`, then the trial fails and the search goes on. Resuming continues from the store.
public struct StudyRunner {
    public let store: StudyStore
    public let study: Int64
    public let specification: StudySpecification
    public let evaluator: any Evaluator

    public init(store: StudyStore, study: Int64, specification: StudySpecification, evaluator: any Evaluator) {
        self.store = store
        self.study = study
        self.specification = specification
        self.evaluator = evaluator
    }

    /// The evaluator a specification names.
    public static func evaluator(for specification: StudySpecification) throws(StudyError) -> any Evaluator {
        if let name = specification.evaluator.problem {
            guard let problem = try? ProblemRegistry.problem(named: name, dimension: nil, objectives: nil) else {
                throw StudyError("unknown problem '\(name)'", field: "evaluator")
            }
            return BuiltinProblemEvaluator(problem: problem)
        }
        return CommandEvaluator(
            command: specification.evaluator.command ?? "",
            timeout: specification.evaluator.timeout ?? 3600
        )
    }

    func optimizer() throws(StudyError) -> BayesianOptimizer { try specification.optimizer() }

    func observations(_ trials: [TrialRecord]) -> Observations { specification.observations(trials) }

    /// Runs until `budget` trials exist and none is running; `progress` is called after each evaluation.
    public func run(
        budget: Int,
        workers: Int,
        maxAttempts: Int,
        seed: UInt64,
        progress: (StudyProgress) -> Void
    ) async throws -> [TrialRecord] {
        let optimizer = try optimizer()
        let start = Date()
        _ = try store.recoverInterruptedAttempts(study: study)
        var trials = try store.trials(study: study)
        // Trials created but not finished (pending, or running after an interruption) run first.
        var queue = trials.filter { $0.state == .pending || $0.state == .running }
        var inFlight: [Int64: TrialRecord] = [:]
        var attemptsUsed: [Int64: Int] = Dictionary(uniqueKeysWithValues: trials.map { ($0.id, $0.attempts) })

        func report(_ trial: TrialRecord, _ event: String) throws {
            trials = try store.trials(study: study)
            let observed = observations(trials)
            var hv: Double? = nil
            if let reference = optimizer.referencePoint {
                let feasible = (0..<observed.count).filter { observed.isFeasible($0) }.map { observed.objectives[$0] }
                hv = feasible.isEmpty ? 0 : try? Hypervolume.of(PointSet(rows: feasible), reference: reference)
            }
            progress(
                StudyProgress(
                    completed: trials.filter { $0.state == .completed }.count,
                    failed: trials.filter { $0.state == .failed }.count,
                    running: inFlight.count,
                    budget: budget,
                    hypervolume: hv,
                    elapsed: Date().timeIntervalSince(start),
                    trial: trial.number,
                    event: event
                )
            )
        }

        try await withThrowingTaskGroup(of: (TrialRecord, Int64, EvaluationResult).self) { group in
            func launch(_ trial: TrialRecord) throws {
                let attempt = try store.startAttempt(trial: trial.id)
                attemptsUsed[trial.id, default: 0] += 1
                inFlight[trial.id] = trial
                let values = specification.decode(trial.parameters)
                let evaluator = self.evaluator
                group.addTask { (trial, attempt, await evaluator.evaluate(values, trial: trial.number)) }
            }
            while true {
                // Keep `workers` evaluations running: queued trials first, then new designs.
                while inFlight.count < workers {
                    if !queue.isEmpty {
                        try launch(queue.removeFirst())
                        continue
                    }
                    let total = trials.count
                    guard total < budget else { break }
                    let count = min(workers - inFlight.count, budget - total)
                    let designs = try optimizer.suggest(
                        count: count,
                        observations: observations(trials),
                        pending: inFlight.values.map(\.parameters),
                        seed: seed &+ UInt64(total) &* 0x9E37_79B9
                    )
                    for design in designs {
                        let trial = try store.createTrial(study: study, parameters: design)
                        trials.append(trial)
                        try launch(trial)
                    }
                }
                guard let (trial, attempt, result) = try await group.next() else { break }
                inFlight[trial.id] = nil
                switch result {
                case .success(let outputs):
                    if let missing = specification.objectives.first(where: { outputs[$0.name] == nil }) {
                        let retry = attemptsUsed[trial.id, default: 1] < maxAttempts
                        try store.failAttempt(attempt, error: "output '\(missing.name)' missing", retry: retry)
                        if retry { queue.append(trial) }
                        try report(trial, "failed: output '\(missing.name)' missing")
                    } else {
                        try store.completeAttempt(attempt, outputs: outputs)
                        try report(trial, "completed")
                    }
                case .failure(let message, let exitCode, let stderrTail):
                    let retry = attemptsUsed[trial.id, default: 1] < maxAttempts
                    try store.failAttempt(
                        attempt,
                        error: message,
                        exitCode: exitCode,
                        stderrTail: stderrTail,
                        retry: retry
                    )
                    try store.logEvent(
                        study: study,
                        trial: trial.id,
                        kind: retry ? "retry" : "trial_failed",
                        message: message
                    )
                    if retry { queue.append(trial) }
                    try report(trial, retry ? "failed (retrying): \(message)" : "failed: \(message)")
                }
            }
        }
        return try store.trials(study: study)
    }
}
