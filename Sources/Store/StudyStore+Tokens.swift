import Foundation
import StudyModel

/// What a token may do.
/// The role of a token (defined with the study vocabulary, which the wire protocol shares).
public typealias TokenRole = StudyModel.TokenRole

/// A stored token: only the digest of the secret is kept.
public struct TokenRecord: Sendable, Equatable {
    public var id: Int64
    /// Hex SHA-256 of the secret.
    public var digest: String
    public var role: TokenRole
    /// The one study a client token is bound to, if any.
    public var study: Int64?
    public var name: String
    public var revoked: Bool

    public init(id: Int64, digest: String, role: TokenRole, study: Int64?, name: String, revoked: Bool) {
        self.id = id
        self.digest = digest
        self.role = role
        self.study = study
        self.name = name
        self.revoked = revoked
    }
}

extension StudyStore {
    /// Stores a token by the digest of its secret.
    public func createToken(
        digest: String,
        role: TokenRole,
        study: Int64?,
        name: String
    ) throws(StoreError) -> TokenRecord {
        try connection.query(
            "INSERT INTO tokens (digest, role, study_id, name, created_at) VALUES (?, ?, ?, ?, ?)",
            [.text(digest), .text(role.rawValue), study.map { .integer($0) } ?? .null, .text(name), .text(Self.now())]
        )
        return TokenRecord(
            id: connection.lastInsertedRowID,
            digest: digest,
            role: role,
            study: study,
            name: name,
            revoked: false
        )
    }

    /// Every token, revoked ones included.
    public func tokens() throws(StoreError) -> [TokenRecord] {
        try connection.query("SELECT id, digest, role, study_id, name, revoked_at FROM tokens ORDER BY id").map {
            TokenRecord(
                id: $0[0].integer ?? 0,
                digest: $0[1].text ?? "",
                role: $0[2].text.flatMap(TokenRole.init(rawValue:)) ?? .pilot,
                study: $0[3].integer,
                name: $0[4].text ?? "",
                revoked: $0[5] != .null
            )
        }
    }

    /// The token with this digest, if any.
    public func token(digest: String) throws(StoreError) -> TokenRecord? {
        try tokens().first { $0.digest == digest }
    }

    /// Revokes a token by id.
    public func revokeToken(id: Int64) throws(StoreError) {
        try connection.query(
            "UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
            [.text(Self.now()), .integer(id)]
        )
    }
}
