import ArgumentParser
import Foundation
import Logging
import Server
import Store

/// `paretopilot dashboard STUDY.sqlite`: one study file's dashboard on loopback, read-only.
struct DashboardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dashboard",
        abstract: "Show a study file's dashboard in a browser (read-only, on this machine only).",
        discussion: """
            Serves the file on 127.0.0.1 for reading only: nothing in it changes, no candidates are \
            generated. Open the printed URL; it carries a token that lasts until this command stops \
            (Ctrl-C).
            """
    )

    @Argument(help: "The study file (.sqlite), from 'optimize --db' or 'serve --db'.")
    var file: String

    @Option(help: "Port to listen on (0 picks a free one).")
    var port = 0

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning or error.")
    var logLevel = "warning"

    func run() async throws {
        let level = try CommandEnvironment.logLevel(logLevel)
        guard (0...65_535).contains(port) else {
            printError("error: --port must be between 0 and 65535")
            throw ExitCode(2)
        }
        guard FileManager.default.fileExists(atPath: file) else {
            printError("error: there is no study file '\(file)'")
            throw ExitCode(2)
        }
        CommandEnvironment.bootstrapLogging(level)
        let server: ParetoPilotServer
        do {
            server = try ParetoPilotServer(
                configuration: ServerConfiguration(host: "127.0.0.1", port: port, databasePath: file, readOnly: true),
                logger: Logger(label: "paretopilot.dashboard")
            )
        } catch let error as StoreError {
            printError("error: \(error.message)")
            throw ExitCode(2)
        }
        let viewer = await server.coordinator.sessionViewerToken()
        try await server.run { port in
            print("dashboard of \(file): \(Self.url(host: "127.0.0.1", port: port))#token=\(viewer)")
            fflush(nil)
        }
    }

    /// The base URL of a server listening on `host` (a wildcard address shown as this machine's name).
    static func url(host: String, port: Int, tls: Bool = false) -> String {
        let shown = host == "0.0.0.0" || host == "::" ? (ProcessInfo.processInfo.hostName) : host
        return "\(tls ? "https" : "http")://\(shown.contains(":") ? "[\(shown)]" : shown):\(port)/"
    }
}
