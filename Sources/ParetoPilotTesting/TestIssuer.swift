import Crypto
import Foundation
import JWTKit

/// An OIDC issuer made in a test: an ES256 key, its JWKS, and tokens with any claims.
public struct TestIssuer: Sendable {
    public let issuer: String
    public let keyID: String
    let key: ES256PrivateKey

    public init(issuer: String = "https://issuer.test", keyID: String = "test-key") {
        self.issuer = issuer
        self.keyID = keyID
        key = ES256PrivateKey()
    }

    /// The issuer's public key as a JWKS document.
    public var jwks: String {
        let parameters = key.publicKey.parameters!
        return """
            {"keys": [{"kty": "EC", "crv": "P-256", "use": "sig", "alg": "ES256", "kid": "\(keyID)", \
            "x": "\(parameters.x)", "y": "\(parameters.y)"}]}
            """
    }

    /// A signed token with the standard claims (valid from an hour ago for an hour unless
    /// overridden) and `extra` ones; `nil` values in `overrides` remove a claim.
    public func token(
        audience: String = "paretopilot",
        subject: String = "alice",
        groups: [String] = [],
        overrides: [String: Double?] = [:]
    ) async throws -> String {
        let now = Date().timeIntervalSince1970
        var numbers: [String: Double] = ["iat": now, "nbf": now - 3600, "exp": now + 3600]
        for (claim, value) in overrides {
            if let value { numbers[claim] = value } else { numbers[claim] = nil }
        }
        let payload = TestClaims(
            iss: issuer,
            aud: audience,
            sub: subject,
            isMemberOf: groups,
            iat: numbers["iat"],
            nbf: numbers["nbf"],
            exp: numbers["exp"]
        )
        let keys = JWTKeyCollection()
        await keys.add(ecdsa: key, kid: JWKIdentifier(string: keyID))
        return try await keys.sign(payload, kid: JWKIdentifier(string: keyID))
    }

    /// A token with `alg: none` and no signature, with valid claims otherwise.
    public func unsignedToken(groups: [String]) -> String {
        func encode(_ text: String) -> String {
            Data(text.utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-")
                .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        }
        let now = Date().timeIntervalSince1970
        let groupsJSON = groups.map { "\"\($0)\"" }.joined(separator: ",")
        let header = encode(#"{"alg":"none","typ":"JWT","kid":"\#(keyID)"}"#)
        let body = encode(
            #"{"iss":"\#(issuer)","aud":"paretopilot","sub":"mallory","isMemberOf":[\#(groupsJSON)],"exp":\#(now + 3600)}"#
        )
        return "\(header).\(body)."
    }
}

struct TestClaims: JWTPayload {
    var iss: String
    var aud: String
    var sub: String
    var isMemberOf: [String]
    var iat: Double?
    var nbf: Double?
    var exp: Double?

    func verify(using algorithm: some JWTAlgorithm) async throws {}
}
