import Foundation
import Hummingbird
import NIOConcurrencyHelpers
import ParetoPilotTesting
import Pilot
import Server
import StudyModel
import Testing

/// Servers that accept OIDC tokens of a test issuer, its JWKS in a file.
enum OIDCFixture {
    static func configuration(
        issuer: TestIssuer,
        jwksURL: String? = nil,
        grants: [OIDCConfiguration.Grant]
    ) throws -> OIDCConfiguration {
        var jwksFile: String? = nil
        if jwksURL == nil {
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("jwks-\(UUID().uuidString).json")
                .path
            try issuer.jwks.write(toFile: path, atomically: true, encoding: .utf8)
            jwksFile = path
        }
        let json: [String: Any] = [
            "issuers": [
                [
                    "issuer": issuer.issuer, "audience": "paretopilot", "jwks_file": jwksFile as Any,
                    "jwks_url": jwksURL as Any,
                ].compactMapValues { $0 is NSNull ? nil : $0 }
            ],
            "grants": grants.map { ["group": $0.group, "role": $0.role.rawValue, "studies": $0.studies] },
        ]
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("oidc-\(UUID().uuidString).json").path
        try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: path))
        return try OIDCConfiguration.load(path: path)
    }

    static func grant(_ group: String, _ role: TokenRole, _ studies: [String]) -> OIDCConfiguration.Grant {
        try! JSONDecoder().decode(
            OIDCConfiguration.Grant.self,
            from: JSONSerialization.data(withJSONObject: ["group": group, "role": role.rawValue, "studies": studies])
        )
    }
}

@Suite("OIDC tokens: signature, issuer, audience and lifetime checked; groups mapped to roles", .serialized)
struct OIDCTests {
    @Test("Expired, not yet valid, other-audience, unknown-issuer, other-key, unsigned and malformed tokens get 401")
    func rejectedTokens() async throws {
        let issuer = TestIssuer()
        let server = try await TestServer.start(
            oidc: try OIDCFixture.configuration(issuer: issuer, grants: [OIDCFixture.grant("eic", .client, ["*"])])
        )
        defer { Task { await server.stop() } }
        let now = Date().timeIntervalSince1970
        let impostor = TestIssuer(issuer: issuer.issuer, keyID: issuer.keyID)  // same name, another key
        let bad: [(String, String)] = [
            ("expired", try await issuer.token(groups: ["eic"], overrides: ["exp": now - 7200])),
            ("no expiry", try await issuer.token(groups: ["eic"], overrides: ["exp": nil])),
            ("not yet valid", try await issuer.token(groups: ["eic"], overrides: ["nbf": now + 7200])),
            ("another audience", try await issuer.token(audience: "someone-else", groups: ["eic"])),
            ("unknown issuer", try await TestIssuer(issuer: "https://evil.test").token(groups: ["eic"])),
            ("another key", try await impostor.token(groups: ["eic"])),
            ("alg none", issuer.unsignedToken(groups: ["eic"])),
            ("malformed", "eyJhbGciOiJFUzI1NiJ9.bm90IGpzb24.c2ln"),
        ]
        for (what, token) in bad {
            let answer = try await server.client(token).send(.GET, "/v1/studies")
            #expect(answer.status == 401, "\(what): \(answer.status) \(String(decoding: answer.body, as: UTF8.self))")
        }
        let valid = try await issuer.token(groups: ["eic"])
        #expect(try await server.client(valid).send(.GET, "/v1/studies").status == 200)
        let identity = try await server.client(valid).call(.GET, "/v1/tokens/self") as? [String: Any]
        #expect(identity?["name"] as? String == "oidc:alice" && identity?["role"] as? String == "client")
        // Signed and valid, but in no group the service knows: authenticated, allowed nothing.
        let stranger = try await issuer.token(subject: "bob", groups: ["other"])
        #expect(try await server.client(stranger).send(.GET, "/v1/studies").status == 403)
        // An OIDC token is renewed by its provider, not by the service.
        #expect(try await server.client(valid).send(.POST, "/v1/tokens/renew", body: Data("{}".utf8)).status == 403)
    }

    @Test("Keys fetched from the issuer's JWKS URL; a rotated key is fetched again when a token names it")
    func jwksFromURL() async throws {
        let first = TestIssuer(keyID: "k1")
        let rotated = TestIssuer(issuer: first.issuer, keyID: "k2")
        let published = NIOLockedValueBox(first.jwks)
        let fetches = NIOLockedValueBox(0)
        let router = Router()
        router.get("jwks") { _, _ in
            fetches.withLockedValue { $0 += 1 }
            return published.withLockedValue { $0 }
        }
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let jwksServer = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { continuation.yield($0.localAddress?.port ?? 0) }
        )
        let jwksTask = Task { try await jwksServer.runService() }
        defer { jwksTask.cancel() }
        var iterator = ports.makeAsyncIterator()
        let jwksPort = try #require(await iterator.next())
        let server = try await TestServer.start(
            oidc: try OIDCFixture.configuration(
                issuer: first,
                jwksURL: "http://127.0.0.1:\(jwksPort)/jwks",
                grants: [OIDCFixture.grant("eic", .viewer, ["*"])]
            )
        )
        defer { Task { await server.stop() } }
        #expect(try await server.client(try await first.token(groups: ["eic"])).send(.GET, "/v1/studies").status == 200)
        #expect(try await server.client(try await first.token(groups: ["eic"])).send(.GET, "/v1/studies").status == 200)
        #expect(fetches.withLockedValue { $0 } == 1)
        published.withLockedValue { $0 = rotated.jwks }
        let answer = try await server.client(try await rotated.token(groups: ["eic"])).send(.GET, "/v1/studies")
        #expect(answer.status == 200, "\(String(decoding: answer.body, as: UTF8.self))")
        #expect(fetches.withLockedValue { $0 } == 2)
    }

    @Test(
        "A bad OIDC configuration is refused, naming the field",
        arguments: [
            (#"{"issuers": [], "grants": []}"#, "issuers"),
            (#"{"issuers": [{"issuer": "i", "audience": "a"}], "grants": []}"#, "issuers[0]"),
            (
                #"{"issuers": [{"issuer": "i", "audience": "a", "jwks_file": "f", "jwks_url": "https://x"}], "grants": []}"#,
                "issuers[0]"
            ),
            (
                #"{"issuers": [{"issuer": "i", "audience": "a", "jwks_url": "ftp://x"}], "grants": []}"#,
                "issuers[0].jwks_url"
            ),
            (
                #"{"issuers": [{"issuer": "i", "audience": "a", "jwks_file": "f"}], "grants": [{"group": "g", "role": "boss", "studies": ["*"]}]}"#,
                "grants[0].role"
            ),
            (
                #"{"issuers": [{"issuer": "i", "audience": "a", "jwks_file": "f"}], "grants": [{"group": "g", "role": "client", "studies": []}]}"#,
                "grants[0]"
            ),
        ]
    )
    func badConfiguration(json: String, field: String) throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("oidc-\(UUID().uuidString).json").path
        try json.write(toFile: path, atomically: true, encoding: .utf8)
        do {
            _ = try OIDCConfiguration.load(path: path)
            Issue.record("accepted: \(json)")
        } catch {
            #expect(error.field == field, "\(error.message)")
        }
    }

    @Test("Study-name patterns: '*' runs of any characters, anchored at both ends")
    func patterns() {
        #expect(StudyGrant(pattern: "drich-*", role: .client).matches("drich-a"))
        #expect(!StudyGrant(pattern: "drich-*", role: .client).matches("tracker-drich-a"))
        #expect(StudyGrant(pattern: "*-eic-*", role: .client).matches("drich-eic-2"))
        #expect(!StudyGrant(pattern: "*-eic-*", role: .client).matches("drich-eic"))
        #expect(StudyGrant(pattern: "*", role: .client).matches("anything"))
        #expect(StudyGrant(pattern: "exact", role: .client).matches("exact"))
        #expect(!StudyGrant(pattern: "exact", role: .client).matches("exactly"))
    }
}
