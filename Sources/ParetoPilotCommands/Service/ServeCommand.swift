import ArgumentParser
import Foundation
import Logging
import Server
import Store
import StudyModel

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

    @Option(name: .customLong("tls-cert"), help: "Serve https with this PEM certificate (chain); needs --tls-key.")
    var tlsCertificate: String?

    @Option(name: .customLong("tls-key"), help: "The PEM private key of --tls-cert.")
    var tlsKey: String?

    @Option(
        name: .customLong("oidc-config"),
        help: "Accept OIDC (JWT) tokens of the issuers in this JSON file, their groups mapped to roles on studies."
    )
    var oidcConfiguration: String?

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
        guard (tlsCertificate == nil) == (tlsKey == nil) else {
            printError("error: --tls-cert and --tls-key go together")
            throw ExitCode(2)
        }
        var configuration = ServerConfiguration(host: host, port: port, databasePath: db, reapInterval: reapInterval)
        if let tlsCertificate, let tlsKey {
            for (flag, path) in [("--tls-cert", tlsCertificate), ("--tls-key", tlsKey)]
            where !FileManager.default.isReadableFile(atPath: path) {
                printError("error: \(flag): cannot read '\(path)'")
                throw ExitCode(2)
            }
            configuration.tls = ServerTLS(certificateChain: tlsCertificate, privateKey: tlsKey)
        }
        if let oidcConfiguration {
            do {
                configuration.oidc = try OIDCConfiguration.load(path: oidcConfiguration)
            } catch {
                printError("error: --oidc-config: \(error.message)")
                throw ExitCode(2)
            }
        }
        CommandEnvironment.bootstrapLogging(level)
        let logger = Logger(label: "paretopilot.server")
        let server: ParetoPilotServer
        do {
            server = try ParetoPilotServer(configuration: configuration, logger: logger)
            let environmentToken = ProcessInfo.processInfo.environment["PARETOPILOT_ADMIN_TOKEN"]
            if let secret = try await server.coordinator.bootstrapAdminToken(environmentSecret: environmentToken) {
                print("admin token (shown once, keep it): \(secret)")
            }
        } catch let error as StoreError {
            printError("error: \(error.message)")
            throw ExitCode(2)
        }
        let host = self.host
        let tls = configuration.tls != nil
        let viewer = await server.coordinator.sessionViewerToken()
        do {
            try await server.run { port in
                print("listening on \(tls ? "https" : "http")://\(host):\(port)")
                // The fragment never reaches the server (browsers do not send it), so no request log
                // holds the token; it lives in memory until the server stops.
                print(
                    "dashboard (read-only, until this server stops): \(DashboardCommand.url(host: host, port: port, tls: tls))#token=\(viewer)"
                )
                fflush(nil)
            }
        } catch let error as ServiceError {
            printError("error: \(error.message)")
            throw ExitCode(2)
        }
    }
}
