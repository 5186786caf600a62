import Evaluation
import Foundation
import Store
import StudyModel

extension LocalStudyRunner {
    /// Runs a workflow study's steps as jobs, `workers` at once across trials; a new trial starts
    /// whenever a worker is free and no step of a started trial is ready.
    func runWorkflow(
        _ workflow: Workflow,
        runtime: StudyRuntime,
        workers: Int,
        progress: (StudyProgress) -> Void
    ) async throws -> [TrialRecord] {
        let store = engine.store
        let start = Date()
        try engine.recoverInterruptedAttempts(study)
        let root = runtime.specification.evaluator.directory ?? workDirectory
        let ended = EndedTrials()
        var inFlight = 0

        try await withThrowingTaskGroup(of: (AttemptRecord, StepCommand.Run).self) { group in
            func launch(_ attempt: AttemptRecord) throws {
                let command = try engine.stepCommand(for: attempt, workflow: workflow, root: root)
                inFlight += 1
                let trial = attempt.trialID
                let observer = CommandEvaluator.Observer(onOutput: { _, _ in }, shouldStop: { ended.contains(trial) })
                group.addTask {
                    await withCheckedContinuation { continuation in
                        Thread.detachNewThread {
                            continuation.resume(returning: (attempt, command.run(observer: observer)))
                        }
                    }
                }
            }
            while true {
                while inFlight < workers, runtime.stopReason == nil {
                    let leased = try engine.leaseSteps(
                        study,
                        worker: "local",
                        limit: workers - inFlight,
                        expiresAt: nil
                    )
                    if !leased.isEmpty {
                        for attempt in leased { try launch(attempt) }
                        continue
                    }
                    guard runtime.roomForNewTrials > 0 else { break }
                    let request = try engine.candidateRequest(study, count: 1)
                    if try engine.storeCandidates(request.compute()).isEmpty { break }
                }
                guard let (attempt, run) = try await group.next() else { break }
                inFlight -= 1
                let outcome: EvaluationOutcome
                switch run.result {
                case .success(let output): outcome = .step(output: output, resumed: run.resumed)
                case .failure(let message, let exitCode, let stderrTail):
                    outcome = .stepFailure(
                        EvaluationFailure(
                            message: message,
                            exitCode: exitCode,
                            stderrTail: stderrTail,
                            trial: attempt.trialNumber
                        ),
                        resumed: run.resumed
                    )
                }
                // A job of a trial that another step ended was failed by the engine already.
                let current = try store.attemptRecord(attempt.id)
                guard current.state.isOpen else { continue }
                let event: StudyProgress.Event
                switch try engine.record(outcome, for: current, retry: true) {
                case .completed: event = .completed
                case .retrying(let failure): event = .retrying(failure)
                case .failed(let failure):
                    ended.insert(attempt.trialID)
                    event = .failed(failure)
                case .infeasible(let failure):
                    ended.insert(attempt.trialID)
                    event = .infeasible(failure)
                case .stepCompleted, .unchanged: continue
                }
                progress(
                    StudyProgress(runtime, running: inFlight, since: start, trial: attempt.trialNumber, event: event)
                )
            }
        }
        return try finished(runtime)
    }
}

/// Trials a step has ended, whose other running jobs are to stop (shared with their threads).
final class EndedTrials: @unchecked Sendable {
    private let lock = NSLock()
    private var trials = Set<Int64>()

    func insert(_ trial: Int64) { lock.withLock { _ = trials.insert(trial) } }
    func contains(_ trial: Int64) -> Bool { lock.withLock { trials.contains(trial) } }
}

extension StudyEngine {
    /// The trial directory of a workflow trial: `ROOT/<study>/trial-<n>`.
    public static func trialDirectory(root: String, study: String, trial: Int) -> String {
        "\(root)/\(study)/trial-\(trial)"
    }

    /// The command of a leased workflow step, with its inputs, for a worker on this machine.
    public func stepCommand(for attempt: AttemptRecord, workflow: Workflow, root: String) throws -> StepCommand {
        guard let runtime = runtimes[attempt.studyID], let job = attempt.step,
            let step = workflow.step(named: job.step)
        else { throw EngineError(.notFound, "job \(attempt.id) is not a step of a workflow study") }
        let evaluator = runtime.specification.evaluator
        var environment = (evaluator.environment ?? [:]).merging(step.environment ?? [:]) { $1 }
        environment["PARETOPILOT_STUDY"] = runtime.name
        environment["PARETOPILOT_JOB"] = String(attempt.id)
        return StepCommand(
            command: step.command,
            prefix: evaluator.prefix,
            environment: environment,
            timeout: step.timeout ?? evaluator.resolvedTimeout,
            trial: attempt.trialNumber,
            parameters: runtime.specification.decode(attempt.parameters),
            job: job,
            element: job.element.flatMap { index in step.fanOut.map { $0[index] } },
            inputs: try stepInputs(trial: attempt.trialID, workflow: workflow),
            trialDirectory: Self.trialDirectory(root: root, study: runtime.name, trial: attempt.trialNumber)
        )
    }
}
