import Engine
import StudyModel
import Testing

@Suite("When a study stops early")
struct FailurePolicyTests {
    let policy = FailurePolicy(
        specification: StudySpecification(name: "s", parameters: [.float("x", 0, 1)], objectives: [.init(name: "f")])
    )

    @Test("The first five finished trials all failing stops the study, naming the last error and stderr")
    func firstFailures() {
        let last = EvaluationFailure(message: "exit code 1", exitCode: 1, stderrTail: "a\nb\nTraceback: boom", trial: 4)
        #expect(policy.stopReason(completed: 0, failed: 4, last: last) == nil)
        let reason = policy.stopReason(completed: 0, failed: 5, last: last)
        #expect(reason?.contains("the first 5 trials all failed") == true)
        #expect(reason?.contains("trial 4") == true)
        #expect(reason?.contains("Traceback: boom") == true)
    }

    @Test(
        "A failure rate above max_failure_rate (0.5) stops the study once five trials failed",
        arguments: [(5, 5, false), (4, 5, true), (10, 5, false), (1, 4, false)]
    )
    func failureRate(completed: Int, failed: Int, stops: Bool) {
        #expect((policy.stopReason(completed: completed, failed: failed, last: nil) != nil) == stops)
    }

    @Test("While nothing has completed and a trial failed, at most five trials are started")
    func startLimit() {
        #expect(policy.startLimit(completed: 0, failed: 0) == nil)
        #expect(policy.startLimit(completed: 0, failed: 1) == 5)
        #expect(policy.startLimit(completed: 1, failed: 3) == nil)
    }
}
