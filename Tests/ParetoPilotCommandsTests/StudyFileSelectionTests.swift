import Foundation
import Store
import Testing

/// A server's file holds several studies: `study show/export/plot` read the one `--study` names.
@Suite("paretopilot study with a file of several studies", .serialized)
struct StudyFileSelectionTests {
    /// A file with studies `alpha` (one completed trial, f = 1) and `beta` (one, f = 2).
    static func twoStudies(in directory: URL) throws -> String {
        let path = directory.appendingPathComponent("server.sqlite").path
        let store = try StudyStore(path: path)
        for (name, value) in [("alpha", 1.0), ("beta", 2.0)] {
            let specification = """
                {"name": "\(name)", "parameters": [{"name": "x", "type": "float", "lower": 0, "upper": 1}],
                 "objectives": [{"name": "f"}], "evaluator": {}}
                """
            let study = try store.createStudy(name: name, specification: specification)
            let trial = try store.createTrial(study: study, parameters: [0.5])
            let attempt = try store.startAttempt(trial: trial.id)
            _ = try store.completeAttempt(attempt, outputs: ["f": value])
        }
        return path
    }

    /// Runs `paretopilot` with `arguments`: exit status, stdout, stderr.
    static func run(_ arguments: [String]) async throws -> (Int32, String, String) {
        let binary = try #require(Scratch.binary, "the paretopilot binary is built with the tests")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        try await Scratch.wait(for: process, seconds: 30)
        return (process.terminationStatus, printed, message)
    }

    @Test("export --study NAME exports that study's trials only")
    func exportNamedStudy() async throws {
        let path = try Self.twoStudies(in: try Scratch.directory())
        let (status, csv, _) = try await Self.run(["study", "export", path, "--study", "beta"])
        #expect(status == 0)
        let rows = csv.split(separator: "\n")
        #expect(rows.count == 2)
        #expect(rows.first?.hasPrefix("trial,state,attempts,x,f") == true)
        #expect(rows.last == "0,completed,1,0.5,2.0,true,true,", "\(csv)")
    }

    @Test(
        "Without --study, or with an unknown one, exit code 2 names the studies the file holds",
        arguments: [["study", "export"], ["study", "show"], ["study", "export", "--study", "gamma"]]
    )
    func ambiguousOrUnknownStudyIsRefused(_ command: [String]) async throws {
        let path = try Self.twoStudies(in: try Scratch.directory())
        let (status, _, message) = try await Self.run(Array(command.prefix(2)) + [path] + command.dropFirst(2))
        #expect(status == 2)
        #expect(message.contains("alpha") && message.contains("beta"), "\(message)")
        #expect(message.contains("--study"), "\(message)")
    }
}
