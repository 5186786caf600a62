import Foundation
import Logging
import ParetoPilotTesting
import Pilot
import Server
import Store
import Testing

@Suite("Workflow studies on pilots: steps as jobs, trial detail, preemption with checkpoints", .serialized)
struct WorkflowServiceTests {
    func pilot(_ server: TestServer, name: String, directory: String, slots: Int = 2) async throws -> Pilot {
        var configuration = PilotConfiguration(
            serverURL: server.url,
            token: try await server.token(role: "pilot"),
            name: name,
            slots: slots,
            drainSeconds: 0,
            pollInterval: 0.05
        )
        configuration.idleExit = 0.6
        configuration.workDirectory = directory
        return try Pilot(configuration: configuration, logger: Logger(label: name) { _ in SwiftLogNoOpLogHandler() })
    }

    func temporaryDirectory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("wfs-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test("Two pilots run every step of every trial exactly once; the trial detail lists steps, attempts and pilots")
    func twoPilots() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        let directory = try temporaryDirectory()
        let admin = try server.client()
        let steps: [[String: Any]] = [
            ["name": "check", "command": "cat > /dev/null; echo '{\"ok\": true}'"],
            [
                "name": "simulate", "after": ["check"], "fan_out": ["pi", "kaon", "proton"],
                "command":
                    #"cat > /dev/null; echo "$PARETOPILOT_ELEMENT" > "sim-$PARETOPILOT_ELEMENT_INDEX.txt"; echo '{"events": 3000}'"#,
            ],
            [
                "name": "score", "after": ["simulate"], "objectives": true,
                "command":
                    #"cat > /dev/null; n=$(cat sim-*.txt | wc -l); echo "{\"f1\": $n, \"f2\": $PARETOPILOT_PARAM_X}""#,
            ],
        ]
        var body = studySpecification(name: "wf", command: nil, budget: 4)
        body["evaluator"] = ["steps": steps]
        try await admin.call(.POST, "/v1/studies", json: body)
        let first = try await pilot(server, name: "alpha", directory: directory)
        let second = try await pilot(server, name: "beta", directory: directory)
        async let a = first.run()
        async let b = second.run()
        let summaries = await [a, b]
        #expect(summaries.reduce(0) { $0 + $1.completed } == 20)
        let trials = try await admin.call(.GET, "/v1/studies/wf/trials") as! [[String: Any]]
        #expect(trials.count == 4)
        for trial in trials {
            #expect(trial["state"] as? String == "completed")
            #expect((trial["outputs"] as? [String: Double])?["f1"] == 3)
            #expect(trial["step_counts"] as? [String: Int] == ["completed": 5])
        }
        let detail = try await admin.call(.GET, "/v1/studies/wf/trials/0") as! [String: Any]
        let stepList = try #require(detail["steps"] as? [[String: Any]])
        #expect(stepList.map { $0["step"] as? String } == ["check", "simulate", "simulate", "simulate", "score"])
        #expect(stepList.compactMap { $0["element"] as? Int } == [0, 1, 2])
        for step in stepList {
            let attempts = try #require(step["attempts"] as? [[String: Any]])
            #expect(attempts.count == 1 && attempts[0]["state"] as? String == "completed")
            #expect(["alpha", "beta"].contains(attempts[0]["pilot"] as? String ?? ""))
        }
        #expect((stepList[1]["output"] as? [String: Any])?["events"] as? Int == 3000)
        let store = try StudyStore(path: server.path)
        let study = try #require(try store.studies().first).id
        let all = try store.trials(study: study).flatMap { try store.attempts(trial: $0.id) }
        #expect(all.count == 20 && Set(all.compactMap(\.stepID)).count == 20)
        await expectStatus(422, field: "trial") { _ = try await admin.call(.GET, "/v1/studies/wf/trials/first") }
        await expectStatus(404) { _ = try await admin.call(.GET, "/v1/studies/wf/trials/99") }
    }

    @Test("A step whose pilot is stopped (SIGTERM) mid-run is handed back and resumes from its checkpoint elsewhere")
    func preemptedStepResumes() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        let directory = try temporaryDirectory()
        let admin = try server.client()
        let long =
            #"cat > /dev/null; if [ -f "$PARETOPILOT_CHECKPOINT_DIR/half" ]; then echo '{"f1": 1, "f2": 2}'; else touch "$PARETOPILOT_CHECKPOINT_DIR/half"; sleep 30; fi"#
        var body = studySpecification(name: "preempt", command: nil, budget: 1)
        body["evaluator"] = [
            "steps": [["name": "simulate", "command": long, "objectives": true]], "directory": directory,
        ]
        try await admin.call(.POST, "/v1/studies", json: body)
        let checkpoint = "\(directory)/preempt/trial-0/.checkpoints/simulate/half"
        let preempted = try await pilot(server, name: "preemptible", directory: "/nonexistent")
        let running = Task { await preempted.run() }
        #expect(try await eventually { FileManager.default.fileExists(atPath: checkpoint) })
        await preempted.stop()
        let first = await running.value
        #expect(first.completed == 0)
        let next = try await pilot(server, name: "next", directory: "/nonexistent")
        #expect(await next.run().completed == 1)
        let detail = try await admin.call(.GET, "/v1/studies/preempt/trials/0") as! [String: Any]
        #expect(detail["state"] as? String == "completed")
        let attempts = try #require((detail["steps"] as? [[String: Any]])?.first?["attempts"] as? [[String: Any]])
        #expect(attempts.count == 2)
        #expect(attempts.first?["error"] as? String == "released by pilot preemptible")
        #expect(attempts.first?["resumed"] as? Bool == false)
        #expect(attempts.last?["state"] as? String == "completed" && attempts.last?["resumed"] as? Bool == true)
        #expect(attempts.last?["pilot"] as? String == "next")
    }

    @Test("A workflow with a cycle is refused at creation (422) with the step's field; nothing is stored")
    func badWorkflowRefused() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        let admin = try server.client()
        var body = studySpecification(name: "cyclic", command: nil)
        body["evaluator"] = [
            "steps": [
                ["name": "a", "command": "true", "after": ["b"]], ["name": "b", "command": "true", "after": ["a"]],
                ["name": "c", "command": "true", "objectives": true],
            ]
        ]
        await expectStatus(422, field: "evaluator.steps[0].after") {
            _ = try await admin.call(.POST, "/v1/studies", json: body)
        }
        #expect((try await admin.call(.GET, "/v1/studies") as? [[String: Any]])?.isEmpty == true)
    }
}
