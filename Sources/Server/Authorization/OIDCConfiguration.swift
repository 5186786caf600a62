import Foundation
import Memberwise
import StudyModel

/// Which OIDC issuers `paretopilot serve --oidc-config FILE` trusts and what their tokens' groups
/// may do, as JSON:
///
/// ```json
/// {
///   "issuers": [{"issuer": "https://cilogon.org", "audience": "paretopilot",
///                "jwks_url": "https://cilogon.org/oauth2/certs", "groups_claim": "isMemberOf"}],
///   "grants": [{"group": "CO:COU:eic-drich:members", "role": "client", "studies": ["drich-*"]},
///              {"group": "CO:COU:eic-drich:admins", "role": "admin", "studies": ["drich-*"]},
///              {"group": "CO:COU:eic-tracker:members", "role": "viewer", "studies": ["tracker-*"]}]
/// }
/// ```
///
/// A token is accepted when its signature verifies against its issuer's JWKS (`jwks_file`, or
/// `jwks_url` fetched and cached for `jwks_refresh_seconds`, and again when a token names an unknown
/// key), and `iss`, `aud`, `exp` and `nbf` hold. Its groups (the `groups_claim`, a list or one
/// string) select grants: a role on the studies whose names match a pattern (`*` matches any run
/// of characters). A grant of `admin` on `*` administers the server; any other grant keeps its
/// holder inside its collaboration's studies on every route.
public struct OIDCConfiguration: Codable, Sendable, Equatable {
    public struct Issuer: Codable, Sendable, Equatable {
        /// The `iss` claim, exactly.
        public var issuer: String
        /// An `aud` the token must carry.
        public var audience: String
        public var jwksFile: String?
        public var jwksURL: String?
        /// Seconds a fetched JWKS is kept (default 3600).
        public var jwksRefreshSeconds: Double?
        /// The claim that lists the user's groups (default `isMemberOf`, CILogon's).
        public var groupsClaim: String?
        /// The claim that names the user in the audit log (default `sub`).
        public var nameClaim: String?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case issuer, audience
            case jwksFile = "jwks_file"
            case jwksURL = "jwks_url"
            case jwksRefreshSeconds = "jwks_refresh_seconds"
            case groupsClaim = "groups_claim"
            case nameClaim = "name_claim"
        }
    }

    /// What the members of a group may do, on which studies.
    public struct Grant: Codable, Sendable, Equatable {
        public var group: String
        public var role: TokenRole
        /// Study-name patterns (`drich-*`), `*` for every study.
        public var studies: [String]
    }

    public var issuers: [Issuer]
    public var grants: [Grant]

    /// Reads and checks the file; errors name the field.
    public static func load(path: String) throws(StudyError) -> OIDCConfiguration {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw StudyError(
                "cannot read the OIDC configuration '\(path)': \(error.localizedDescription)",
                field: "oidc-config"
            )
        }
        let configuration: OIDCConfiguration
        do {
            configuration = try JSONDecoder().decode(OIDCConfiguration.self, from: data)
        } catch let error as DecodingError {
            throw StudyError(decoding: error, source: path)
        } catch {
            throw StudyError("\(path): \(error)", field: "oidc-config")
        }
        try configuration.validate(source: path)
        return configuration
    }

    func validate(source: String) throws(StudyError) {
        guard !issuers.isEmpty else {
            throw StudyError("\(source): issuers: name at least one issuer", field: "issuers")
        }
        for (i, issuer) in issuers.enumerated() {
            let field = "issuers[\(i)]"
            guard !issuer.issuer.isEmpty, !issuer.audience.isEmpty else {
                throw StudyError("\(source): \(field): issuer and audience must not be empty", field: field)
            }
            guard (issuer.jwksFile == nil) != (issuer.jwksURL == nil) else {
                throw StudyError("\(source): \(field): give one of jwks_file and jwks_url", field: field)
            }
            if let url = issuer.jwksURL, !(url.hasPrefix("https://") || url.hasPrefix("http://")) {
                throw StudyError("\(source): \(field).jwks_url must be an http(s) URL", field: "\(field).jwks_url")
            }
            if let refresh = issuer.jwksRefreshSeconds, !(refresh > 0 && refresh.isFinite) {
                throw StudyError(
                    "\(source): \(field).jwks_refresh_seconds must be positive",
                    field: "\(field).jwks_refresh_seconds"
                )
            }
        }
        if Set(issuers.map(\.issuer)).count != issuers.count {
            throw StudyError("\(source): issuers: an issuer appears twice", field: "issuers")
        }
        for (i, grant) in grants.enumerated() where grant.group.isEmpty || grant.studies.isEmpty {
            throw StudyError("\(source): grants[\(i)]: a grant needs a group and study patterns", field: "grants[\(i)]")
        }
    }
}

/// A role on the studies whose names match a pattern: what an OIDC caller's groups give it.
@MemberwiseInit
public struct StudyGrant: Sendable, Equatable {
    public var pattern: String
    public var role: TokenRole

    /// Whether `name` matches the pattern, where `*` stands for any run of characters.
    public func matches(_ name: String) -> Bool {
        let parts = pattern.split(separator: "*", omittingEmptySubsequences: false).map(String.init)
        guard parts.count > 1 else { return name == pattern }
        var rest = Substring(name)
        guard rest.hasPrefix(parts[0]) else { return false }
        rest = rest.dropFirst(parts[0].count)
        for part in parts.dropFirst().dropLast() where !part.isEmpty {
            guard let range = rest.range(of: part) else { return false }
            rest = rest[range.upperBound...]
        }
        return rest.hasSuffix(parts.last!)
    }
}
