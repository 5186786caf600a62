import Foundation
import Memberwise
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOSSL
import Wire

/// How a client secures its connection: the CA certificates it trusts for https (the system's
/// trust store when `nil`), and whether it may send a token over plain http to a non-loopback
/// address.
@MemberwiseInit
public struct ClientSecurity: Sendable, Equatable {
    /// A PEM file of CA certificates to verify the server against.
    public var caFile: String?
    /// Allow tokens over plain http beyond loopback (a trusted network only).
    public var insecure: Bool = false

    /// From `PARETOPILOT_CA_FILE` and `PARETOPILOT_INSECURE=1`, which the CLI's `--ca-file` and
    /// `--insecure` set for every client of the process (and the pilots it starts).
    public static var environment: ClientSecurity {
        let environment = ProcessInfo.processInfo.environment
        return ClientSecurity(
            caFile: environment["PARETOPILOT_CA_FILE"].flatMap { $0.isEmpty ? nil : $0 },
            insecure: environment["PARETOPILOT_INSECURE"] == "1"
        )
    }
}

/// An error answer of the service: the HTTP status and the `{"error": {...}}` body.
public struct ServiceClientError: Error, Sendable, CustomStringConvertible {
    public var status: Int
    public var code: String
    public var message: String
    public var field: String?

    public var description: String {
        "HTTP \(status) \(code): \(message)" + (field.map { " (field \($0))" } ?? "")
    }
}

/// A client of the ParetoPilot service over one keep-alive connection, reopened when it drops.
///
/// Thread-safe; requests made concurrently are sent one after another on the connection. Use
/// several clients for independent streams of requests (a followed log, for instance).
public final class ServiceClient: Sendable {
    public let host: String
    public let port: Int
    private let tokenBox: NIOLockedValueBox<String?>
    /// The bearer token sent with every request.
    public var token: String? { tokenBox.withLockedValue { $0 } }
    let timeout: Double
    private let tls: NIOSSLContext?
    private let connection = NIOLockedValueBox<HTTPConnection?>(nil)
    private let connecting = NIOLock()

    /// A client of the server at `url` (`http://HOST:PORT` or `https://HOST:PORT`), authenticating
    /// with `token`.
    ///
    /// Over https the server's certificate is verified against the system's trust store, or the
    /// CA certificates of `security.caFile`, and its name against `HOST`. A token is never sent over
    /// plain http to anything but a loopback address unless `security.insecure`.
    ///
    /// - Throws: ``HTTPClientError`` `.invalidURL`, `.plainTextToken`, or `.tlsSetup` for a CA file
    ///   that cannot be read.
    public init(url: String, token: String?, timeout: Double = 30, security: ClientSecurity = .environment) throws {
        guard let components = URLComponents(string: url), let scheme = components.scheme,
            scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty
        else { throw HTTPClientError.invalidURL(url) }
        self.host = host
        tokenBox = NIOLockedValueBox(token)
        self.timeout = timeout
        if scheme == "https" {
            port = components.port ?? 443
            var configuration = TLSConfiguration.makeClientConfiguration()
            configuration.certificateVerification = .fullVerification
            if let caFile = security.caFile {
                guard FileManager.default.isReadableFile(atPath: caFile) else {
                    throw HTTPClientError.tlsSetup("cannot read the CA file '\(caFile)'")
                }
                configuration.trustRoots = .file(caFile)
            }
            do {
                tls = try NIOSSLContext(configuration: configuration)
            } catch {
                throw HTTPClientError.tlsSetup("\(error)")
            }
        } else {
            port = components.port ?? 80
            tls = nil
            if token != nil, !security.insecure, !Self.isLoopback(host) { throw HTTPClientError.plainTextToken(url) }
        }
    }

    /// Whether `host` names this machine's loopback interface.
    static func isLoopback(_ host: String) -> Bool {
        let bare = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        return bare == "localhost" || bare == "::1" || bare.hasPrefix("127.")
    }

    /// Whether this client speaks TLS.
    public var usesTLS: Bool { tls != nil }

    /// Sends `token` from now on (a renewed one).
    public func replaceToken(_ token: String) { tokenBox.withLockedValue { $0 = token } }

    deinit { connection.withLockedValue { $0?.close() } }

    private func open() async throws -> HTTPConnection {
        if let current = connection.withLockedValue({ $0 }), !current.closed { return current }
        let fresh = try await HTTPConnection.connect(host: host, port: port, tls: tls)
        let (chosen, extra) = connection.withLockedValue { current -> (HTTPConnection, HTTPConnection?) in
            if let current, !current.closed { return (current, fresh) }
            current?.close()
            current = fresh
            return (fresh, nil)
        }
        extra?.close()
        return chosen
    }

    /// Sends a request; returns the status and body whatever the status.
    public func send(
        _ method: HTTPMethod,
        _ path: String,
        body: Data? = nil,
        timeout: Double? = nil,
        headers: [(String, String)] = [],
        onChunk: (@Sendable (ByteBuffer) -> Void)? = nil
    ) async throws -> (status: Int, body: Data) {
        var all = headers
        if let token { all.append(("Authorization", "Bearer \(token)")) }
        if body != nil { all.append(("Content-Type", "application/json")) }
        let connection = try await open()
        let response = try await connection.execute(
            method: method,
            uri: path,
            headers: all,
            body: body,
            timeout: onChunk == nil ? (timeout ?? self.timeout) : timeout,
            onChunk: onChunk
        )
        return (response.status, Data(response.body.readableBytesView))
    }

    /// Sends a request without a body and decodes the JSON answer, throwing ``ServiceClientError``
    /// for 3xx/4xx/5xx.
    public func call<Response: Decodable>(
        _ method: HTTPMethod,
        _ path: String,
        as type: Response.Type
    ) async throws
        -> Response
    {
        let response = try await send(method, path)
        try Self.check(response)
        return try JSONDecoder().decode(Response.self, from: response.body)
    }

    /// Sends a wire message as JSON and decodes the JSON answer, throwing ``ServiceClientError`` for
    /// 3xx/4xx/5xx.
    public func call<Body: Encodable, Response: Decodable>(
        _ method: HTTPMethod,
        _ path: String,
        body: Body,
        as type: Response.Type
    ) async throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let response = try await send(method, path, body: try encoder.encode(body))
        try Self.check(response)
        return try JSONDecoder().decode(Response.self, from: response.body)
    }

    /// Throws ``ServiceClientError`` for a 3xx, 4xx or 5xx answer.
    public static func check(_ response: (status: Int, body: Data)) throws {
        guard response.status >= 300 else { return }
        let error = (try? JSONDecoder().decode(ErrorBody.self, from: response.body))?.error
        throw ServiceClientError(
            status: response.status,
            code: error?.code ?? "http_\(response.status)",
            message: error?.message ?? String(decoding: response.body, as: UTF8.self),
            field: error?.field
        )
    }
}
