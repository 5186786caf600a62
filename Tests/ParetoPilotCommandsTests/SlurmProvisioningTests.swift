import Foundation
import ParetoPilotTesting
import Pilot
import Provisioning
import Store
import Studies
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Runs only where a Slurm cluster is up and `PARETOPILOT_SLURM_TESTS=1` (CI starts one with
/// `.ci/slurm-cluster start`).
@Suite(
    "Pilots under Slurm",
    .serialized,
    .enabled(
        if: ProcessInfo.processInfo.environment["PARETOPILOT_SLURM_TESTS"] == "1",
        "needs a Slurm cluster: PARETOPILOT_SLURM_TESTS=1 after .ci/slurm-cluster start"
    )
)
struct SlurmProvisioningTests {
    /// `paretopilot provision slurm --until-done` against the server at `url`, with the admin token.
    /// `paretopilot serve` on a study file in `directory`, with an admin client of it.
    func startService(
        in directory: URL
    ) async throws -> (
        processes: ServiceProcessTests, server: ChildCommand, db: String, url: String, client: ServiceClient
    ) {
        let db = directory.appendingPathComponent("service.sqlite").path
        let processes = ServiceProcessTests()
        let (server, port) = try await processes.startServer(db: db)
        let url = "http://127.0.0.1:\(port)"
        return (processes, server, db, url, try ServiceClient(url: url, token: ServiceProcessTests.admin))
    }

    /// `paretopilot provision slurm` until the work is done, its job array named `jobPrefix` and a random suffix.
    func provision(
        url: String,
        pilots: Int,
        slots: Int,
        logs: String,
        jobPrefix: String
    ) throws -> (ChildCommand, jobName: String) {
        let jobName = "\(jobPrefix)-\(UUID().uuidString.prefix(8))"
        let provisioner = try ChildCommand(
            [
                "provision", "slurm", "--server", url, "--pilots", String(pilots), "--slots", String(slots),
                "--interval", "1", "--idle-exit", "5", "--drain", "1", "--log-dir", logs, "--job-name", jobName,
                "--until-done",
            ],
            environment: ["PARETOPILOT_TOKEN": ServiceProcessTests.admin]
        )
        return (provisioner, jobName)
    }

    /// Stops the provisioner and cancels whatever pilots of its job array Slurm still has.
    func stop(_ provisioner: ChildCommand, jobName: String) {
        provisioner.kill()
        _ = try? ShellCommand.run(["scancel", "--name", jobName])
    }

    @Test("Server, provisioner and Slurm pilots complete a study; scancel of a pilot mid-job re-runs the job once")
    func study() async throws {
        try #require(Scratch.binary != nil, "the paretopilot binary is built with the tests")
        let directory = try Scratch.directory()
        let logs = directory.appendingPathComponent("logs").path
        try FileManager.default.createDirectory(atPath: logs, withIntermediateDirectories: true)
        // Trial 5's first attempt records its pilot and hangs; every other run takes 0.3 s.
        let script = try Scratch.script(
            """
            if [ "$PARETOPILOT_TRIAL" = 5 ] && [ ! -e "\(directory.path)/hung" ]; then
              echo "${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}" > "\(directory.path)/hung"; sleep 120
            fi
            sleep 0.3
            \(twoObjectiveScript)
            """,
            in: directory
        )
        let service = try await startService(in: directory)
        defer { service.server.kill() }
        let (processes, db, url, client) = (service.processes, service.db, service.url, service.client)
        var study = processes.study(name: "slurm", script: script, budget: 20)
        study["lease_seconds"] = 5
        try await client.call(.POST, "/v1/studies", json: study)
        let (provisioner, jobName) = try provision(url: url, pilots: 3, slots: 2, logs: logs, jobPrefix: "pp-test")
        defer { stop(provisioner, jobName: jobName) }
        let hung = directory.appendingPathComponent("hung").path
        #expect(try await processes.waitUntil(seconds: 120) { FileManager.default.fileExists(atPath: hung) })
        let slurmJob = try String(contentsOfFile: hung, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(!slurmJob.isEmpty)
        // Cancel the pilot's Slurm job while trial 5 runs (retrying while slurmctld is still splitting
        // the job array into tasks).
        #expect(
            try await processes.waitUntil(seconds: 20) {
                try ShellCommand.run(["scancel", slurmJob]).succeeded
                    && SlurmCluster().pilots(named: jobName).first { $0.id == slurmJob }.map { !$0.isRunning } ?? true
            }
        )

        let finished = try await processes.waitUntil(seconds: 240) {
            (try await client.call(.GET, "/v1/studies/slurm") as! [String: Any])["completed"] as? Int == 20
        }
        #expect(finished)
        let store = try StudyStore(path: db)
        let trials = try store.trials(study: 1)
        #expect(trials.count == 20)
        #expect(trials.allSatisfy { $0.state == .completed && $0.outputs != nil })
        let attempts = try store.attempts(trial: trials[5].id)
        #expect(attempts.count >= 2)
        let cancelled = attempts.first { $0.worker == "slurm-\(slurmJob)" }
        #expect(
            cancelled?.state == .failed,
            "attempts: \(attempts.map { ($0.worker ?? "", $0.state, $0.error ?? "") })"
        )
        #expect(attempts.filter { $0.state == .completed }.count == 1)
        #expect(Set(attempts.compactMap(\.worker)).count >= 2)
        // Every result came from a pilot started by Slurm.
        for trial in trials {
            let completed = try store.attempts(trial: trial.id).filter { $0.state == .completed }
            #expect(completed.count == 1 && completed[0].worker?.hasPrefix("slurm-") == true)
        }
        // With the work done the provisioner cancels or lets go of its pilots, then exits.
        #expect(try await processes.waitUntil(seconds: 60) { !provisioner.process.isRunning })
        #expect(try SlurmCluster().pilots(named: jobName).filter { $0.isPending || $0.isRunning }.isEmpty)
    }

    @Test("Slurm pilots run the dRICH example workflow: every step of every trial exactly once to completion")
    func workflow() async throws {
        let directory = try Scratch.directory()
        let logs = directory.appendingPathComponent("logs").path
        try FileManager.default.createDirectory(atPath: logs, withIntermediateDirectories: true)
        let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("examples/drich-workflow")
        var study = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: example.appendingPathComponent("study.json")))
                as? [String: Any]
        )
        var evaluator = try #require(study["evaluator"] as? [String: Any])
        // Absolute script paths (a Slurm job starts elsewhere) and no resource needs (the test
        // cluster's partition and memory are not the example's).
        evaluator["steps"] = try #require(evaluator["steps"] as? [[String: Any]]).map { step in
            var step = step
            step["command"] = example.path + "/" + ((step["command"] as? String) ?? "").split(separator: "/").last!
            step["resources"] = nil
            return step
        }
        evaluator["directory"] = directory.appendingPathComponent("trials").path
        evaluator["environment"] = ["DRICH_SECONDS": "0.05"]
        study["evaluator"] = evaluator
        study["budget"] = 6
        study["strategy"] = "sobol"
        let service = try await startService(in: directory)
        defer { service.server.kill() }
        let (processes, db, url, client) = (service.processes, service.db, service.url, service.client)
        try await client.call(.POST, "/v1/studies", json: study)
        let (provisioner, jobName) = try provision(url: url, pilots: 2, slots: 3, logs: logs, jobPrefix: "pp-wf")
        defer { stop(provisioner, jobName: jobName) }
        let finished = try await processes.waitUntil(seconds: 240) {
            let summary = try await client.call(.GET, "/v1/studies/drich-workflow") as! [String: Any]
            return (summary["completed"] as? Int ?? 0) + (summary["infeasible"] as? Int ?? 0) == 6
        }
        #expect(finished)
        let store = try StudyStore(path: db)
        for trial in try store.trials(study: 1) {
            #expect(trial.state == .completed || trial.state == .infeasible)
            let steps = try store.steps(trial: trial.id)
            let attempts = try store.stepAttempts(trial: trial.id)
            #expect(steps.count == 14)
            for step in steps where step.state == .completed {
                #expect(attempts[step.id]?.count == 1, "trial \(trial.number) step \(step.job.label)")
                #expect(attempts[step.id]?.first?.worker?.hasPrefix("slurm-") == true)
            }
            if trial.state == .completed { #expect(steps.allSatisfy { $0.state == .completed }) }
        }
        #expect(try await processes.waitUntil(seconds: 60) { !provisioner.process.isRunning })
    }
}
