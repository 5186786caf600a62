import Foundation
import ParetoPilotTesting
import Pilot
import Store
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A `paretopilot` child process with its standard output collected.
final class ChildCommand: @unchecked Sendable {
    let process = Process()
    private let output = Pipe()
    private var text = ""
    private let lock = NSLock()

    init(_ arguments: [String], environment: [String: String] = [:]) throws {
        process.executableURL = URL(fileURLWithPath: Scratch.binary!)
        process.arguments = arguments
        var merged = ProcessInfo.processInfo.environment
        for (key, value) in environment { merged[key] = value }
        process.environment = merged
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        output.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            guard let self, !data.isEmpty else { return }
            self.lock.lock()
            self.text += String(decoding: data, as: UTF8.self)
            self.lock.unlock()
        }
        try process.run()
    }

    var standardOutput: String {
        lock.lock()
        defer { lock.unlock() }
        return text
    }

    /// Waits for a line of standard output starting with `prefix` and returns the rest of it.
    func line(startingWith prefix: String, seconds: Double = 60) async throws -> String? {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let line = standardOutput.split(separator: "\n").first(where: { $0.hasPrefix(prefix) }) {
                return String(line.dropFirst(prefix.count))
            }
            try await Task.sleep(nanoseconds: 20_000_000)
        }
        return nil
    }

    func kill(_ signal: Int32 = SIGKILL) {
        if process.isRunning { Glibc.kill(process.processIdentifier, signal) }
    }
}

@Suite(
    "paretopilot serve and pilot as processes",
    .serialized,
    .enabled(if: Scratch.binary != nil, "the paretopilot executable is not built next to the tests")
)
struct ServiceProcessTests {
    static let admin = "integration-admin"

    func startServer(db: String, port: Int = 0) async throws -> (ChildCommand, Int) {
        let server = try ChildCommand(
            ["serve", "--db", db, "--port", String(port), "--reap-interval", "0.2"],
            environment: ["PARETOPILOT_ADMIN_TOKEN": Self.admin]
        )
        guard let url = try await server.line(startingWith: "listening on "),
            let port = Int(url.split(separator: ":").last!)
        else {
            server.kill()
            throw CancellationError()
        }
        return (server, port)
    }

    func pilot(port: Int, name: String, extra: [String] = []) throws -> ChildCommand {
        try ChildCommand(
            ["pilot", "--server", "http://127.0.0.1:\(port)", "--name", name, "--log-level", "error"] + extra,
            environment: ["PARETOPILOT_TOKEN": Self.admin]
        )
    }

    func study(name: String, script: String, budget: Int) -> [String: Any] {
        [
            "name": name,
            "parameters": [
                ["name": "x", "type": "float", "lower": 0, "upper": 1],
                ["name": "y", "type": "float", "lower": 0, "upper": 1],
            ],
            "objectives": [["name": "f1"], ["name": "f2"]],
            "evaluator": ["command": script],
            "budget": budget,
            "strategy": "sobol",
            "min_queued": 2,
            "lease_seconds": 1,
        ]
    }

    @Test("A pilot killed with SIGKILL mid-job: another pilot re-runs the job and the trial gets exactly one result")
    func pilotKilled() async throws {
        let directory = try Scratch.directory()
        // Trial 0's first attempt hangs (and records its shell's pid); every other run is quick.
        let script = try Scratch.script(
            """
            if [ "$PARETOPILOT_TRIAL" = 0 ] && [ ! -e "\(directory.path)/hung" ]; then
              echo $$ > "\(directory.path)/hung"; sleep 60
            fi
            \(twoObjectiveScript)
            """,
            in: directory
        )
        let (server, port) = try await startServer(db: directory.appendingPathComponent("service.sqlite").path)
        defer { server.kill() }
        let client = try ServiceClient(url: "http://127.0.0.1:\(port)", token: Self.admin)
        try await client.call(.POST, "/v1/studies", json: study(name: "killed", script: script, budget: 4))
        let first = try pilot(port: port, name: "first", extra: ["--max-jobs", "1"])
        let hung = directory.appendingPathComponent("hung").path
        let started = try await waitUntil { FileManager.default.fileExists(atPath: hung) }
        #expect(started)
        first.kill()
        if let pid = Int32(
            (try? String(contentsOfFile: hung, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        ) {
            Glibc.kill(pid, SIGKILL)
        }
        let second = try pilot(port: port, name: "second", extra: ["--slots", "2", "--idle-exit", "2"])
        defer { second.kill() }
        let finished = try await waitUntil(seconds: 60) {
            let summary = try await client.call(.GET, "/v1/studies/killed") as! [String: Any]
            return summary["completed"] as? Int == 4
        }
        #expect(finished)
        let store = try StudyStore(path: directory.appendingPathComponent("service.sqlite").path)
        let trials = try store.trials(study: 1)
        #expect(trials.count == 4)
        #expect(trials.allSatisfy { $0.state == .completed && $0.outputs != nil })
        let attempts = try store.attempts(trial: trials[0].id)
        #expect(attempts.count == 2)
        #expect(attempts[0].worker == "first" && attempts[0].state == .failed)
        #expect(attempts[0].error?.hasPrefix("lease expired") == true)
        #expect(attempts[1].worker == "second" && attempts[1].state == .completed)
    }

    @Test("A workflow step whose pilot gets SIGTERM is handed back and resumes from its checkpoint on the next pilot")
    func workflowStepPreempted() async throws {
        let directory = try Scratch.directory()
        let work = directory.appendingPathComponent("work").path
        let db = directory.appendingPathComponent("service.sqlite").path
        let (server, port) = try await startServer(db: db)
        defer { server.kill() }
        let client = try ServiceClient(url: "http://127.0.0.1:\(port)", token: Self.admin)
        // The simulation writes its checkpoint, then takes long unless it is resuming.
        let simulate =
            #"cat > /dev/null; if [ -f "$PARETOPILOT_CHECKPOINT_DIR/half" ]; then echo '{"events": 2}'; else echo 1 > "$PARETOPILOT_CHECKPOINT_DIR/half"; sleep 60; fi"#
        var body = study(name: "preempt", script: "true", budget: 1)
        body["evaluator"] = [
            "directory": work,
            "steps": [
                ["name": "check", "command": "cat > /dev/null; echo '{}'"],
                ["name": "simulate", "command": simulate, "after": ["check"]],
                [
                    "name": "score", "command": #"cat > /dev/null; echo '{"f1": 1, "f2": 2}'"#, "after": ["simulate"],
                    "objectives": true,
                ],
            ],
        ]
        body["lease_seconds"] = 30
        try await client.call(.POST, "/v1/studies", json: body)
        let first = try pilot(port: port, name: "preempted", extra: ["--drain", "0"])
        let checkpoint = "\(work)/preempt/trial-0/.checkpoints/simulate/half"
        #expect(try await waitUntil(seconds: 30) { FileManager.default.fileExists(atPath: checkpoint) })
        first.kill(SIGTERM)
        #expect(try await waitUntil(seconds: 15) { !first.process.isRunning })
        let second = try pilot(port: port, name: "next", extra: ["--idle-exit", "2"])
        defer { second.kill() }
        #expect(
            try await waitUntil(seconds: 30) {
                (try await client.call(.GET, "/v1/studies/preempt") as! [String: Any])["completed"] as? Int == 1
            }
        )
        let store = try StudyStore(path: db)
        let trial = try #require(try store.trials(study: 1).first)
        let steps = try store.steps(trial: trial.id)
        let attempts = try store.stepAttempts(trial: trial.id)
        let check = try #require(steps.first { $0.job.step == "check" })
        let simulation = try #require(steps.first { $0.job.step == "simulate" })
        #expect(attempts[check.id]?.count == 1)
        let runs = attempts[simulation.id] ?? []
        #expect(runs.count == 2)
        #expect(runs.first?.worker == "preempted" && runs.first?.error == "released by pilot preempted")
        #expect(runs.last?.worker == "next" && runs.last?.state == .completed && runs.last?.resumed == true)
        #expect(try store.countedAttempts(step: simulation.id) == 1)
    }

    @Test("The server killed with SIGKILL mid-study and restarted on the same file loses no result")
    func serverKilled() async throws {
        let directory = try Scratch.directory()
        let script = try Scratch.script("sleep 0.2\n\(twoObjectiveScript)", in: directory)
        let db = directory.appendingPathComponent("service.sqlite").path
        var (server, port) = try await startServer(db: db)
        let client = try ServiceClient(url: "http://127.0.0.1:\(port)", token: Self.admin)
        try await client.call(.POST, "/v1/studies", json: study(name: "restart", script: script, budget: 12))
        let worker = try pilot(port: port, name: "steady", extra: ["--slots", "2", "--idle-exit", "3"])
        defer { worker.kill() }
        #expect(
            try await waitUntil {
                (try await client.call(.GET, "/v1/studies/restart") as! [String: Any])["completed"] as? Int ?? 0 >= 4
            }
        )
        server.kill()
        try await Task.sleep(nanoseconds: 300_000_000)
        let before = try StudyStore(path: db).trials(study: 1).filter { $0.state == .completed }
        #expect(before.count >= 4)
        (server, _) = try await startServer(db: db, port: port)
        defer { server.kill() }
        let finished = try await waitUntil(seconds: 90) {
            (try await client.call(.GET, "/v1/studies/restart") as! [String: Any])["completed"] as? Int == 12
        }
        #expect(finished)
        let after = try StudyStore(path: db).trials(study: 1)
        #expect(after.count == 12)
        for trial in before {
            #expect(after.first { $0.id == trial.id }?.outputs == trial.outputs)
        }
    }

    @Test("An excursion scan ships every batch to the server's pilots and learns the set")
    func excursionOnPilots() async throws {
        let directory = try Scratch.directory()
        let script = try ExcursionCommandTests.evaluator(alsoPrintingG: false, in: directory)
        let (server, port) = try await startServer(db: directory.appendingPathComponent("service.sqlite").path)
        defer { server.kill() }
        let worker = try pilot(
            port: port,
            name: "excursion-pilot",
            extra: ["--slots", "4", "--idle-exit", "30", "--poll-interval", "0.05"]
        )
        defer { worker.kill() }
        let grid = directory.appendingPathComponent("grid.csv").path
        let scan = try ChildCommand(
            [
                "excursion", "--server", "http://127.0.0.1:\(port)", "--study", "scan", "--evaluator", script,
                "--parameter", "x=0:1", "--output", "f:0.7", "--budget", "12", "--batch", "4", "--grid-out", grid,
                "--json",
            ],
            environment: ["PARETOPILOT_TOKEN": Self.admin]
        )
        #expect(try await waitUntil(seconds: 120) { !scan.process.isRunning })
        #expect(scan.process.terminationStatus == 0)
        let summary =
            try JSONSerialization.jsonObject(
                with: Data(scan.standardOutput.split(separator: "\n").last.map(String.init)?.utf8 ?? "{}".utf8)
            ) as? [String: Any]
        #expect(summary?["evaluations"] as? Int == 12)
        let store = try StudyStore(path: directory.appendingPathComponent("service.sqlite").path)
        let trials = try store.trials(study: 1)
        #expect(trials.count == 12)
        #expect(trials.allSatisfy { $0.state == .completed })
        #expect(try store.attempts(trial: trials[11].id).first?.worker == "excursion-pilot")
        let lines = try String(contentsOfFile: grid, encoding: .utf8).split(separator: "\n").dropFirst()
        let inside = lines.filter { line in
            let fields = line.split(separator: ",")
            return fields[3] == "0"
        }.map { Double($0.split(separator: ",")[0])! }
        #expect(!inside.isEmpty && inside.allSatisfy { $0 > 0.85 && $0 < 0.935 })
    }

    @Test("A toy limit scan runs its steps' toy batches as jobs on pilots and finds the exact limit")
    func limitsOnPilots() async throws {
        let directory = try Scratch.directory()
        let (server, port) = try await startServer(db: directory.appendingPathComponent("service.sqlite").path)
        defer { server.kill() }
        let worker = try pilot(
            port: port,
            name: "toy-pilot",
            extra: ["--slots", "4", "--idle-exit", "60", "--poll-interval", "0.05"]
        )
        defer { worker.kill() }
        let scan = try ChildCommand(
            [
                "limits", "--background", "3", "--observed", "1", "--toys", "2000", "--server",
                "http://127.0.0.1:\(port)", "--study", "toys", "--json",
            ],
            environment: ["PARETOPILOT_TOKEN": Self.admin]
        )
        #expect(try await waitUntil(seconds: 240) { !scan.process.isRunning })
        #expect(scan.process.terminationStatus == 0)
        let result =
            try JSONSerialization.jsonObject(
                with: Data(scan.standardOutput.split(separator: "\n").last.map(String.init)?.utf8 ?? "{}".utf8)
            ) as? [String: Any] ?? [:]
        let limit = result["observed_limit"] as? Double ?? 0
        let error = result["observed_limit_error"] as? Double ?? 0
        // The exact limit for b = 3, n = 1 (../shared/REFERENCE.md).
        #expect(abs(limit - 3.6433) < 4 * error + 0.02, "limit \(limit) ± \(error)")
        #expect((result["expected_limits"] as? [Double])?.count == 5)
        let store = try StudyStore(path: directory.appendingPathComponent("service.sqlite").path)
        let trials = try store.trials(study: 1)
        #expect(trials.count > 20)
        #expect(trials.allSatisfy { $0.state == .completed && $0.outputs?["cls"] != nil })
        #expect(try store.attempts(trial: trials[0].id).first?.worker == "toy-pilot")
    }

    func waitUntil(seconds: Double = 30, _ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if (try? await condition()) == true { return true }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        return false
    }
}

extension ServiceProcessTests {
    /// `GET /health`'s count of open event streams.
    func openStreams(_ client: ServiceClient) async throws -> Int {
        let health = try await client.call(.GET, "/health") as! [String: Any]
        return health["open_streams"] as? Int ?? -1
    }

    @Test(
        "Streams end with their clients and with the server: 200 dropped streams leave none open; SIGTERM with 50 open exits within 5 s"
    )
    func streamsEnd() async throws {
        let directory = try Scratch.directory()
        let (server, port) = try await startServer(db: directory.appendingPathComponent("service.sqlite").path)
        defer { server.kill() }
        let url = "http://127.0.0.1:\(port)"
        let client = try ServiceClient(url: url, token: Self.admin)
        var specification = study(name: "streams", script: "sleep 60", budget: 4)
        specification["lease_seconds"] = 600
        try await client.call(.POST, "/v1/studies", json: specification)
        // A job that stays open, so that its log stream and the study's result stream never end by themselves.
        var job: Int? = nil
        #expect(
            try await waitUntil {
                let answer =
                    try await client.call(.POST, "/v1/pilots/acquire", json: ["pilot": "P", "slots": 1])
                    as! [String: Any]
                job = (answer["jobs"] as? [[String: Any]])?.first?["job"] as? Int
                return job != nil
            }
        )
        let job_ = try #require(job)
        let paths = ["/v1/jobs/\(job_)/logs?follow=true", "/v1/studies/streams/results?follow=true"]

        // 200 clients that open a stream and drop it after half a second (the timeout ends the
        // request by closing the connection, so `send` throws by design).
        let dropping = try (0..<200).map { _ in try ServiceClient(url: url, token: Self.admin) }
        await withTaskGroup(of: Void.self) { group in
            for (index, stream) in dropping.enumerated() {
                group.addTask {
                    _ = try? await stream.send(.GET, paths[index % 2], timeout: 0.5) { _ in }
                }
            }
        }
        #expect(try await waitUntil(seconds: 15) { try await openStreams(client) == 0 })

        // 50 streams left open, then SIGTERM.
        // They end when the server stops, which fails their requests by design.
        var open: [Task<Void, Never>] = []
        for (index, stream) in try (0..<50).map({ _ in try ServiceClient(url: url, token: Self.admin) }).enumerated() {
            open.append(Task { _ = try? await stream.send(.GET, paths[index % 2]) { _ in } })
        }
        var seen = 0
        #expect(
            try await waitUntil(seconds: 15) {
                seen = try await openStreams(client)
                return seen == 50
            },
            "open streams: \(seen)"
        )
        let start = Date()
        server.kill(SIGTERM)
        #expect(try await waitUntil(seconds: 10) { !server.process.isRunning })
        let elapsed = Date().timeIntervalSince(start)
        #expect(elapsed < 5, "the server took \(elapsed) s to stop")
        for task in open { task.cancel() }
    }
}
