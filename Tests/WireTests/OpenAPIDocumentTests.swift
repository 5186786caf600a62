import Foundation
import ParetoPilotTesting
import StudyModel
import Testing
import Wire

/// The document as `JSONSerialization` reads it, with its checker.
private func generatedDocument() throws -> (document: [String: Any], check: JSONSchemaCheck) {
    let document = try JSONSerialization.jsonObject(with: try OpenAPIDocument.json()) as! [String: Any]
    return (document, JSONSchemaCheck(document: document))
}

private func encodedJSON(_ value: some Encodable) throws -> Any {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    return try JSONSerialization.jsonObject(with: try encoder.encode(value), options: [.fragmentsAllowed])
}

/// Encodes every example, decodes it and encodes it again: the two encodings are the same bytes.
private func roundTrips<T: WireSchema & Decodable>(_ type: T.Type) throws -> [String] {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    return try T.examples.enumerated().compactMap { index, example in
        let first = try encoder.encode(example)
        let again = try encoder.encode(try JSONDecoder().decode(T.self, from: first))
        return first == again ? nil : "\(T.schemaName) example \(index)"
    }
}

@Suite("The OpenAPI document is generated from the message types and the route table")
struct OpenAPIDocumentTests {
    @Test("Every message type's examples satisfy the schema derived for it, and there are examples")
    func examplesSatisfyTheirSchemas() throws {
        let (_, check) = try generatedDocument()
        let types = try OpenAPIDocument.messageTypes()
        #expect(types.count >= 40)
        for (name, type) in types.sorted(by: { $0.key < $1.key }) {
            #expect(!type.examples.isEmpty, "\(name) has no examples")
            let schema = try #require(check.component(name), "\(name) is not a component")
            for (index, example) in type.examples.enumerated() {
                let faults = check.violations(try encodedJSON(example), schema, path: name)
                #expect(faults.isEmpty, "\(name) example \(index): \(faults)")
            }
        }
    }

    @Test("A request type's accepted fields are exactly the keys its schema describes, and it is closed")
    func requestFieldsMatchTheirSchemas() throws {
        let (_, check) = try generatedDocument()
        let requests: [any WireRequest.Type] = [
            TokenRequest.self, RenewRequest.self, AskRequest.self, AttachRequest.self, TellRequest.self,
            AcquireRequest.self, PilotRequest.self, LogsRequest.self, CompleteRequest.self,
        ]
        let routed = Set(WireRoute.all.compactMap { $0.request.map { $0.schemaName } })
        for request in requests {
            let schema = try #require(check.component(request.schemaName))
            let keys = Set((schema["properties"] as? [String: Any] ?? [:]).keys)
            #expect(keys == request.fields, "\(request.schemaName): \(keys.symmetricDifference(request.fields))")
            #expect(schema["additionalProperties"] as? Bool == false, "\(request.schemaName) is not closed")
            #expect(routed.contains(request.schemaName), "\(request.schemaName) is no route's body")
        }
    }

    @Test("Every example survives encoding, decoding and encoding again unchanged")
    func examplesRoundTrip() throws {
        for (_, type) in try OpenAPIDocument.messageTypes() {
            guard let codable = type as? any (WireSchema & Decodable).Type else { continue }
            let changed = try roundTrips(codable)
            #expect(changed.isEmpty, "changed by a round trip: \(changed)")
        }
    }

    /// The keys the study file parser accepts where `json` puts the unknown key `zzz`, from its error.
    private func acceptedKeys(_ json: String) throws -> Set<String> {
        do {
            _ = try StudySpecification.decode(json: Data(json.utf8), source: "s")
        } catch {
            let message = "\(error)"
            let list = try #require(message.range(of: "expected one of ")).upperBound
            let names = message[list...].prefix { $0 != "\"" && $0 != ")" && $0 != "\n" }
            return Set(names.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
        }
        Issue.record("the unknown key was accepted: \(json)")
        return []
    }

    @Test(
        "The study file's schemas describe exactly the keys its parser accepts, at every level",
        arguments: [
            ("StudySpecification", #"{"name": "s", "objectives": [{"name": "f"}], "zzz": 1}"#),
            ("Evaluator", #"{"name": "s", "objectives": [{"name": "f"}], "evaluator": {"zzz": 1}}"#),
            ("Objective", #"{"name": "s", "objectives": [{"name": "f", "zzz": 1}]}"#),
            ("Parameter", #"{"name": "s", "objectives": [{"name": "f"}], "parameters": [{"name": "x", "zzz": 1}]}"#),
            ("Resources", #"{"name": "s", "objectives": [{"name": "f"}], "resources": {"zzz": 1}}"#),
            (
                "WorkflowStep",
                #"{"name": "s", "objectives": [{"name": "f"}], "evaluator": {"steps": [{"name": "a", "zzz": 1}]}}"#
            ),
        ]
    )
    func studySchemasMatchTheParser(component: String, json: String) throws {
        #expect(StudySpecification.examples.count == 3, "an example study file no longer parses")
        let (_, check) = try generatedDocument()
        let schema = try #require(check.component(component))
        let described = Set((schema["properties"] as? [String: Any] ?? [:]).keys)
        let accepted = try acceptedKeys(json)
        #expect(!accepted.isEmpty)
        #expect(described == accepted, "\(component): \(described.symmetricDifference(accepted))")
        #expect(schema["additionalProperties"] as? Bool == false)
    }

    @Test("Every route is an operation with a unique id, its path parameters and its error answers")
    func routesAreOperations() throws {
        let (document, _) = try generatedDocument()
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        var identifiers: Set<String> = []
        for route in WireRoute.all {
            let operation = try #require(
                paths[route.path]?[route.method.rawValue.lowercased()] as? [String: Any],
                "\(route) is missing"
            )
            let identifier = try #require(operation["operationId"] as? String)
            #expect(identifiers.insert(identifier).inserted, "\(identifier) twice")
            let declared = (operation["parameters"] as? [[String: Any]] ?? []).filter { $0["in"] as? String == "path" }
            #expect(declared.compactMap { $0["name"] as? String } == route.pathParameters, "\(route)")
            let responses = try #require(operation["responses"] as? [String: Any])
            #expect(responses[String(route.status)] != nil, "\(route)")
            #expect((responses["401"] != nil) == route.authenticated, "\(route)")
        }
        #expect(paths.values.map(\.count).reduce(0, +) == WireRoute.all.count)
        #expect(Set(WireRoute.all).count == WireRoute.all.count, "a route is listed twice")
    }

    @Test("Control: the checker finds a wrong type, a bad enum, a missing and an unknown key, a failed oneOf")
    func checkerFindsFaults() throws {
        let (_, check) = try generatedDocument()
        let trial = try #require(check.component("Trial"))
        let good: [String: Any] = ["trial": 1, "state": "completed", "parameters": ["x": 0.5], "attempts": 1]
        #expect(check.violations(good, trial).isEmpty)
        var bad = good
        bad["state"] = "done"
        bad["attempts"] = "one"
        bad["bogus"] = true
        bad["parameters"] = ["x": true]
        bad["trial"] = nil
        let faults = check.violations(bad, trial)
        #expect(faults.count == 5, "\(faults)")
        let tell = try #require(check.component("TellRequest"))
        #expect(!check.violations(["values": ["f": 1], "failure": ["message": "m"]], tell).isEmpty)
        #expect(check.violations(["values": ["f": 1]], tell).isEmpty)
    }
}
