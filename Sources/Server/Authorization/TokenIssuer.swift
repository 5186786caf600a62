import Store

/// Creates tokens directly in a service's database (`paretopilot token create`), for instance the
/// pilot tokens of a batch system, while the server runs or before it starts.
public enum TokenIssuer {
    /// Stores a new token and returns its secret, which is not kept anywhere else.
    /// - Parameters:
    ///   - path: The service's SQLite file.
    ///   - role: `admin`, `client`, `pilot` or `viewer`.
    ///   - study: For a client or viewer token, the name or id of the one study it may use.
    ///   - name: A label shown in logs.
    ///   - lifetime: Seconds the token is valid for (nil: it does not expire).
    public static func create(
        path: String,
        role: TokenRole,
        study: String?,
        name: String?,
        lifetime: Double? = nil
    ) throws -> String {
        if let lifetime, !(lifetime > 0 && lifetime.isFinite) {
            throw ServiceError(.invalidValue, "--expires-in must be a positive number of seconds", field: "expires_in")
        }
        let store = try StudyStore(path: path)
        var studyID: Int64? = nil
        if let study {
            guard role == .client || role == .viewer else {
                throw ServiceError(.invalidValue, "only client and viewer tokens are bound to a study", field: "study")
            }
            guard let found = try store.studies().first(where: { $0.name == study || String($0.id) == study }) else {
                throw ServiceError(.notFound, "no study '\(study)' in '\(path)'", field: "study")
            }
            studyID = found.id
        }
        let secret = TokenDigest.newSecret()
        _ = try store.createToken(
            digest: TokenDigest.digest(secret),
            role: role,
            study: studyID,
            name: name ?? role.rawValue,
            lifetime: lifetime
        )
        return secret
    }

    /// Revokes every token called `name`: the server refuses them from its next request on.
    /// Returns how many were still valid.
    public static func revoke(path: String, name: String) throws -> Int {
        try StudyStore(path: path).revokeTokens(named: name)
    }
}
