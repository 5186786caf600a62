import Foundation
import Pilot
import Testing

@Suite("The dashboard: its page, its data and who may read them", .serialized)
struct DashboardTests {
    /// A study of 6 told trials: f1 = x, f2 = 1 - x (all on the front) except trial 5, dominated,
    /// and trial 4, which breaks the constraint f1 <= 0.9.
    func studyWithResults(_ server: TestServer) async throws {
        let admin = try server.client()
        try await admin.call(
            .POST,
            "/v1/studies",
            json: studySpecification(name: "dash", command: nil, budget: 8, extra: ["constraints": ["f1 <= 0.9"]])
        )
        let values: [(Double, Double)] = [(0.1, 0.9), (0.3, 0.7), (0.5, 0.5), (0.7, 0.3), (0.95, 0.01), (0.6, 0.8)]
        for (index, (f1, f2)) in values.enumerated() {
            try await admin.call(
                .POST,
                "/v1/studies/dash/trials",
                json: ["parameters": ["x": Double(index) / 10, "y": 0.5]]
            )
            try await admin.call(
                .POST,
                "/v1/studies/dash/trials/\(index)/tell",
                json: ["values": ["f1": f1, "f2": f2]]
            )
        }
    }

    @Test("GET / serves the page, script and style sheet without a token, and they carry no study data")
    func pageWithoutToken() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        try await studyWithResults(server)
        let anonymous = try server.client(nil)
        for path in ["/", "/dashboard.js", "/dashboard.css"] {
            let (status, body) = try await anonymous.send(.GET, path)
            #expect(status == 200, "\(path)")
            let text = String(decoding: body, as: UTF8.self)
            #expect(!text.contains("dash\""), "\(path) must not carry data")
        }
        let (_, page) = try await anonymous.send(.GET, "/")
        #expect(String(decoding: page, as: UTF8.self).contains("/dashboard.js"))
        await expectStatus(401) { try await anonymous.call(.GET, "/v1/studies/dash/dashboard") }
        await expectStatus(401) { try await anonymous.call(.GET, "/v1/pilots") }
    }

    @Test("The dashboard data: one point per completed trial, Pareto ranks from the server, feasibility, axes")
    func dashboardData() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        try await studyWithResults(server)
        let data = try await server.client().call(.GET, "/v1/studies/dash/dashboard") as! [String: Any]
        #expect(data["trials"] as? [Int] == [0, 1, 2, 3, 4, 5])
        #expect(data["feasible"] as? [Bool] == [true, true, true, true, false, true])
        #expect(data["ranks"] as? [Int] == [0, 0, 0, 0, -1, 1])
        let objectives = data["objectives"] as! [[String: Any]]
        #expect(objectives.map { $0["name"] as! String } == ["f1", "f2"])
        #expect((objectives[0]["values"] as! [Double]) == [0.1, 0.3, 0.5, 0.7, 0.95, 0.6])
        let axis = objectives[0]["axis"] as! [String: Any]
        #expect(axis["scale"] as? String == "linear")
        #expect(
            (axis["ticks"] as! [[String: Any]]).map { $0["label"] as! String } == [
                "0", "0.2", "0.4", "0.6", "0.8", "1.0",
            ]
        )
        let parameters = data["parameters"] as! [[String: Any]]
        #expect((parameters[0]["values"] as! [Double]) == [0, 0.1, 0.2, 0.3, 0.4, 0.5])
        let history = data["hypervolume"] as! [[String: Any]]
        #expect(history.count == 6)
        let api = try await server.client().call(.GET, "/v1/studies/dash/history") as! [[String: Any]]
        #expect(
            zip(history, api).allSatisfy {
                abs(($0["hypervolume"] as! Double) - ($1["hypervolume"] as! Double)) < 1e-12
            }
        )
    }

    @Test("A client token of another study and a pilot token read nothing; a viewer reads but cannot write")
    func access() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        try await studyWithResults(server)
        let admin = try server.client()
        try await admin.call(.POST, "/v1/studies", json: studySpecification(name: "other", command: nil))
        let otherClient = try server.client(try await server.token(role: "client", study: "other"))
        for path in [
            "/v1/studies/dash/dashboard", "/v1/studies/dash/trials", "/v1/studies/dash/results", "/v1/studies/dash",
        ] {
            await expectStatus(403) { try await otherClient.call(.GET, path) }
        }
        let pilots = try await otherClient.call(.GET, "/v1/pilots") as! [String: Any]
        #expect((pilots["pilots"] as! [Any]).isEmpty)
        let listed = try await otherClient.call(.GET, "/v1/studies") as! [[String: Any]]
        #expect(listed.map { $0["name"] as! String } == ["other"])
        let pilot = try server.client(try await server.token(role: "pilot"))
        await expectStatus(403) { try await pilot.call(.GET, "/v1/studies/dash/dashboard") }

        let viewer = try server.client(await server.coordinator.sessionViewerToken())
        let data = try await viewer.call(.GET, "/v1/studies/dash/dashboard") as! [String: Any]
        #expect((data["trials"] as! [Int]).count == 6)
        _ = try await viewer.call(.GET, "/v1/pilots")
        await expectStatus(403) { try await viewer.call(.POST, "/v1/studies/dash/ask", json: ["count": 1]) }
        await expectStatus(403) {
            try await viewer.call(.POST, "/v1/studies/dash/trials/0/tell", json: ["values": ["f1": 0, "f2": 0]])
        }
        await expectStatus(403) { try await viewer.call(.POST, "/v1/tokens", json: ["role": "admin"]) }
        let bound = try server.client(try await server.token(role: "viewer", study: "other"))
        await expectStatus(403) { try await bound.call(.GET, "/v1/studies/dash/dashboard") }
    }

    @Test("A read-only server (paretopilot dashboard) shows the file and refuses every change")
    func readOnlyServer() async throws {
        let writable = try await TestServer.start()
        try await studyWithResults(writable)
        let path = writable.path
        await writable.stop()

        let server = try await TestServer.start(path: path, readOnly: true)
        defer { Task { await server.stop() } }
        let admin = try server.client()
        let data = try await admin.call(.GET, "/v1/studies/dash/dashboard") as! [String: Any]
        #expect((data["trials"] as! [Int]).count == 6)
        await expectStatus(403) { try await admin.call(.POST, "/v1/studies/dash/ask", json: ["count": 1]) }
        await expectStatus(403) { try await admin.call(.POST, "/v1/studies", json: studySpecification(name: "new")) }
        let summary = try await admin.call(.GET, "/v1/studies/dash") as! [String: Any]
        #expect(summary["pending"] as? Int == 0 && summary["completed"] as? Int == 6)
    }
}
