import Foundation
import ParetoPilotTesting
import Pilot
import Server
import StudyModel
import Testing

@Suite("HTTP service: studies as a newcomer writes them, and the result stream", .serialized)
struct StudyCreationTests {
    @Test("A built-in problem over HTTP brings its own parameters and references")
    func builtinProblemBringsParameters() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        let admin = try server.client()
        let body: [String: Any] = [
            "name": "tracker", "objectives": [["name": "resolution"], ["name": "cost"]],
            "evaluator": ["problem": "toytracker"], "budget": 6,
        ]
        let created = try await admin.call(.POST, "/v1/studies", json: body) as! [String: Any]
        let specification = try #require(created["specification"] as? [String: Any])
        let parameters = try #require(specification["parameters"] as? [[String: Any]])
        #expect(parameters.count == 5)
        #expect(parameters.contains { $0["name"] as? String == "layers" && $0["type"] as? String == "int" })
        let objectives = try #require(specification["objectives"] as? [[String: Any]])
        #expect(objectives.map { $0["reference"] as? Double } == [0.1, 40])
    }

    @Test("An ask/tell study needs no evaluator; a misspelt direction is refused naming the field")
    func askTellWithoutEvaluator() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        let admin = try server.client()
        let body: [String: Any] = [
            "name": "asktell", "parameters": [["name": "x", "type": "float", "lower": 0, "upper": 1]],
            "objectives": [["name": "f"]], "budget": 3,
        ]
        try await admin.call(.POST, "/v1/studies", json: body)
        let asked = try await admin.call(.POST, "/v1/studies/asktell/ask", json: ["count": 1]) as! [String: Any]
        #expect((asked["trials"] as? [Any])?.count == 1)
        await #expect {
            var misspelt = body
            misspelt["name"] = "misspelt"
            misspelt["objectives"] = [["name": "f", "direction": "maximise"]]
            try await admin.call(.POST, "/v1/studies", json: misspelt)
        } throws: { error in
            guard let error = error as? ServiceClientError else { return false }
            return error.status == 422 && error.field == "objectives[0].direction"
                && error.message.contains("minimize, maximize")
        }
    }

    @Test("The result stream gives every finished trial once, in order, and ends when the study is done")
    func resultStream() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        let admin = try server.client()
        let body: [String: Any] = [
            "name": "stream", "parameters": [["name": "x", "type": "float", "lower": 0, "upper": 1]],
            "objectives": [["name": "f"]], "budget": 3, "strategy": "sobol",
        ]
        try await admin.call(.POST, "/v1/studies", json: body)
        let asked = try await admin.call(.POST, "/v1/studies/stream/ask", json: ["count": 3]) as! [String: Any]
        let numbers = (asked["trials"] as! [[String: Any]]).map { $0["trial"] as! Int }
        try await admin.call(.POST, "/v1/studies/stream/trials/\(numbers[1])/tell", json: ["values": ["f": 1.0]])
        let first = try await admin.call(.GET, "/v1/studies/stream/results") as! [String: Any]
        let results = first["results"] as! [[String: Any]]
        #expect(results.count == 1)
        #expect(first["finished"] as? Bool == false)
        let after = first["next_after"] as! Int
        try await admin.call(.POST, "/v1/studies/stream/trials/\(numbers[0])/tell", json: ["failure": ["message": "x"]])
        try await admin.call(.POST, "/v1/studies/stream/trials/\(numbers[2])/tell", json: ["values": ["f": 2.0]])
        // The stream from `after` has the two later results and then ends.
        let streamer = try server.client()
        let response = try await streamer.send(
            .GET,
            "/v1/studies/stream/results?follow=true&after=\(after)",
            timeout: 10
        )
        let text = String(decoding: response.body, as: UTF8.self)
        let trials = text.split(separator: "\n").filter { $0.hasPrefix("data: {\"") }
        #expect(trials.count == 2)
        #expect(trials[0].contains("\"trial\":\(numbers[0])") && trials[0].contains("\"state\":\"failed\""))
        #expect(trials[1].contains("\"trial\":\(numbers[2])"))
        #expect(text.hasSuffix("event: end\ndata: {}\n\n"))
        // A bad cursor is a 400 naming it; an unknown study is a 404.
        for bad in ["-1", "abc"] {
            await #expect {
                try await admin.call(.GET, "/v1/studies/stream/results?after=\(bad)")
            } throws: { ($0 as? ServiceClientError)?.status == 400 && ($0 as? ServiceClientError)?.field == "after" }
        }
        await #expect {
            try await admin.call(.GET, "/v1/studies/nothing/results")
        } throws: { ($0 as? ServiceClientError)?.status == 404 }
    }
}

@Suite("Study files: misspelt fields")
struct StudyFieldTests {
    @Test(
        "A misspelt field is refused naming it, at the top level and inside a parameter",
        arguments: [
            (#"{"name": "s", "objectives": [{"name": "f"}], "budgett": 3}"#, "budgett"),
            (
                #"{"name": "s", "objectives": [{"name": "f"}], "parameters": [{"name": "x", "type": "float", "lower": 1, "upper": 2, "scal": "log"}]}"#,
                "parameters[0].scal"
            ),
        ]
    )
    func misspeltField(json: String, field: String) throws {
        #expect {
            try StudySpecification.decode(json: Data(json.utf8), source: "study.json")
        } throws: { error in
            (error as? StudyError)?.field == field
        }
    }
}
