import ArgumentParser
import Foundation
import ParetoPilotCommands
import Store
import Testing

@Suite("serve, token, pilot, provision: bad input")
struct ServiceCommandTests {
    /// Runs a command line and returns its exit code (0 if it returned).
    func exitCode(_ arguments: [String]) async throws -> Int32 {
        var command = try ParetoPilotCommand.parseAsRoot(arguments)
        do {
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            return 0
        } catch let error as ExitCode {
            return error.rawValue
        }
    }

    @Test(
        "Bad flags exit with code 2 before anything starts",
        .enabled(
            if: ProcessInfo.processInfo.environment["PARETOPILOT_TOKEN"] == nil,
            "PARETOPILOT_TOKEN is set, and the missing-token case needs it unset"
        )
    )
    func badFlags() async throws {
        let directory = try Scratch.directory()
        let db = directory.appendingPathComponent("service.sqlite").path
        let emptyOIDC = directory.appendingPathComponent("oidc.json").path
        try #"{"issuers": [], "grants": []}"#.write(toFile: emptyOIDC, atomically: true, encoding: .utf8)
        for arguments in [
            ["serve", "--db", db, "--tls-cert", "/nonexistent/cert.pem"],
            ["serve", "--db", db, "--tls-cert", "/nonexistent/cert.pem", "--tls-key", "/nonexistent/key.pem"],
            ["serve", "--db", db, "--oidc-config", "/nonexistent/oidc.json"],
            ["serve", "--db", db, "--oidc-config", emptyOIDC],
            ["serve", "--db", db, "--port", "70000"],
            ["serve", "--db", db, "--log-level", "loud"],
            ["serve", "--db", db, "--reap-interval", "0"],
            ["pilot", "--server", "http://127.0.0.1:1"],
            ["pilot", "--server", "http://127.0.0.1:1", "--token", "t", "--slots", "0"],
            ["pilot", "--server", "http://127.0.0.1:1", "--token", "t", "--poll-interval", "0"],
            ["pilot", "--server", "http://127.0.0.1:1", "--token", "t", "--log-level", "loud"],
            ["provision", "slurm", "--server", "http://127.0.0.1:1"],
            ["provision", "slurm", "--server", "http://127.0.0.1:1", "--token", "t", "--pilots", "0"],
            ["provision", "slurm", "--server", "http://127.0.0.1:1", "--token", "t", "--time-limit", "0"],
            ["limits", "--background", "3", "--observed", "1", "--server", "http://127.0.0.1:1"],
        ] {
            #expect(try await exitCode(arguments) == 2, "\(arguments)")
        }
        #expect(!FileManager.default.fileExists(atPath: db), "a refused serve must not create its database")
    }

    @Test("token create refuses bad roles, studies and files, and changes nothing")
    func tokenCreate() async throws {
        let directory = try Scratch.directory()
        let db = directory.appendingPathComponent("service.sqlite").path
        let store = try StudyStore(path: db)
        _ = try store.createStudy(name: "s", specification: "{}")
        _ = try store.createToken(digest: "d", role: .admin, study: nil, name: "first")
        for arguments in [
            ["token", "create", "--db", db, "--role", "wizard"],
            ["token", "create", "--db", db, "--role", "pilot", "--study", "s"],
            ["token", "create", "--db", db, "--role", "client", "--study", "nope"],
        ] {
            #expect(try await exitCode(arguments) == 2, "\(arguments)")
        }
        #expect(try store.tokens().count == 1)
        let notADatabase = directory.appendingPathComponent("notes.txt").path
        try "not a database".write(toFile: notADatabase, atomically: true, encoding: .utf8)
        #expect(try await exitCode(["token", "create", "--db", notADatabase, "--role", "pilot"]) == 2)
        #expect(try String(contentsOfFile: notADatabase, encoding: .utf8) == "not a database")
        #expect(try await exitCode(["token", "create", "--db", db, "--role", "client", "--study", "s"]) == 0)
        #expect(try store.tokens().map(\.role) == [.admin, .client])
    }

    @Test("--ca-file that cannot be read is refused when the command line is parsed, naming the option")
    func unreadableCAFile() {
        for arguments in [
            ["pilot", "--server", "https://127.0.0.1:1", "--token", "t", "--ca-file", "/nonexistent/ca.pem"],
            [
                "provision", "slurm", "--server", "https://127.0.0.1:1", "--token", "t", "--ca-file",
                "/nonexistent/ca.pem",
            ],
        ] {
            do {
                _ = try ParetoPilotCommand.parseAsRoot(arguments)
                Issue.record("\(arguments) accepted")
            } catch {
                #expect(ParetoPilotCommand.message(for: error).contains("--ca-file"), "\(arguments)")
            }
        }
    }
}
