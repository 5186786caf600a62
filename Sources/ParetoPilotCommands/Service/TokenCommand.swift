import ArgumentParser
import Foundation
import Server
import Store

/// `paretopilot token`: API tokens.
struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Manage the service's API tokens.",
        subcommands: [Create.self, Revoke.self]
    )

    /// `paretopilot token create`.
    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a token in the service's database and print its secret (shown once).",
            discussion: """
                Roles: admin (everything), client (ask/tell and read; with --study, one study only), \
                pilot (acquire and run jobs) or viewer (read, as the dashboard does). The server picks new tokens up at once.
                """
        )

        @Option(help: "The service's SQLite file.")
        var db: String

        @Option(help: "admin, client, pilot or viewer.")
        var role: String

        @Option(help: "For a client or viewer token: the one study (name or id) it may use.")
        var study: String?

        @Option(help: "A label for logs.")
        var name: String?

        @Option(
            name: .customLong("expires-in"),
            help: "Seconds the token is valid for (default: no expiry). Pilots renew theirs before it expires."
        )
        var expiresIn: Double?

        func run() async throws {
            guard let role = TokenRole(rawValue: role) else {
                printError("error: --role must be admin, client, pilot or viewer, got '\(role)'")
                throw ExitCode(2)
            }
            do {
                print(try TokenIssuer.create(path: db, role: role, study: study, name: name, lifetime: expiresIn))
            } catch let error as ServiceError {
                printError("error: \(error.message)")
                throw ExitCode(2)
            } catch let error as StoreError {
                printError("error: \(error.message)")
                throw ExitCode(2)
            }
        }
    }

    /// `paretopilot token revoke`.
    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke every token with a name; the server refuses them from its next request on."
        )

        @Option(help: "The service's SQLite file.")
        var db: String

        @Option(help: "The tokens' name (as given to 'token create --name', or renewed from it).")
        var name: String

        func run() async throws {
            do {
                let count = try TokenIssuer.revoke(path: db, name: name)
                print("revoked \(count) token\(count == 1 ? "" : "s") named '\(name)'")
                if count == 0 { throw ExitCode(1) }
            } catch let error as StoreError {
                printError("error: \(error.message)")
                throw ExitCode(2)
            }
        }
    }
}
