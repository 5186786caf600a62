import ArgumentParser
import Foundation
import ParetoPilotCommands
import Testing

@Suite("paretopilot openapi")
struct OpenAPICommandTests {
    @Test("-o FILE writes the OpenAPI 3.1 document; an unwritable path is exit code 1 and writes nothing")
    func writesTheDocument() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("openapi-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: file) }
        var command = try ParetoPilotCommand.parseAsRoot(["openapi", "-o", file.path])
        try command.run()
        let document = try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any]
        #expect((document?["openapi"] as? String)?.hasPrefix("3.1") == true)
        #expect((document?["paths"] as? [String: Any])?.count ?? 0 >= 20)

        let unwritable = "/nonexistent-\(UUID().uuidString)/openapi.json"
        var bad = try ParetoPilotCommand.parseAsRoot(["openapi", "-o", unwritable])
        #expect(throws: ExitCode(1)) { try bad.run() }
        #expect(!FileManager.default.fileExists(atPath: unwritable))
    }
}
