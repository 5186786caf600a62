import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import Memberwise
import NIOSSL
import ServiceLifecycle
import Wire

/// The certificate and key `paretopilot serve` speaks TLS with (PEM files).
@MemberwiseInit
public struct ServerTLS: Sendable, Equatable {
    /// The server's certificate, followed by any intermediates.
    public var certificateChain: String
    public var privateKey: String

    /// The NIOSSL server configuration; errors name the file at fault.
    func configuration() throws(ServiceError) -> TLSConfiguration {
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMFile(certificateChain)
        } catch {
            throw ServiceError(
                .invalidValue,
                "cannot read the certificate chain '\(certificateChain)': \(error)",
                field: "tls-cert"
            )
        }
        guard !chain.isEmpty else {
            throw ServiceError(.invalidValue, "'\(certificateChain)' holds no PEM certificate", field: "tls-cert")
        }
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(file: privateKey, format: .pem)
        } catch {
            throw ServiceError(.invalidValue, "cannot read the private key '\(privateKey)': \(error)", field: "tls-key")
        }
        return TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) },
            privateKey: .privateKey(key)
        )
    }
}

/// Settings of `paretopilot serve`.
@MemberwiseInit
public struct ServerConfiguration: Sendable {
    public var host: String = "127.0.0.1"
    /// 0 picks a free port (reported through `onRunning`).
    public var port: Int = 8080
    public var databasePath: String
    /// Seconds between sweeps for expired leases.
    public var reapInterval: Double = 1
    /// Largest request body accepted, in bytes.
    public var maxBodyBytes: Int = 4 << 20
    /// Seconds between polls of a followed log.
    public var followInterval: Double = 0.25
    /// Serve the file for reading only (`paretopilot dashboard`): every request that would change
    /// it is refused, no candidates are generated and no lease is reaped.
    public var readOnly: Bool = false
    /// Speak https with this certificate and key (plain http when `nil`).
    public var tls: ServerTLS? = nil
    /// Accept OIDC (JWT) bearer tokens as this configuration says.
    public var oidc: OIDCConfiguration? = nil
}

/// The ParetoPilot HTTP service: ask/tell for clients, jobs for pilots, tokens, a lease reaper.
public struct ParetoPilotServer: Sendable {
    public let configuration: ServerConfiguration
    public let coordinator: StudyCoordinator
    let logger: Logger

    /// Every route: method and path template (as in the OpenAPI document).
    public static var endpoints: [(method: String, path: String)] {
        WireRoute.all.map { ($0.method.rawValue, $0.path) }
    }

    /// Opens the database; the service starts with ``run(onRunning:)``.
    public init(configuration: ServerConfiguration, logger: Logger) throws {
        self.configuration = configuration
        self.logger = logger
        coordinator = try StudyCoordinator(path: configuration.databasePath, logger: logger)
    }

    /// Serves until SIGTERM or SIGINT (graceful: requests in flight finish) or until the task is
    /// cancelled. `onRunning` gets the bound port once the server listens.
    public func run(onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let router = Router(context: ServiceRequestContext.self)
        router.add(middleware: ErrorMiddleware(logger: logger))
        router.add(middleware: LogRequestsMiddleware(.debug))
        if configuration.readOnly { router.add(middleware: ReadOnlyMiddleware()) }
        DashboardRoutes().register(on: router)
        var routes = APIRoutes(
            coordinator: coordinator,
            maxBodyBytes: configuration.maxBodyBytes,
            followInterval: configuration.followInterval
        )
        routes.oidc = configuration.oidc.map { OIDCVerifier(configuration: $0, logger: logger) }
        routes.register(on: router)
        let server: HTTPServerBuilder =
            if let tls = configuration.tls { try .tls(.http1(), tlsConfiguration: tls.configuration()) } else {
                .http1()
            }
        if !configuration.readOnly { await coordinator.start() }
        let app = Application(
            router: router,
            server: server,
            configuration: .init(
                address: .hostname(configuration.host, port: configuration.port),
                serverName: "paretopilot"
            ),
            services: configuration.readOnly
                ? [] : [LeaseReaper(coordinator: coordinator, interval: configuration.reapInterval)],
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? 0) },
            logger: logger
        )
        do {
            try await app.runService(gracefulShutdownSignals: [.sigterm, .sigint])
        } catch {
            await coordinator.drain()
            throw error
        }
        await coordinator.drain()
    }
}
