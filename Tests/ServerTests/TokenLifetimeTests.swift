import Foundation
import Logging
import Pilot
import Server
import Store
import Testing

@Suite("Token lifetimes: expiry, renewal, revocation at once", .serialized)
struct TokenLifetimeTests {
    func create(
        _ server: TestServer,
        role: String,
        expiresIn: Double? = nil,
        name: String? = nil
    ) async throws -> [String: Any] {
        var body: [String: Any] = ["role": role]
        if let expiresIn { body["expires_in"] = expiresIn }
        if let name { body["name"] = name }
        return try await server.client().call(.POST, "/v1/tokens", json: body) as! [String: Any]
    }

    @Test("A token with expires_in works until then and gets 401 naming the expiry after")
    func expiry() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        let before = Date().timeIntervalSince1970
        // A lifetime that a loaded machine (CI sharing its cores) does not use up before the first call.
        let lifetime = 4.0
        let answer = try await create(server, role: "client", expiresIn: lifetime)
        let after = Date().timeIntervalSince1970
        let expiresAt = try #require(answer["expires_at"] as? Double)
        // Issued while the request was in flight (however loaded the machine), `lifetime` before expiry.
        #expect(expiresAt >= before + lifetime - 1e-3 && expiresAt <= after + lifetime + 1e-3)
        let client = try server.client(answer["token"] as? String)
        _ = try await client.call(.GET, "/v1/studies")
        let untilExpired = expiresAt + 0.5 - Date().timeIntervalSince1970
        if untilExpired > 0 { try await Task.sleep(nanoseconds: UInt64(untilExpired * 1e9)) }
        do {
            _ = try await client.call(.GET, "/v1/studies")
            Issue.record("an expired token was accepted")
        } catch let error as ServiceClientError {
            #expect(error.status == 401)
            #expect(error.message.contains("expired"), "\(error.message)")
        }
        await expectStatus(422, field: "expires_in") {
            try await server.client().call(.POST, "/v1/tokens", json: ["role": "pilot", "expires_in": -5])
        }
    }

    @Test("Renewing gives a fresh token with the same role and lifetime; the old one lasts until its own expiry")
    func renewal() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        let answer = try await create(server, role: "pilot", expiresIn: 30, name: "site-a")
        let old = try server.client(answer["token"] as? String)
        let me = try await old.call(.GET, "/v1/tokens/self") as! [String: Any]
        #expect(me["role"] as? String == "pilot" && me["name"] as? String == "site-a")
        #expect(me["expires_at"] as? Double == answer["expires_at"] as? Double)
        let renewed = try await old.call(.POST, "/v1/tokens/renew") as! [String: Any]
        let fresh = try server.client(renewed["token"] as? String)
        let identity = try await fresh.call(.GET, "/v1/tokens/self") as! [String: Any]
        #expect(identity["role"] as? String == "pilot" && identity["name"] as? String == "site-a")
        let expiry = try #require(identity["expires_at"] as? Double)
        #expect(expiry > Date().timeIntervalSince1970 + 25 && expiry <= Date().timeIntervalSince1970 + 30.5)
        _ = try await old.call(.GET, "/v1/work")
        // A shorter lifetime may be asked for, never a longer one.
        let short = try await fresh.call(.POST, "/v1/tokens/renew", json: ["expires_in": 5]) as! [String: Any]
        #expect((short["expires_at"] as! Double) < Date().timeIntervalSince1970 + 6)
        let long = try await fresh.call(.POST, "/v1/tokens/renew", json: ["expires_in": 1000]) as! [String: Any]
        #expect((long["expires_at"] as! Double) < Date().timeIntervalSince1970 + 31)
        // The dashboard's in-memory token is not renewed.
        let viewer = try server.client(await server.coordinator.sessionViewerToken())
        await expectStatus(403) { try await viewer.call(.POST, "/v1/tokens/renew") }
    }

    @Test("Revoking a token (paretopilot token revoke) ends its access at the next request")
    func revocationAtOnce() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        let answer = try await create(server, role: "client", name: "laptop")
        let client = try server.client(answer["token"] as? String)
        _ = try await client.call(.GET, "/v1/studies")
        #expect(try TokenIssuer.revoke(path: server.path, name: "laptop") == 1)
        do {
            _ = try await client.call(.GET, "/v1/studies")
            Issue.record("a revoked token was accepted")
        } catch let error as ServiceClientError {
            #expect(error.status == 401 && error.message.contains("revoked"), "\(error.message)")
        }
    }

    @Test("A pilot on a 2-second token renews it and runs a study that takes several lifetimes")
    func pilotRenewsItsToken() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("renew-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("evaluate.sh").path
        try "#!/bin/sh\ncat > /dev/null\nsleep 0.4\necho '{\"f1\": 1, \"f2\": 2}'\n".write(
            toFile: path,
            atomically: true,
            encoding: .utf8
        )
        chmod(path, 0o755)
        try await server.client().call(
            .POST,
            "/v1/studies",
            json: studySpecification(name: "long", command: path, budget: 14)
        )
        let token = try #require(try await create(server, role: "pilot", expiresIn: 2)["token"] as? String)
        var configuration = PilotConfiguration(serverURL: server.url, token: token, name: "renewing", slots: 1)
        configuration.idleExit = 2
        configuration.pollInterval = 0.1
        let logger = Logger(label: "pilot") { _ in SwiftLogNoOpLogHandler() }
        let started = Date()
        let summary = await (try Pilot(configuration: configuration, logger: logger)).run()
        #expect(Date().timeIntervalSince(started) > 4, "the run should outlast the first token twice")
        #expect(summary.completed == 14)
        #expect(!summary.serverUnreachable)
    }
}

@Suite("paretopilot token create and revoke on the file")
struct TokenIssuerTests {
    @Test(
        "A non-positive --expires-in is refused naming it, and nothing is stored; revoking an unknown name revokes nothing"
    )
    func badLifetimeAndUnknownName() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("issuer-\(UUID().uuidString).sqlite")
            .path
        for lifetime in [0.0, -5, .nan] {
            do {
                _ = try TokenIssuer.create(path: path, role: .pilot, study: nil, name: "p", lifetime: lifetime)
                Issue.record("lifetime \(lifetime) accepted")
            } catch let error as ServiceError {
                #expect(error.field == "expires_in")
            }
        }
        #expect(try StudyStore(path: path).tokens().isEmpty)
        _ = try TokenIssuer.create(path: path, role: .pilot, study: nil, name: "p", lifetime: 60)
        #expect(try TokenIssuer.revoke(path: path, name: "nobody") == 0)
        #expect(try StudyStore(path: path).tokens().map(\.revoked) == [false])
    }
}
