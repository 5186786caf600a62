import Foundation
import Store
import StudyModel

extension StudyEngine {
    /// Leases up to `limit` queued steps of a workflow study to `worker`, of one step or any, oldest
    /// trial first. `expiresAt` is the lease deadline (`nil` for a local worker, which holds no lease).
    public func leaseSteps(
        _ id: Int64,
        step: String? = nil,
        worker: String,
        limit: Int,
        expiresAt: Double?
    ) throws -> [AttemptRecord] {
        guard let runtime = runtimes[id], runtime.workflow != nil, runtime.stopReason == nil, limit > 0 else {
            return []
        }
        let queued = try store.queuedSteps(study: id, step: step, limit: limit)
        return queued.isEmpty ? [] : try store.leaseSteps(queued, worker: worker, expiresAt: expiresAt)
    }

    /// What a job of a workflow step reads: the outputs of the trial's completed steps, by step
    /// name (a list in element order for a fanned-out step).
    public func stepInputs(trial: Int64, workflow: Workflow) throws -> [String: JSONValue] {
        let steps = try store.steps(trial: trial)
        var inputs: [String: JSONValue] = [:]
        for step in workflow.steps {
            let done = steps.filter { $0.job.step == step.name && $0.state == .completed }
            guard !done.isEmpty else { continue }
            if step.fanOut == nil {
                inputs[step.name] = done[0].output ?? .null
            } else {
                let ordered = done.sorted { ($0.job.element ?? 0) < ($1.job.element ?? 0) }
                inputs[step.name] = .array(ordered.map { $0.output ?? .null })
            }
        }
        return inputs
    }

    /// Applies an outcome to an attempt of a workflow step: a completed step queues the steps that
    /// depended on it and, as the trial's last, completes the trial with the objectives step's
    /// numbers; a failed step runs again alone up to its attempts, then fails the trial naming the
    /// step; a step whose failure means infeasibility ends the trial as infeasible.
    func recordStep(
        _ outcome: EvaluationOutcome,
        for attempt: AttemptRecord,
        runtime: StudyRuntime,
        workflow: Workflow,
        retry: Bool
    ) throws -> RecordedOutcome {
        guard let stepID = attempt.stepID, let job = attempt.step, let step = workflow.step(named: job.step) else {
            throw EngineError(.conflict, "job \(attempt.id) names a step the workflow does not have")
        }
        let label = job.label
        switch outcome {
        case .success, .step:
            let output: JSONValue?
            let resumed: Bool
            switch outcome {
            case .step(let value, let flag): (output, resumed) = (value, flag)
            case .success(let numbers): (output, resumed) = (.object(numbers.mapValues { .number($0) }), false)
            default: (output, resumed) = (nil, false)
            }
            guard attempt.state.isOpen else {
                if attempt.state == .completed { return .unchanged }
                throw EngineError(
                    .conflict,
                    "job \(attempt.id) is no longer open: \(attempt.error ?? "it failed"); its result was not recorded"
                )
            }
            if step.objectives {
                let numbers = output?.numbers ?? [:]
                if let bad = numbers.first(where: { !$0.value.isFinite }) {
                    throw EngineError(.invalidValue, "outputs.\(bad.key) is not finite", field: "outputs.\(bad.key)")
                }
                if let missing = runtime.specification.missingOutput(numbers) {
                    return try recordStep(
                        .stepFailure(
                            EvaluationFailure(
                                message: "step '\(label)': \(missing.message)",
                                trial: attempt.trialNumber
                            ),
                            resumed: resumed
                        ),
                        for: attempt,
                        runtime: runtime,
                        workflow: workflow,
                        retry: retry
                    )
                }
            }
            var steps = try store.steps(trial: attempt.trialID)
            if let index = steps.firstIndex(where: { $0.id == stepID }) {
                steps[index].state = .completed
                steps[index].output = output
            }
            // A waiting step is ready once no job of any step it depends on is unfinished.
            let unfinished = Set(steps.filter { $0.state != .completed }.map(\.job.step))
            let ready = steps.filter { record in
                guard record.state == .waiting, let definition = workflow.step(named: record.job.step) else {
                    return false
                }
                return definition.after.allSatisfy { !unfinished.contains($0) }
            }
            var trialOutputs: [String: Double]? = nil
            if steps.allSatisfy({ $0.state == .completed }) {
                trialOutputs = steps.first { $0.job.step == workflow.objectivesStep }?.output?.numbers ?? [:]
            }
            let duration = try store.completeStepAttempt(
                attempt.id,
                output: output,
                resumed: resumed,
                queue: ready.map(\.id),
                trialOutputs: trialOutputs
            )
            guard let trialOutputs else { return .stepCompleted }
            runtime.recordCompletion(
                trial: attempt.trialID,
                parameters: attempt.parameters,
                outputs: trialOutputs,
                duration: duration
            )
            return .completed
        case .failure(var failure), .stepFailure(var failure, _):
            var resumed = false
            if case .stepFailure(_, let flag) = outcome { resumed = flag }
            guard attempt.state.isOpen else {
                if attempt.state == .failed { return .unchanged }
                throw EngineError(.conflict, "job \(attempt.id) already completed")
            }
            failure.trial = attempt.trialNumber
            let message = "step '\(label)' failed: \(failure.message)"
            if step.onFailure == .infeasible, let code = failure.exitCode, code != 0 {
                failure.message = "step '\(label)' declared the design infeasible (exit code \(code))"
                try store.failStepAttempt(
                    attempt.id,
                    error: failure.message,
                    exitCode: failure.exitCode,
                    stderrTail: failure.stderrTail,
                    resumed: resumed,
                    retry: false,
                    ending: .infeasible
                )
                runtime.recordInfeasible(trial: attempt.trialID, parameters: attempt.parameters)
                return .infeasible(failure)
            }
            let counted = try store.countedAttempts(step: stepID)
            let again = retry && counted < (step.maxAttempts ?? runtime.maxAttempts)
            failure.message = message
            try store.failStepAttempt(
                attempt.id,
                error: message,
                exitCode: failure.exitCode,
                stderrTail: failure.stderrTail,
                resumed: resumed,
                retry: again,
                ending: again ? nil : .failed
            )
            if again {
                try log(.stepRetry, study: runtime.id, trial: attempt.trialID, message)
                return .retrying(failure)
            }
            try fail(runtime, trial: attempt.trialID, failure)
            return .failed(failure)
        }
    }
}
