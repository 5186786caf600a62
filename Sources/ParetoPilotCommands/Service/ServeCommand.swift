import ArgumentParser
import Foundation
import Logging
import Server
import Store

/// `paretopilot serve`: the HTTP service for ask/tell clients and pilots.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve studies over HTTP: ask/tell for clients, jobs for pilots.",
        discussion: """
            The first start creates an admin token: the one in PARETOPILOT_ADMIN_TOKEN if set, else a \
            new one printed once. Create other tokens with 'paretopilot token create'. SIGTERM or \
            SIGINT stops the server gracefully. The API is described at GET /openapi.json; the \
            dashboard is at /, and the URL printed at start opens it with a viewer token that lasts \
            until the server stops.
            """
    )

    @Option(help: "The service's SQLite file (created if missing).")
    var db: String

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on (0 picks a free one).")
    var port = 8080

    @Option(name: .customLong("reap-interval"), help: "Seconds between sweeps for expired leases.")
    var reapInterval = 1.0

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning or error.")
    var logLevel = "info"

    func run() async throws {
        let level = try CommandEnvironment.logLevel(logLevel)
        guard (0...65_535).contains(port) else {
            printError("error: --port must be between 0 and 65535")
            throw ExitCode(2)
        }
        guard reapInterval > 0 else {
            printError("error: --reap-interval must be positive")
            throw ExitCode(2)
        }
        CommandEnvironment.bootstrapLogging(level)
        let logger = Logger(label: "paretopilot.server")
        let server: ParetoPilotServer
        do {
            server = try ParetoPilotServer(
                configuration: ServerConfiguration(
                    host: host,
                    port: port,
                    databasePath: db,
                    reapInterval: reapInterval
                ),
                logger: logger
            )
            let environmentToken = ProcessInfo.processInfo.environment["PARETOPILOT_ADMIN_TOKEN"]
            if let secret = try await server.coordinator.bootstrapAdminToken(environmentSecret: environmentToken) {
                print("admin token (shown once, keep it): \(secret)")
            }
        } catch let error as StoreError {
            printError("error: \(error.message)")
            throw ExitCode(2)
        }
        let host = self.host
        let viewer = await server.coordinator.sessionViewerToken()
        try await server.run { port in
            print("listening on http://\(host):\(port)")
            // The fragment never reaches the server (browsers do not send it), so no request log
            // holds the token; it lives in memory until the server stops.
            print(
                "dashboard (read-only, until this server stops): \(DashboardCommand.url(host: host, port: port))#token=\(viewer)"
            )
            fflush(nil)
        }
    }
}
