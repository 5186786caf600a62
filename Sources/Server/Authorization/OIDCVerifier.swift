import Foundation
import JWTKit
import Logging
import StudyModel

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Verifies OIDC bearer tokens (JWTs) against the issuers of an ``OIDCConfiguration`` and turns
/// them into callers whose groups grant roles on study-name patterns.
///
/// Keys come from each issuer's JWKS, read from a file once or fetched from its URL and kept for
/// `jwks_refresh_seconds`; a token naming a key the cached set lacks refetches it (at most once
/// every 30 s per issuer, so random key ids cannot make the server hammer the issuer), so a rotated key is picked up without a restart. `alg: none` and any
/// algorithm without a key in the set fail verification.
public actor OIDCVerifier {
    let configuration: OIDCConfiguration
    let logger: Logger
    private var keySets: [String: (keys: JWTKeyCollection, kids: Set<String>, loadedAt: Double)] = [:]
    /// When each issuer's keys were last fetched again for an unknown key id.
    private var lastForcedFetch: [String: Double] = [:]
    /// Seconds of clock skew allowed on `exp` and `nbf`.
    static let leeway = 60.0

    public init(configuration: OIDCConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Whether a bearer secret is shaped as a JWT (three base64url parts, a JSON header).
    public nonisolated static func looksLikeJWT(_ secret: String) -> Bool {
        secret.hasPrefix("eyJ") && secret.split(separator: ".", omittingEmptySubsequences: false).count == 3
    }

    /// The caller a token stands for.
    ///
    /// - Throws: ``ServiceError`` `.unauthorized` naming what failed (malformed, unknown issuer,
    ///   signature, audience, expired, not yet valid), `.forbidden` when its groups grant nothing.
    func caller(for token: String) async throws(ServiceError) -> Caller {
        guard let unverified = Self.payload(of: token), case .string(let issuerName)? = unverified["iss"] else {
            throw ServiceError(.unauthorized, "the token is not a JWT with an 'iss' claim")
        }
        guard let issuer = configuration.issuers.first(where: { $0.issuer == issuerName }) else {
            throw ServiceError(.unauthorized, "tokens of the issuer '\(issuerName)' are not accepted here")
        }
        let claims: [String: JSONValue]
        do {
            claims = try await verified(token, issuer: issuer)
        } catch let error as ServiceError {
            throw error
        } catch {
            throw ServiceError(.unauthorized, "the token's signature does not verify against \(issuerName)'s keys")
        }
        let now = Date().timeIntervalSince1970
        let audiences: [String] =
            switch claims["aud"] {
            case .string(let one): [one]
            case .array(let many): many.compactMap { if case .string(let s) = $0 { s } else { nil } }
            default: []
            }
        guard audiences.contains(issuer.audience) else {
            throw ServiceError(.unauthorized, "the token is not for this service (audience '\(issuer.audience)')")
        }
        guard case .number(let expiry)? = claims["exp"] else {
            throw ServiceError(.unauthorized, "the token has no expiry ('exp')")
        }
        guard expiry + Self.leeway > now else {
            let when = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: expiry))
            throw ServiceError(.unauthorized, "the token expired at \(when)")
        }
        if case .number(let notBefore)? = claims["nbf"], notBefore - Self.leeway > now {
            let when = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: notBefore))
            throw ServiceError(.unauthorized, "the token is not valid before \(when)")
        }
        let groups: [String] =
            switch claims[issuer.groupsClaim ?? "isMemberOf"] {
            case .string(let one): one.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            case .array(let many): many.compactMap { if case .string(let s) = $0 { s } else { nil } }
            default: []
            }
        let name = claims[issuer.nameClaim ?? "sub"].map(\.text) ?? "unknown"
        var grants: [StudyGrant] = []
        for grant in configuration.grants where groups.contains(grant.group) {
            grants += grant.studies.map { StudyGrant(pattern: $0, role: grant.role) }
        }
        guard !grants.isEmpty else {
            throw ServiceError(.forbidden, "'\(name)' is in no group this service grants access to")
        }
        return Caller(
            role: Caller.highest(grants.map(\.role)),
            study: nil,
            name: "oidc:\(name)",
            expiresAt: expiry,
            grants: grants
        )
    }

    /// The claims of a token whose signature verifies against the issuer's keys.
    private func verified(_ token: String, issuer: OIDCConfiguration.Issuer) async throws -> [String: JSONValue] {
        var set = try await keySet(issuer, refresh: false)
        if issuer.jwksURL != nil, case .string(let kid)? = Self.part(0, of: token)?["kid"], !set.kids.contains(kid) {
            // A key the cached set lacks: the issuer may have rotated its keys.
            let now = Date().timeIntervalSince1970
            if (lastForcedFetch[issuer.issuer] ?? 0) < now - 30 {
                lastForcedFetch[issuer.issuer] = now
                set = try await keySet(issuer, refresh: true)
            }
        }
        return try await set.keys.verify(token, as: OIDCClaims.self).claims
    }

    private func keySet(
        _ issuer: OIDCConfiguration.Issuer,
        refresh: Bool
    ) async throws -> (keys: JWTKeyCollection, kids: Set<String>) {
        let now = Date().timeIntervalSince1970
        if !refresh, let cached = keySets[issuer.issuer],
            issuer.jwksURL == nil || cached.loadedAt > now - (issuer.jwksRefreshSeconds ?? 3600)
        {
            return (cached.keys, cached.kids)
        }
        let json: String
        if let file = issuer.jwksFile {
            json = try String(contentsOfFile: file, encoding: .utf8)
        } else if let text = issuer.jwksURL, let url = URL(string: text) {
            do {
                let (data, response) = try await URLSession.shared.data(from: url)
                guard (response as? HTTPURLResponse)?.statusCode == 200 else {
                    throw ServiceError(.unauthorized, "the JWKS of \(issuer.issuer) could not be fetched from \(text)")
                }
                json = String(decoding: data, as: UTF8.self)
            } catch {
                logger.error("fetching a JWKS failed", metadata: ["url": "\(text)", "error": "\(error)"])
                if let cached = keySets[issuer.issuer] { return (cached.keys, cached.kids) }
                throw ServiceError(.unauthorized, "the JWKS of \(issuer.issuer) could not be fetched from \(text)")
            }
        } else {
            throw ServiceError(.unauthorized, "the issuer \(issuer.issuer) has no keys configured")
        }
        let keys = JWTKeyCollection()
        try await keys.add(jwksJSON: json)
        var kids = Set<String>()
        if case .array(let list)? = JSONValue(json: json).flatMap({ value -> JSONValue? in
            if case .object(let members) = value { return members["keys"] }
            return nil
        }) {
            for case .object(let key) in list { if case .string(let kid)? = key["kid"] { kids.insert(kid) } }
        }
        keySets[issuer.issuer] = (keys, kids, now)
        return (keys, kids)
    }

    /// The payload of a JWT without checking anything (to find its issuer).
    static func payload(of token: String) -> [String: JSONValue]? { part(1, of: token) }

    /// The header (0) or payload (1) of a JWT, unchecked.
    static func part(_ index: Int, of token: String) -> [String: JSONValue]? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else { return nil }
        var base64 = parts[index].replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64) else { return nil }
        return try? JSONDecoder().decode([String: JSONValue].self, from: data)
    }
}

/// Every claim of a token; the verifier checks the registered ones itself, with its own messages.
struct OIDCClaims: JWTPayload {
    var claims: [String: JSONValue]

    init(from decoder: any Decoder) throws {
        claims = try decoder.singleValueContainer().decode([String: JSONValue].self)
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(claims)
    }

    func verify(using algorithm: some JWTAlgorithm) async throws {}
}
