import Foundation
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

/// The keys of `value` that `schema` (resolved against `document`) does not describe, as paths.
/// Objects with `properties` are checked key by key (unless they allow additional properties) and
/// descended into; arrays through `items`.
func undocumentedKeys(_ value: Any, schema: [String: Any], document: [String: Any], path: String = "") -> [String] {
    var schema = schema
    if let reference = schema["$ref"] as? String {
        let name = reference.replacingOccurrences(of: "#/components/schemas/", with: "")
        let components = (document["components"] as? [String: Any])?["schemas"] as? [String: Any]
        schema = components?[name] as? [String: Any] ?? [:]
    }
    if let object = value as? [String: Any], let properties = schema["properties"] as? [String: Any] {
        var missing: [String] = []
        for (key, child) in object {
            guard let property = properties[key] as? [String: Any] else {
                if schema["additionalProperties"] == nil { missing.append(path + "." + key) }
                continue
            }
            missing += undocumentedKeys(child, schema: property, document: document, path: path + "." + key)
        }
        return missing
    }
    if let array = value as? [Any], let items = schema["items"] as? [String: Any] {
        return array.prefix(20).flatMap { undocumentedKeys($0, schema: items, document: document, path: path + "[]") }
    }
    return []
}

@Suite("The OpenAPI document describes what the server sends")
struct OpenAPIResponseTests {
    @Test("Every key of real responses (trials, summary, dashboard, pilots, a job, health) is in the document")
    func responsesAreDocumented() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        let admin = try server.client()
        let document = try await server.client(nil).call(.GET, "/openapi.json") as! [String: Any]
        let paths = document["paths"] as! [String: [String: Any]]
        func schema(_ path: String, _ method: String = "get") -> [String: Any] {
            let operation = paths[path]?[method] as? [String: Any]
            let responses = operation?["responses"] as? [String: Any]
            let ok = (responses?["200"] ?? responses?["201"]) as? [String: Any]
            let content = (ok?["content"] as? [String: Any])?["application/json"] as? [String: Any]
            return content?["schema"] as? [String: Any] ?? [:]
        }
        try await admin.call(.POST, "/v1/studies", json: studySpecification(name: "told", command: nil))
        _ = try await admin.call(.POST, "/v1/studies/told/ask", json: ["count": 3])
        try await admin.call(.POST, "/v1/studies/told/trials/0/tell", json: ["values": ["f1": 0.5, "f2": 0.5]])
        try await admin.call(
            .POST,
            "/v1/studies/told/trials/1/tell",
            json: ["failure": ["message": "broke", "stderr_tail": "Traceback\nValueError"]]
        )
        try await admin.call(.POST, "/v1/studies", json: studySpecification(name: "piloted"))
        let pilots = try server.client(try await server.token(role: "pilot"))
        var acquired: [String: Any] = [:]
        #expect(
            try await eventually {
                acquired =
                    try await pilots.call(.POST, "/v1/pilots/acquire", json: ["pilot": "P", "slots": 1])
                    as! [String: Any]
                return !((acquired["jobs"] as? [Any]) ?? []).isEmpty
            }
        )
        let responses: [(String, Any, [String: Any])] = [
            ("trials", try await admin.call(.GET, "/v1/studies/told/trials"), schema("/v1/studies/{study}/trials")),
            ("summary", try await admin.call(.GET, "/v1/studies/told"), schema("/v1/studies/{study}")),
            (
                "dashboard", try await admin.call(.GET, "/v1/studies/told/dashboard"),
                schema("/v1/studies/{study}/dashboard")
            ),
            ("pilots", try await admin.call(.GET, "/v1/pilots"), schema("/v1/pilots")),
            ("acquire", acquired, schema("/v1/pilots/acquire", "post")),
            ("health", try await admin.call(.GET, "/health"), schema("/health")),
        ]
        // Control: the check sees a key the document lacks, nested as deep as the schema goes.
        #expect(
            undocumentedKeys(
                [["trial": 1, "bogus": 2]],
                schema: schema("/v1/studies/{study}/trials"),
                document: document
            ) == ["[].bogus"]
        )
        for (name, value, responseSchema) in responses {
            #expect(!responseSchema.isEmpty, "\(name): no schema in the document")
            let missing = undocumentedKeys(value, schema: responseSchema, document: document)
            #expect(missing.isEmpty, "\(name): undocumented \(missing)")
        }
    }
}
