import Evaluation
import Foundation
import Memberwise
import Problems
import Store
import Studies
import StudyModel

/// Where a running study stands, reported after every finished evaluation.
public struct StudyProgress: Sendable {
    public var completed: Int
    public var failed: Int
    /// Trials a workflow step declared infeasible.
    public var infeasible: Int = 0
    public var running: Int
    public var budget: Int
    /// Hypervolume of the feasible completed trials (``StudySpecification/hypervolume(ofFeasible:)``).
    public var hypervolume: Double?
    public var elapsed: Double
    /// The trial that just finished, and how.
    public var trial: Int
    public var event: Event

    /// How the attempt that triggered this report ended.
    public enum Event: Sendable, Equatable {
        case completed
        case retrying(EvaluationFailure)
        case failed(EvaluationFailure)
        /// A workflow step declared the design infeasible.
        case infeasible(EvaluationFailure)

        /// One line: `completed`, `failed (retrying): ...`, `failed: ...`, `infeasible: ...`.
        public var summary: String {
            switch self {
            case .completed: "completed"
            case .retrying(let failure): "failed (retrying): \(failure.message)"
            case .failed(let failure): "failed: \(failure.message)"
            case .infeasible(let failure): "infeasible: \(failure.message)"
            }
        }

        /// The name of the event in JSON lines.
        public var name: String {
            switch self {
            case .completed: "completed"
            case .retrying: "retrying"
            case .failed: "failed"
            case .infeasible: "infeasible"
            }
        }

        /// The failure behind the event, if any.
        public var failure: EvaluationFailure? {
            switch self {
            case .completed: nil
            case .retrying(let failure), .failed(let failure), .infeasible(let failure): failure
            }
        }
    }
}

/// Runs a study on this machine through the ``StudyEngine``: asks it for designs, evaluates up to
/// `workers` at once, and hands every outcome to the engine, which records it, retries failed
/// attempts up to `max_attempts` and stops a study whose evaluations keep failing. A new design is
/// asked for the moment a worker is free, with the running ones as pending points (no waiting for a
/// batch). Resuming continues from the store.
///
/// A workflow study runs its steps instead: each step of each trial is a job, `workers` jobs at
/// once across trials (steps whose dependencies are done run at once), with the same rules as on
/// pilots (per-step retries, infeasible designs, checkpoint directories under `workDirectory`).
@MemberwiseInit
public struct LocalStudyRunner {
    public let engine: StudyEngine
    public let study: Int64
    /// The evaluator of a plain study (`nil` for a workflow study).
    public let evaluator: (any Evaluator)?
    /// Where a workflow study's trials get their directories, unless the evaluator names one.
    public var workDirectory: String = "."

    /// The evaluator a specification names (`nil` for a workflow, whose steps run as jobs).
    public static func evaluator(for specification: StudySpecification) throws(StudyError) -> (any Evaluator)? {
        switch specification.evaluator.kind {
        case .workflow(let workflow):
            for step in workflow.steps { try CommandEvaluator.checkRunnable(step.command, field: "steps.\(step.name)") }
            return nil
        case .problem(let name):
            guard let problem = try? ProblemRegistry.problem(named: name) else {
                throw StudyError("unknown problem '\(name)'", field: "evaluator.problem")
            }
            return BuiltinProblemEvaluator(problem: problem)
        case .command(let command):
            let evaluator = specification.evaluator
            return CommandEvaluator(
                command: command,
                timeout: evaluator.resolvedTimeout,
                workingDirectory: evaluator.workingDirectory,
                environment: evaluator.environment ?? [:],
                prefix: evaluator.prefix
            )
        case .none:
            throw StudyError(
                "the study has no evaluator: give --evaluator CMD, or an evaluator in the study file",
                field: "evaluator"
            )
        }
    }

    /// Runs until the budget's trials exist and none is running, or the study stops.
    ///
    /// - Parameters:
    ///   - workers: Evaluations at once.
    ///   - progress: Called after every finished evaluation.
    /// - Throws: ``StudyError`` with code `.stopped` when the study stopped early, naming the cause.
    public func run(workers: Int, progress: (StudyProgress) -> Void) async throws -> [TrialRecord] {
        let runtime = try engine.runtime(String(study))
        if let workflow = runtime.workflow {
            return try await runWorkflow(workflow, runtime: runtime, workers: workers, progress: progress)
        }
        guard let evaluator else {
            throw StudyError("the study has no evaluator", field: "evaluator")
        }
        let store = engine.store
        let start = Date()
        try engine.recoverInterruptedAttempts(study)
        // Trials created but not finished (pending, or running after an interruption) run first.
        var queue = try store.queuedTrials(study: study, limit: Int.max).map(\.id)
        var inFlight = 0

        try await withThrowingTaskGroup(of: (AttemptRecord, EvaluationResult).self) { group in
            func launch(_ trial: Int64) throws {
                let attempt = try store.attemptRecord(store.startAttempt(trial: trial, worker: "local"))
                inFlight += 1
                let values = runtime.specification.decode(attempt.parameters)
                group.addTask { (attempt, await evaluator.evaluate(values, trial: attempt.trialNumber)) }
            }
            while true {
                while inFlight < workers, runtime.stopReason == nil {
                    if !queue.isEmpty {
                        try launch(queue.removeFirst())
                        continue
                    }
                    let room = runtime.roomForNewTrials
                    guard room > 0 else { break }
                    let request = try engine.candidateRequest(study, count: min(workers - inFlight, room))
                    for trial in try engine.storeCandidates(request.compute()) { try launch(trial.id) }
                }
                guard let (attempt, result) = try await group.next() else { break }
                inFlight -= 1
                let outcome = EvaluationOutcome(
                    result,
                    specification: runtime.specification,
                    trial: attempt.trialNumber
                )
                let recorded = try engine.record(outcome, for: attempt, retry: true)
                let event: StudyProgress.Event
                switch recorded {
                case .completed, .unchanged: event = .completed
                case .retrying(let failure):
                    event = .retrying(failure)
                    if runtime.stopReason == nil { queue.append(attempt.trialID) }
                case .failed(let failure): event = .failed(failure)
                case .infeasible(let failure): event = .infeasible(failure)
                case .stepCompleted: continue
                }
                progress(
                    StudyProgress(runtime, running: inFlight, since: start, trial: attempt.trialNumber, event: event)
                )
            }
        }
        return try finished(runtime)
    }

    /// The study's trials once the run is over, or the reason it stopped early.
    func finished(_ runtime: StudyRuntime) throws -> [TrialRecord] {
        if let reason = runtime.stopReason {
            throw StudyError("study '\(runtime.name)' stopped: \(reason)", field: nil, code: .stopped)
        }
        return try engine.store.trials(study: study)
    }
}

extension StudyProgress {
    /// Where `runtime` stands after `trial` ended with `event`, `running` evaluations still going.
    init(_ runtime: StudyRuntime, running: Int, since start: Date, trial: Int, event: Event) {
        self.init(
            completed: runtime.completedCount,
            failed: runtime.failedCount,
            infeasible: runtime.infeasibleCount,
            running: running,
            budget: runtime.budget,
            hypervolume: runtime.hypervolume,
            elapsed: Date().timeIntervalSince(start),
            trial: trial,
            event: event
        )
    }
}
