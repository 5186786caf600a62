import Foundation
import Logging
import ParetoPilotTesting
import Pilot
import Server
import Testing

@Suite("TLS: https with a certificate the client verifies; no token over plain http beyond loopback")
struct TLSTests {
    func directory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tls-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// A server on https with a certificate from a new CA for the given names (default: localhost and 127.0.0.1), and the CA.
    func httpsServer(
        dnsNames: [String] = ["localhost"],
        addresses: [[UInt8]] = [[127, 0, 0, 1]]
    ) async throws -> (TestServer, TestCertificateAuthority) {
        let authority = try TestCertificateAuthority(directory: try directory())
        let (certificate, key) = try authority.serverCertificate(dnsNames: dnsNames, addresses: addresses)
        let server = try await TestServer.start(
            tls: ServerTLS(certificateChain: certificate, privateKey: key),
            caFile: authority.certificateFile
        )
        return (server, authority)
    }

    @Test("A client that trusts the server's CA gets answers over https; one with another CA or none is refused")
    func handshakeAndVerification() async throws {
        let (server, authority) = try await httpsServer()
        defer { Task { await server.stop() } }
        #expect(server.url.hasPrefix("https://"))
        let studies = try await server.client().call(.GET, "/v1/studies")
        #expect((studies as? [Any])?.isEmpty == true)
        // By name as well as by address: the certificate names both.
        let byName = try ServiceClient(
            url: "https://localhost:\(server.port)",
            token: TestServer.adminSecret,
            security: ClientSecurity(caFile: authority.certificateFile)
        )
        #expect(try await byName.send(.GET, "/v1/studies").status == 200)
        let other = try TestCertificateAuthority(name: "another CA", directory: try directory())
        for security in [ClientSecurity(caFile: other.certificateFile), ClientSecurity()] {
            let client = try ServiceClient(url: server.url, token: TestServer.adminSecret, security: security)
            await #expect(throws: (any Error).self) { _ = try await client.send(.GET, "/v1/studies") }
        }
        // Plain http to the TLS port gets no answer either.
        let plain = try ServiceClient(url: "http://127.0.0.1:\(server.port)", token: nil, timeout: 3)
        await #expect(throws: (any Error).self) { _ = try await plain.send(.GET, "/health") }
    }

    @Test("A certificate from the trusted CA for another host is refused, by address and by name")
    func wrongHost() async throws {
        let (server, authority) = try await httpsServer(dnsNames: ["other.example"], addresses: [[10, 9, 8, 7]])
        defer { Task { await server.stop() } }
        for url in [server.url, "https://localhost:\(server.port)"] {
            let client = try ServiceClient(
                url: url,
                token: TestServer.adminSecret,
                security: ClientSecurity(caFile: authority.certificateFile)
            )
            await #expect(throws: (any Error).self) { _ = try await client.send(.GET, "/v1/studies") }
        }
    }

    @Test("A pilot speaks https to the server and runs a study")
    func pilotOverTLS() async throws {
        let (server, authority) = try await httpsServer()
        defer { Task { await server.stop() } }
        try await server.client().call(
            .POST,
            "/v1/studies",
            json: studySpecification(name: "tls", command: #"echo '{"f1": 1, "f2": 2}'"#, budget: 3)
        )
        var configuration = PilotConfiguration(
            serverURL: server.url,
            token: try await server.token(role: "pilot"),
            name: "tls-pilot",
            slots: 2,
            pollInterval: 0.05
        )
        configuration.idleExit = 0.5
        configuration.security = ClientSecurity(caFile: authority.certificateFile)
        let summary = await
            (try Pilot(configuration: configuration, logger: Logger(label: "p") { _ in SwiftLogNoOpLogHandler() }))
            .run()
        #expect(summary.completed == 3)
    }

    @Test("A token over plain http goes only to loopback addresses, unless the user says insecure")
    func plainTextTokens() throws {
        for url in ["http://10.1.2.3:8080", "http://cluster-head.example.org:8080", "http://[2001:db8::1]:8080"] {
            #expect(throws: HTTPClientError.self) {
                _ = try ServiceClient(url: url, token: "secret", security: ClientSecurity())
            }
            _ = try ServiceClient(url: url, token: "secret", security: ClientSecurity(insecure: true))
            _ = try ServiceClient(url: url, token: nil, security: ClientSecurity())
        }
        for url in ["http://127.0.0.1:8080", "http://localhost:8080", "http://[::1]:8080", "https://10.1.2.3:8443"] {
            _ = try ServiceClient(url: url, token: "secret", security: ClientSecurity())
        }
        #expect(throws: HTTPClientError.self) {
            _ = try ServiceClient(
                url: "https://10.1.2.3:8443",
                token: "x",
                security: ClientSecurity(caFile: "/nonexistent.pem")
            )
        }
        #expect(throws: HTTPClientError.self) { _ = try ServiceClient(url: "ftp://host:21", token: nil) }
    }
}
