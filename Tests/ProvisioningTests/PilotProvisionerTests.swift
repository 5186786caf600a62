import Provisioning
import Testing

@Suite("Provisioning: how many pilots, parsing Slurm's answers")
struct PilotProvisionerTests {
    static func pilots(pending: Int, running: Int) -> [BatchPilot] {
        (0..<pending).map { BatchPilot(id: "10_\($0)", state: "PENDING") }
            + (0..<running).map { BatchPilot(id: "\(20 + $0)", state: "RUNNING") }
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var work: ServiceWork
        var pending: Int
        var running: Int
        var submit: Int
        var cancel: Int
        var testDescription: String {
            "queued \(work.queued) running \(work.running) remaining \(work.remaining), pilots \(pending)+\(running)"
        }
    }

    @Test(
        "Wanted pilots follow the work, capped by the maximum and the remaining work",
        arguments: [
            // Start: no candidate yet, 20 to do: one pilot (the margin) to begin with.
            Case(work: ServiceWork(queued: 0, running: 0, remaining: 20), pending: 0, running: 0, submit: 1, cancel: 0),
            // Four queued, two slots per pilot: 2 + margin 1 = 3.
            Case(work: ServiceWork(queued: 4, running: 0, remaining: 20), pending: 1, running: 0, submit: 2, cancel: 0),
            // Capped at the maximum of 4.
            Case(
                work: ServiceWork(queued: 20, running: 4, remaining: 40),
                pending: 0,
                running: 2,
                submit: 2,
                cancel: 0
            ),
            // Only three jobs remain: at most two pilots of two slots, the surplus pending one goes.
            Case(work: ServiceWork(queued: 1, running: 2, remaining: 3), pending: 1, running: 2, submit: 0, cancel: 1),
            // Done, one job still running: cancel pending pilots only.
            Case(work: ServiceWork(queued: 0, running: 1, remaining: 0), pending: 2, running: 1, submit: 0, cancel: 2),
            // Done and idle: cancel everything.
            Case(work: ServiceWork(queued: 0, running: 0, remaining: 0), pending: 1, running: 2, submit: 0, cancel: 3),
            // Matched.
            Case(work: ServiceWork(queued: 2, running: 2, remaining: 10), pending: 0, running: 3, submit: 0, cancel: 0),
        ]
    )
    func plan(_ c: Case) {
        let plan = PilotProvisioner.plan(
            work: c.work,
            pilots: Self.pilots(pending: c.pending, running: c.running),
            maxPilots: 4,
            slots: 2,
            margin: 1
        )
        #expect(plan.submit == c.submit, "\(plan.reason)")
        #expect(plan.cancel.count == c.cancel, "\(plan.reason)")
        // Running pilots are only cancelled when nothing remains to run.
        if c.work.remaining > 0 || c.work.running > 0 {
            #expect(plan.cancel.allSatisfy { $0.hasPrefix("10_") })
        }
    }

    @Test(
        "Slurm durations",
        arguments: [
            ("1-02:03:04", 93_784.0), ("02:03:04", 7_384.0), ("03:04", 184.0), ("5", 300.0), ("2-03", 183_600.0),
        ]
    )
    func durations(_ text: String, _ seconds: Double) {
        #expect(SlurmCluster.parseDuration(text) == seconds)
    }

    @Test("Unlimited and malformed durations are unknown")
    func unknownDurations() {
        for text in ["UNLIMITED", "NOT_SET", "", "a:b", "1:2:3:4"] { #expect(SlurmCluster.parseDuration(text) == nil) }
    }
}
