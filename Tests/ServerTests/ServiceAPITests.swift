import Foundation
import NIOHTTP1
import ParetoPilotTesting
import Pilot
import Server
import Testing

@Suite("HTTP service: tokens, ask/tell, errors", .serialized)
struct ServiceAPITests {
    @Test("Tokens: none is 401, a wrong role or another study is 403")
    func tokens() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        let admin = try server.client()
        try await admin.call(.POST, "/v1/studies", json: studySpecification(name: "a", command: nil))
        try await admin.call(.POST, "/v1/studies", json: studySpecification(name: "b", command: nil))
        let anonymous = try server.client(nil)
        await expectStatus(401) { try await anonymous.call(.GET, "/v1/studies") }
        await expectStatus(401) { try await server.client("pp_not-a-token").call(.GET, "/v1/studies") }
        let pilot = try server.client(try await server.token(role: "pilot"))
        await expectStatus(403) { try await pilot.call(.GET, "/v1/studies") }
        await expectStatus(403) {
            try await pilot.call(.POST, "/v1/studies", json: studySpecification(name: "c", command: nil))
        }
        let client = try server.client(try await server.token(role: "client", study: "a"))
        await expectStatus(403) { try await client.call(.POST, "/v1/tokens", json: ["role": "admin"]) }
        await expectStatus(403) { try await client.call(.POST, "/v1/studies/b/ask", json: [:]) }
        let listed = try await client.call(.GET, "/v1/studies") as! [[String: Any]]
        #expect(listed.map { $0["name"] as! String } == ["a"])
        _ = try await client.call(.POST, "/v1/studies/a/ask", json: ["count": 1])
        // Health and the OpenAPI document need no token.
        let health = try await anonymous.call(.GET, "/health") as! [String: Any]
        #expect(health["status"] as? String == "ok")
    }

    @Test("The OpenAPI document is valid JSON, version 3.1, and describes every route")
    func openAPI() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        let document = try await server.client(nil).call(.GET, "/openapi.json") as! [String: Any]
        #expect((document["openapi"] as? String)?.hasPrefix("3.1") == true)
        let paths = document["paths"] as? [String: [String: Any]] ?? [:]
        for endpoint in APIRoutesCatalogue.endpoints {
            #expect(
                paths[endpoint.path]?[endpoint.method.lowercased()] != nil,
                "\(endpoint.method) \(endpoint.path) missing from openapi.json"
            )
        }
    }

    @Test("Ask and tell: candidates become running trials, a repeated tell is a no-op, a different one 409")
    func askTell() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        let admin = try server.client()
        try await admin.call(.POST, "/v1/studies", json: studySpecification(name: "asktell", command: nil))
        let asked = try await admin.call(.POST, "/v1/studies/asktell/ask", json: ["count": 3]) as! [String: Any]
        let trials = asked["trials"] as! [[String: Any]]
        #expect(trials.count == 3)
        #expect(Set(trials.map { $0["trial"] as! Int }) == [0, 1, 2])
        // A later ask treats the three as pending: new, distinct designs.
        let more = try await admin.call(.POST, "/v1/studies/asktell/ask", json: [:]) as! [String: Any]
        #expect((more["trials"] as! [[String: Any]]).first?["trial"] as? Int == 3)
        for trial in trials {
            let number = trial["trial"] as! Int
            let parameters = trial["parameters"] as! [String: Double]
            let x = parameters["x"]!
            let y = parameters["y"]!
            let told =
                try await admin.call(
                    .POST,
                    "/v1/studies/asktell/trials/\(number)/tell",
                    json: ["values": ["f1": x * x + y, "f2": (1 - x) * (1 - x) + y]]
                ) as! [String: Any]
            #expect(told["recorded"] as? Bool == true)
            #expect(told["state"] as? String == "completed")
        }
        let first = trials[0]["parameters"] as! [String: Double]
        let same: [String: Any] = [
            "values": [
                "f1": first["x"]! * first["x"]! + first["y"]!,
                "f2": (1 - first["x"]!) * (1 - first["x"]!) + first["y"]!,
            ]
        ]
        let repeated = try await admin.call(.POST, "/v1/studies/asktell/trials/0/tell", json: same) as! [String: Any]
        #expect(repeated["recorded"] as? Bool == false)
        await expectStatus(409) {
            try await admin.call(.POST, "/v1/studies/asktell/trials/0/tell", json: ["values": ["f1": 0.0, "f2": 0.0]])
        }
        // The client's own failure of trial 3 fails it; the front and history reflect the three results.
        let failed =
            try await admin.call(.POST, "/v1/studies/asktell/trials/3/tell", json: ["failure": ["message": "crashed"]])
            as! [String: Any]
        #expect(failed["state"] as? String == "failed")
        let front = try await admin.call(.GET, "/v1/studies/asktell/front") as! [String: Any]
        #expect((front["trials"] as! [Any]).count >= 1)
        #expect((front["hypervolume"] as! Double) > 0)
        let history = try await admin.call(.GET, "/v1/studies/asktell/history") as! [[String: Any]]
        #expect(history.count == 4)
        let listed = try await admin.call(.GET, "/v1/studies/asktell/trials") as! [[String: Any]]
        #expect(listed.map { $0["state"] as! String } == ["completed", "completed", "completed", "failed"])
    }

    @Test("Bad requests get a 4xx naming the field, and change nothing")
    func badRequests() async throws {
        let server = try await TestServer.start(maxBodyBytes: 4096)
        defer { Task { await server.stop() } }
        let admin = try server.client()
        try await admin.call(.POST, "/v1/studies", json: studySpecification(name: "strict", command: nil))
        _ = try await admin.call(.POST, "/v1/studies/strict/ask", json: ["count": 1])
        func raw(_ path: String, _ text: String) async throws {
            let response = try await admin.send(.POST, path, body: Data(text.utf8))
            try ServiceClient.check(response)
        }
        await expectStatus(400) { try await raw("/v1/studies/strict/ask", "{\"count\": ") }
        await expectStatus(400) { try await raw("/v1/studies/strict/ask", "[1, 2]") }
        await expectStatus(400, field: "cnt") { try await raw("/v1/studies/strict/ask", "{\"cnt\": 2}") }
        await expectStatus(400, field: "count") { try await raw("/v1/studies/strict/ask", "{\"count\": \"two\"}") }
        await expectStatus(422, field: "count") { try await raw("/v1/studies/strict/ask", "{\"count\": 0}") }
        await expectStatus(400) {
            try await raw("/v1/studies/strict/trials/0/tell", "{\"values\": {\"f1\": NaN, \"f2\": 1}}")
        }
        await expectStatus(400, field: "values.f1") {
            try await raw("/v1/studies/strict/trials/0/tell", "{\"values\": {\"f1\": \"1\", \"f2\": 1}}")
        }
        await expectStatus(422, field: "outputs.f2") {
            try await raw("/v1/studies/strict/trials/0/tell", "{\"values\": {\"f1\": 1}}")
        }
        await expectStatus(400) { try await raw("/v1/studies/strict/trials/0/tell", "{}") }
        await expectStatus(404) {
            try await raw("/v1/studies/strict/trials/99/tell", "{\"values\": {\"f1\": 1, \"f2\": 1}}")
        }
        await expectStatus(404, field: "study") { try await raw("/v1/studies/nope/ask", "{}") }
        await expectStatus(422, field: "parameters.x") {
            try await raw("/v1/studies/strict/trials", "{\"parameters\": {\"x\": 1.5, \"y\": 0.5}}")
        }
        await expectStatus(422, field: "parameters.y") {
            try await raw("/v1/studies/strict/trials", "{\"parameters\": {\"x\": 0.5}}")
        }
        await expectStatus(422, field: "parameters.z") {
            try await raw("/v1/studies/strict/trials", "{\"parameters\": {\"x\": 0.5, \"y\": 0.5, \"z\": 1}}")
        }
        await expectStatus(413) {
            try await raw(
                "/v1/studies/strict/ask",
                "{\"count\": 1, \"pad\": \"" + String(repeating: "x", count: 8000) + "\"}"
            )
        }
        await expectStatus(422, field: "budget") {
            var specification = studySpecification(name: "bad", command: nil)
            specification["budget"] = 0
            try await admin.call(.POST, "/v1/studies", json: specification)
        }
        await expectStatus(409, field: "name") {
            try await admin.call(.POST, "/v1/studies", json: studySpecification(name: "strict", command: nil))
        }
        await expectStatus(404) { try await admin.call(.GET, "/v1/nothing-here") }
        await expectStatus(400, field: "job") {
            try await admin.call(.POST, "/v1/jobs/abc/heartbeat", json: ["pilot": "p"])
        }
        await expectStatus(404) { try await admin.call(.POST, "/v1/jobs/12345/heartbeat", json: ["pilot": "p"]) }
        // Nothing changed: one trial, still running, no result.
        let trials = try await admin.call(.GET, "/v1/studies/strict/trials") as! [[String: Any]]
        #expect(trials.count == 1)
        #expect(trials.first?["state"] as? String == "running")
        #expect(trials.first?["outputs"] == nil)
    }
}

/// The routes the OpenAPI document must describe.
enum APIRoutesCatalogue {
    static let endpoints: [(method: String, path: String)] = ParetoPilotServer.endpoints
}

@Suite("The OpenAPI document describes what the server sends")
struct OpenAPIResponseTests {
    @Test("Real answers of every JSON route satisfy the served document's schemas: types, enums, required keys")
    func responsesSatisfyTheDocument() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        let admin = try server.client()
        let document = try await server.client(nil).call(.GET, "/openapi.json") as! [String: Any]
        let check = JSONSchemaCheck(document: document)
        var answers: [(route: String, path: String, value: Any)] = []
        func record(_ method: HTTPMethod, _ template: String, _ path: String, json: [String: Any]? = nil) async throws {
            answers.append(("\(method) \(template)", template, try await admin.call(method, path, json: json)))
        }
        try await record(.POST, "/v1/studies", "/v1/studies", json: studySpecification(name: "told", command: nil))
        try await record(.POST, "/v1/studies/{study}/ask", "/v1/studies/told/ask", json: ["count": 3])
        try await record(
            .POST,
            "/v1/studies/{study}/trials/{trial}/tell",
            "/v1/studies/told/trials/0/tell",
            json: ["values": ["f1": 0.5, "f2": 0.5]]
        )
        try await admin.call(
            .POST,
            "/v1/studies/told/trials/1/tell",
            json: ["failure": ["message": "broke", "stderr_tail": "Traceback\nValueError"]]
        )
        try await record(
            .POST,
            "/v1/studies/{study}/trials",
            "/v1/studies/told/trials",
            json: ["parameters": ["x": 0.25, "y": 0.75]]
        )
        try await admin.call(.POST, "/v1/studies", json: studySpecification(name: "piloted"))
        let pilots = try server.client(try await server.token(role: "pilot"))
        var acquired: [String: Any] = [:]
        #expect(
            try await eventually {
                acquired =
                    try await pilots.call(.POST, "/v1/pilots/acquire", json: ["pilot": "P", "slots": 2])
                    as! [String: Any]
                return ((acquired["jobs"] as? [Any]) ?? []).count == 2
            }
        )
        answers.append(("POST /v1/pilots/acquire", "/v1/pilots/acquire", acquired))
        let jobs = (acquired["jobs"] as? [[String: Any]] ?? []).compactMap { $0["job"] as? Int }
        try #require(jobs.count == 2)
        let heartbeat = try await pilots.call(.POST, "/v1/jobs/\(jobs[0])/heartbeat", json: ["pilot": "P"])
        answers.append(("POST /v1/jobs/{job}/heartbeat", "/v1/jobs/{job}/heartbeat", heartbeat))
        let logged = try await pilots.call(
            .POST,
            "/v1/jobs/\(jobs[0])/logs",
            json: ["pilot": "P", "lines": [["stream": "stdout", "text": "event 1"]]]
        )
        answers.append(("POST /v1/jobs/{job}/logs", "/v1/jobs/{job}/logs", logged))
        let completed = try await pilots.call(
            .POST,
            "/v1/jobs/\(jobs[0])/complete",
            json: ["pilot": "P", "outputs": ["f1": 0.3, "f2": 0.6], "acquire": ["slots": 1]]
        )
        answers.append(("POST /v1/jobs/{job}/complete", "/v1/jobs/{job}/complete", completed))
        let released = try await pilots.call(.POST, "/v1/jobs/\(jobs[1])/release", json: ["pilot": "P"])
        answers.append(("POST /v1/jobs/{job}/release", "/v1/jobs/{job}/release", released))
        try await record(.GET, "/v1/jobs/{job}/logs", "/v1/jobs/\(jobs[0])/logs")
        for (template, path) in [
            ("/v1/studies", "/v1/studies"), ("/v1/studies/{study}", "/v1/studies/told"),
            ("/v1/studies/{study}/trials", "/v1/studies/told/trials"),
            ("/v1/studies/{study}/trials/{trial}", "/v1/studies/told/trials/1"),
            ("/v1/studies/{study}/front", "/v1/studies/told/front"),
            ("/v1/studies/{study}/history", "/v1/studies/told/history"),
            ("/v1/studies/{study}/results", "/v1/studies/told/results"),
            ("/v1/studies/{study}/dashboard", "/v1/studies/told/dashboard"),
            ("/v1/studies/{study}/trials", "/v1/studies/piloted/trials"), ("/v1/pilots", "/v1/pilots"),
            ("/v1/work", "/v1/work"), ("/v1/tokens/self", "/v1/tokens/self"), ("/v1/audit", "/v1/audit"),
            ("/health", "/health"),
        ] {
            try await record(.GET, template, path)
        }
        try await record(.POST, "/v1/tokens", "/v1/tokens", json: ["role": "viewer", "study": "told"])
        try await record(.POST, "/v1/tokens/renew", "/v1/tokens/renew", json: [:])

        // Control: the check sees a key the document lacks and a value of the wrong type.
        let trials = try #require(check.responseSchema("GET", "/v1/studies/{study}/trials"))
        #expect(
            check.violations([["trial": 1, "state": "completed", "parameters": [:], "attempts": 1]], trials).isEmpty
        )
        #expect(check.violations([["trial": 1, "bogus": 2]], trials).count == 4)
        var covered: Set<String> = []
        for answer in answers {
            let method = String(answer.route.prefix { $0 != " " })
            let schema = try #require(check.responseSchema(method, answer.path), "\(answer.route): no schema")
            let faults = check.violations(answer.value, schema)
            #expect(faults.isEmpty, "\(answer.route): \(faults)")
            covered.insert(answer.route)
        }
        // Every JSON route but the document itself was answered and checked.
        let json = Set(ParetoPilotServer.endpoints.map { "\($0.method) \($0.path)" }).subtracting(["GET /openapi.json"])
        #expect(json.subtracting(covered).isEmpty, "not checked: \(json.subtracting(covered).sorted())")
    }
}
