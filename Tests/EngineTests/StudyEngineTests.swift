import Engine
import Foundation
import Store
import Studies
import StudyModel
import Testing

@Suite("The study engine: one set of lifecycle rules")
struct StudyEngineTests {
    func engine(maxAttempts: Int = 2, budget: Int = 10) throws -> (StudyEngine, StudyRuntime) {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("engine-\(UUID().uuidString).sqlite")
        let engine = try StudyEngine(store: StudyStore(path: path.path))
        var specification = StudySpecification(
            name: "s",
            parameters: [.float("x", 0, 1)],
            objectives: [.init(name: "f")],
            constraints: ["g <= 1"],
            budget: budget,
            maxAttempts: maxAttempts,
            strategy: .sobol
        )
        specification = try specification.resolved()
        return (engine, try engine.createStudy(specification))
    }

    func attempt(_ engine: StudyEngine, _ trial: Int64) throws -> AttemptRecord {
        try engine.store.attemptRecord(engine.store.startAttempt(trial: trial, worker: "test"))
    }

    @Test("A failed attempt is retried until max_attempts, then the trial fails once, with one result event")
    func retriesThenFails() throws {
        let (engine, runtime) = try engine(maxAttempts: 2)
        let trial = try engine.storeCandidates(engine.candidateRequest(runtime.id, count: 1).compute())[0]
        let failure = EvaluationOutcome.failure(EvaluationFailure(message: "boom", exitCode: 1, stderrTail: "trace"))
        #expect(try engine.record(failure, for: attempt(engine, trial.id), retry: true) != .completed)
        #expect(runtime.failedCount == 0)
        let second = try engine.record(failure, for: attempt(engine, trial.id), retry: true)
        guard case .failed(let final) = second else {
            Issue.record("expected the trial to fail, got \(second)")
            return
        }
        #expect(final.trial == trial.number && final.stderrTail == "trace")
        #expect(runtime.failedCount == 1)
        #expect(try engine.store.trialStateOf(trial.id) == .failed)
        #expect(try engine.store.results(study: runtime.id, after: 0).map(\.trial) == [trial.id])
    }

    @Test("Outputs lacking an objective or a constrained output are refused, naming the output; nothing is stored")
    func missingOutputs() throws {
        let (engine, runtime) = try engine()
        let trial = try engine.storeCandidates(engine.candidateRequest(runtime.id, count: 1).compute())[0]
        let open = try attempt(engine, trial.id)
        #expect {
            try engine.record(.success(["f": 1]), for: open, retry: true)
        } throws: { ($0 as? EngineError)?.field == "outputs.g" }
        #expect {
            try engine.record(.success(["g": 1]), for: open, retry: true)
        } throws: { ($0 as? EngineError)?.field == "outputs.f" }
        #expect(try engine.store.trialStateOf(trial.id) == .running)
        #expect(try engine.record(.success(["f": 1, "g": 0]), for: open, retry: true) == .completed)
        // The same result twice changes nothing; another one is a conflict.
        let done = try engine.store.attemptRecord(open.id)
        #expect(try engine.record(.success(["f": 1, "g": 0]), for: done, retry: true) == .unchanged)
        #expect(throws: EngineError.self) { try engine.record(.success(["f": 2, "g": 0]), for: done, retry: true) }
        #expect(runtime.completedCount == 1 && runtime.observations.count == 1)
    }

    @Test("Five failed trials in a row stop the study: no more candidates, and the reason is kept")
    func stopsAfterFirstFailures() throws {
        let (engine, runtime) = try engine(maxAttempts: 1)
        for _ in 0..<5 {
            let trial = try engine.storeCandidates(engine.candidateRequest(runtime.id, count: 1).compute())[0]
            try engine.record(
                .failure(EvaluationFailure(message: "exit code 1")),
                for: attempt(engine, trial.id),
                retry: true
            )
        }
        #expect(runtime.stopReason?.contains("the first 5 trials all failed") == true)
        #expect(try engine.wantedCandidates(runtime.id) == 0)
        #expect(throws: EngineError.self) { try engine.candidateRequest(runtime.id, count: 1) }
        // Reopened from the store, the study is still stopped; a reset lets it go on.
        let reopened = try StudyEngine(store: engine.store)
        let again = try reopened.runtime("s")
        #expect(again.stopReason != nil)
        again.resetFailurePolicy()
        #expect(throws: Never.self) { try reopened.candidateRequest(again.id, count: 1) }
    }

    @Test("The expected evaluation time is the median of the latest 255 durations, in memory and after a restart")
    func durationsKeepTheLatestWindow() throws {
        let (engine, runtime) = try engine(budget: 300)
        let trials = try engine.storeCandidates(engine.candidateRequest(runtime.id, count: 300).compute())
        for trial in trials {
            try engine.record(.success(["f": 0.5, "g": 0]), for: attempt(engine, trial.id), retry: false)
        }
        #expect(runtime.completedCount == 300)
        #expect(runtime.durations.count == 255)
        let reopened = try StudyEngine(store: engine.store).runtime("s")
        #expect(reopened.durations == runtime.durations)
        let median = runtime.durations.sorted()[127]
        #expect(runtime.expectedSeconds == median)
    }
}
