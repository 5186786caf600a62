import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import ParetoPilotTesting
import Pilot
import Server
import Store
import Testing

@Suite("Pilot protocol: leases, routing, logs, real pilots", .serialized)
struct PilotProtocolTests {
    func acquire(
        _ client: ServiceClient,
        pilot: String,
        slots: Int = 1,
        resources: [String: Any] = [:]
    ) async throws -> [[String: Any]] {
        let answer =
            try await client.call(
                .POST,
                "/v1/pilots/acquire",
                json: ["pilot": pilot, "slots": slots, "resources": resources]
            ) as! [String: Any]
        return answer["jobs"] as! [[String: Any]]
    }

    /// A test server on which the admin has created the study `specification`.
    func serverWithStudy(_ specification: [String: Any]) async throws -> (TestServer, admin: ServiceClient) {
        let server = try await TestServer.start()
        do {
            let admin = try server.client()
            try await admin.call(.POST, "/v1/studies", json: specification)
            return (server, admin)
        } catch {
            await server.stop()
            throw error
        }
    }

    /// The jobs of the first acquire that hands `pilot` any that `keep` accepts; the test stops when none come.
    func jobsWhenQueued(
        _ client: ServiceClient,
        pilot: String,
        slots: Int = 1,
        keep: @escaping ([String: Any]) -> Bool = { _ in true }
    ) async throws -> [[String: Any]] {
        var jobs: [[String: Any]] = []
        try #require(
            try await eventually {
                jobs = try await acquire(client, pilot: pilot, slots: slots).filter(keep)
                return !jobs.isEmpty
            }
        )
        return jobs
    }

    @Test("An expired lease is reaped and re-run by another pilot; the stolen lease's result is refused")
    func stolenLease() async throws {
        let server = try await TestServer.start(reapInterval: 0.1)
        defer { Task { await server.stop() } }
        let admin = try server.client()
        try await admin.call(
            .POST,
            "/v1/studies",
            json: studySpecification(name: "lease", budget: 2, extra: ["lease_seconds": 3, "max_attempts": 3])
        )
        let pilots = try server.client(try await server.token(role: "pilot"))
        let first = try await jobsWhenQueued(pilots, pilot: "A")
        let job = first[0]["job"] as! Int
        let trial = first[0]["trial"] as! Int
        let beat = try await pilots.call(.POST, "/v1/jobs/\(job)/heartbeat", json: ["pilot": "A"]) as! [String: Any]
        #expect(beat["command"] as? String == "continue")
        await expectStatus(409, field: "pilot") {
            try await pilots.call(.POST, "/v1/jobs/\(job)/heartbeat", json: ["pilot": "B"])
        }
        // A goes silent: after the lease (3 s, long enough that B's own lease outlives a loaded
        // test machine's pauses) the reaper queues the trial again and B gets it.
        let second = try await jobsWhenQueued(pilots, pilot: "B", slots: 2) { $0["trial"] as? Int == trial }
        #expect(second[0]["attempt"] as? Int == 2)
        let kill = try await pilots.call(.POST, "/v1/jobs/\(job)/heartbeat", json: ["pilot": "A"]) as! [String: Any]
        #expect(kill["command"] as? String == "kill")
        await expectStatus(409) {
            try await pilots.call(
                .POST,
                "/v1/jobs/\(job)/complete",
                json: ["pilot": "A", "outputs": ["f1": 1.0, "f2": 1.0]]
            )
        }
        let completeSecond = {
            try await pilots.call(
                .POST,
                "/v1/jobs/\(second[0]["job"] as! Int)/complete",
                json: ["pilot": "B", "outputs": ["f1": 0.5, "f2": 0.25]]
            ) as! [String: Any]
        }
        let done = try await completeSecond()
        #expect(done["state"] as? String == "completed")
        // Completing again with the same values is a no-op.
        let repeated = try await completeSecond()
        #expect(repeated["recorded"] as? Bool == false)
        let trials = try await admin.call(.GET, "/v1/studies/lease/trials") as! [[String: Any]]
        let record = trials.first { $0["trial"] as? Int == trial }!
        #expect(record["outputs"] as? [String: Double] == ["f1": 0.5, "f2": 0.25])
        #expect(record["attempts"] as? Int == 2)
    }

    @Test("Outputs a pilot reports without an objective fail the attempt, and the trial runs again")
    func missingObjectiveIsRetried() async throws {
        let (server, admin) = try await serverWithStudy(
            studySpecification(name: "missing", budget: 1, extra: ["max_attempts": 2])
        )
        defer { Task { await server.stop() } }
        let pilots = try server.client(try await server.token(role: "pilot"))
        let first = try await jobsWhenQueued(pilots, pilot: "A")
        let trial = first[0]["trial"] as! Int
        let answer =
            try await pilots.call(
                .POST,
                "/v1/jobs/\(first[0]["job"] as! Int)/complete",
                json: ["pilot": "A", "outputs": ["f1": 0.5, "unrelated": 1.0]]
            ) as! [String: Any]
        #expect(answer["state"] as? String == "running", "a failed attempt with attempts left keeps the trial open")
        let again = try await jobsWhenQueued(pilots, pilot: "A") { $0["trial"] as? Int == trial }
        #expect(again[0]["attempt"] as? Int == 2)
        let detail = try await admin.call(.GET, "/v1/studies/missing/trials/\(trial)") as! [String: Any]
        #expect(detail["error"] as? String == "output 'f2' missing")
    }

    @Test("Jobs go only to pilots that have what the study needs")
    func routing() async throws {
        let (server, admin) = try await serverWithStudy(
            studySpecification(
                name: "gpu",
                extra: ["resources": ["gpus": 1, "cores": 4, "memory_gb": 8, "queues": ["gpu-a100"]]]
            )
        )
        defer { Task { await server.stop() } }
        let pilots = try server.client(try await server.token(role: "pilot"))
        #expect(
            try await eventually {
                (try await admin.call(.GET, "/v1/studies/gpu") as! [String: Any])["pending"] as? Int == 2
            }
        )
        #expect(try await acquire(pilots, pilot: "laptop", slots: 4, resources: ["cores": 8, "memory_gb": 16]).isEmpty)
        #expect(
            try await acquire(
                pilots,
                pilot: "wrong-queue",
                slots: 4,
                resources: ["cores": 8, "memory_gb": 16, "gpus": 4, "queue": "cpu"]
            ).isEmpty
        )
        // Eight cores and one GPU: one job of four cores and one GPU, not two.
        let jobs = try await acquire(
            pilots,
            pilot: "gpu-node",
            slots: 4,
            resources: ["cores": 8, "memory_gb": 64, "gpus": 1, "queue": "gpu-a100"]
        )
        #expect(jobs.count == 1)
    }

    @Test("A pilot that cannot reach its server gives up after its idle time")
    func unreachable() async throws {
        var configuration = PilotConfiguration(serverURL: "http://127.0.0.1:9", token: "x", name: "lost")
        configuration.idleExit = 0.3
        configuration.pollInterval = 0.05
        let start = Date()
        let summary = await
            (try Pilot(configuration: configuration, logger: Logger(label: "p") { _ in SwiftLogNoOpLogHandler() }))
            .run()
        #expect(summary.serverUnreachable)
        #expect(Date().timeIntervalSince(start) < 10)
    }

    @Test("A pilot with too little wall time left gets no job that would not fit")
    func wallTime() async throws {
        let (server, admin) = try await serverWithStudy(
            studySpecification(name: "long", extra: ["resources": ["expected_seconds": 600]])
        )
        defer { Task { await server.stop() } }
        let pilots = try server.client(try await server.token(role: "pilot"))
        #expect(
            try await eventually {
                (try await admin.call(.GET, "/v1/studies/long") as! [String: Any])["pending"] as? Int == 2
            }
        )
        #expect(try await acquire(pilots, pilot: "ending", slots: 2, resources: ["remaining_seconds": 300]).isEmpty)
        #expect(try await acquire(pilots, pilot: "fresh", slots: 2, resources: ["remaining_seconds": 7200]).count == 2)
        let work = try await pilots.call(.GET, "/v1/work") as! [String: Any]
        #expect(work["running"] as? Int == 2)
        #expect(work["remaining"] as? Int == 8)
    }

    @Test("Pilots apply the study's working directory, environment and command prefix")
    func environment() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("env-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("evaluate.sh").path
        try """
        #!/bin/sh
        cat > /dev/null
        here=0; [ "$(pwd -P)" = "$(cd "\(directory.path)" && pwd -P)" ] && here=1
        env=0; [ "$G4DATA" = "/data/g4" ] && [ "$FROM_PREFIX" = "yes" ] && env=1
        echo "{\\"f1\\": $here, \\"f2\\": $env}"
        """.write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o755)
        let admin = try server.client()
        var specification = studySpecification(name: "env", command: path, budget: 2)
        specification["evaluator"] = [
            "command": path, "working_directory": directory.path, "environment": ["G4DATA": "/data/g4"],
            "prefix": "env FROM_PREFIX=yes",
        ]
        try await admin.call(.POST, "/v1/studies", json: specification)
        var configuration = PilotConfiguration(
            serverURL: server.url,
            token: try await server.token(role: "pilot"),
            name: "env-pilot"
        )
        configuration.idleExit = 0.5
        configuration.pollInterval = 0.05
        let summary = await
            (try Pilot(configuration: configuration, logger: Logger(label: "p") { _ in SwiftLogNoOpLogHandler() }))
            .run()
        #expect(summary.completed == 2)
        let trials = try await admin.call(.GET, "/v1/studies/env/trials") as! [[String: Any]]
        for trial in trials { #expect(trial["outputs"] as? [String: Double] == ["f1": 1, "f2": 1]) }
    }

    @Test("Log lines are stored, listed and followed live as server-sent events")
    func logs() async throws {
        let (server, admin) = try await serverWithStudy(studySpecification(name: "logs"))
        defer { Task { await server.stop() } }
        let pilots = try server.client(try await server.token(role: "pilot"))
        let jobs = try await jobsWhenQueued(pilots, pilot: "P")
        let job = jobs[0]["job"] as! Int
        try await pilots.call(
            .POST,
            "/v1/jobs/\(job)/logs",
            json: [
                "pilot": "P",
                "lines": [["stream": "stdout", "text": "event 1"], ["stream": "stderr", "text": "warn"]],
            ]
        )
        await expectStatus(422, field: "lines[0].stream") {
            try await pilots.call(
                .POST,
                "/v1/jobs/\(job)/logs",
                json: ["pilot": "P", "lines": [["stream": "video", "text": "x"]]]
            )
        }
        await expectStatus(403) { try await pilots.call(.GET, "/v1/jobs/\(job)/logs") }
        let listed = try await admin.call(.GET, "/v1/jobs/\(job)/logs") as! [String: Any]
        #expect((listed["lines"] as! [[String: Any]]).map { $0["text"] as! String } == ["event 1", "warn"])
        #expect(listed["finished"] as? Bool == false)

        // Follow: the stream shows the old lines, a new one, and ends when the job completes.
        let follower = try server.client()
        let received = NIOLockedValueBox("")
        let following = Task {
            try await follower.send(.GET, "/v1/jobs/\(job)/logs?follow=true") { chunk in
                received.withLockedValue { $0 += String(buffer: chunk) }
            }
        }
        #expect(try await eventually { received.withLockedValue { $0.contains("event 1") } })
        try await pilots.call(
            .POST,
            "/v1/jobs/\(job)/logs",
            json: ["pilot": "P", "lines": [["stream": "stdout", "text": "event 2"]]]
        )
        #expect(try await eventually { received.withLockedValue { $0.contains("data: event 2") } })
        try await pilots.call(
            .POST,
            "/v1/jobs/\(job)/complete",
            json: ["pilot": "P", "outputs": ["f1": 1.0, "f2": 2.0]]
        )
        let response = try await following.value
        #expect(response.status == 200)
        let text = received.withLockedValue { $0 }
        #expect(text.contains("event: stderr\ndata: warn"))
        #expect(text.hasSuffix("event: end\ndata: {\"job\": \(job)}\n\n"))
    }

    @Test(
        "Real pilots run a study's command to its budget with streamed logs; a failing design is retried; the listing shows jobs, pilot, stderr tail and front flags"
    )
    func pilotsRunStudy() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pilot-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        // Fails the first attempt of trial 2, then succeeds; prints a log line on stdout.
        let script = """
            cat > /dev/null
            echo "simulating trial $PARETOPILOT_TRIAL in $PARETOPILOT_STUDY"
            if [ "$PARETOPILOT_TRIAL" = 2 ] && [ ! -e "\(directory.path)/seen" ]; then touch "\(directory.path)/seen"; echo boom >&2; exit 3; fi
            if [ "$PARETOPILOT_TRIAL" = 4 ]; then echo "Traceback (most recent call last):" >&2; echo "ValueError: overlapping layers" >&2; exit 1; fi
            awk -v x="$PARETOPILOT_PARAM_X" -v y="$PARETOPILOT_PARAM_Y" 'BEGIN { printf("{\\"f1\\": %.17g, \\"f2\\": %.17g}\\n", x*x + y, (1-x)*(1-x) + y) }'
            """
        let path = directory.appendingPathComponent("evaluate.sh").path
        try ("#!/bin/sh\n" + script).write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o755)
        let admin = try server.client()
        try await admin.call(
            .POST,
            "/v1/studies",
            json: studySpecification(name: "real", command: path, budget: 6, extra: ["max_attempts": 2])
        )
        let token = try await server.token(role: "pilot")
        let logger = Logger(label: "pilot") { _ in SwiftLogNoOpLogHandler() }
        var configuration = PilotConfiguration(serverURL: server.url, token: token, name: "one", slots: 2)
        configuration.idleExit = 1
        configuration.pollInterval = 0.1
        let summary = await (try Pilot(configuration: configuration, logger: logger)).run()
        #expect(summary.completed == 5)
        #expect(summary.failed == 3)
        let trials = try await admin.call(.GET, "/v1/studies/real/trials") as! [[String: Any]]
        #expect(trials.count == 6)
        #expect(trials.filter { $0["state"] as? String == "completed" }.count == 5)
        let retried = try #require(trials.first { $0["trial"] as? Int == 2 })
        #expect(retried["attempts"] as? Int == 2)
        #expect((retried["jobs"] as? [Int])?.count == 2)
        #expect(retried["pilot"] as? String == "one")
        #expect((retried["duration"] as? Double ?? -1) >= 0)
        #expect(retried["stderr_tail"] == nil, "a completed trial shows no stderr tail")
        #expect(retried["feasible"] as? Bool == true)
        #expect(retried["pareto"] is Bool)
        #expect(trials.contains { $0["pareto"] as? Bool == true })
        let broken = try #require(trials.first { $0["trial"] as? Int == 4 })
        #expect(broken["state"] as? String == "failed")
        #expect((broken["stderr_tail"] as? String)?.contains("ValueError: overlapping layers") == true)
        #expect((broken["jobs"] as? [Int])?.count == 2)
        #expect(broken["feasible"] == nil && broken["pareto"] == nil)
        // The first attempt's log lines are kept.
        let store = try StudyStore(path: server.path)
        let attempts = try store.attempts(trial: try store.trialID(study: 1, number: 2))
        let lines = try store.logs(attempt: attempts[0].id)
        #expect(lines.contains { $0.stream == "stdout" && $0.text == "simulating trial 2 in real" })
        #expect(lines.contains { $0.stream == "stderr" && $0.text == "boom" })
        #expect(attempts[0].exitCode == 3)
    }
}
