import ArgumentParser
import Foundation
import Wire

/// `paretopilot openapi`: the HTTP API's OpenAPI document, as `GET /openapi.json` serves it.
struct OpenAPICommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "openapi",
        abstract: "Print the HTTP API's OpenAPI 3.1 document (what GET /openapi.json serves).",
        discussion: """
            The document is generated from the server's route table and message types, so it describes \
            this build exactly; feed it to a client generator or a fuzzer without starting a server.
            """
    )

    @Option(name: .shortAndLong, help: "Write to this file instead of standard output.")
    var output: String?

    func run() throws {
        let document = try OpenAPIDocument.json()
        guard let output else {
            FileHandle.standardOutput.write(document + Data("\n".utf8))
            return
        }
        do {
            try document.write(to: URL(fileURLWithPath: output))
        } catch {
            printError("error: cannot write '\(output)': \(error.localizedDescription)")
            throw ExitCode(1)
        }
    }
}
