import Foundation
import Memberwise
import StudyModel

/// What a token may do.
/// The role of a token (defined with the study vocabulary, which the wire protocol shares).
public typealias TokenRole = StudyModel.TokenRole

/// A stored token: only the digest of the secret is kept.
@MemberwiseInit
public struct TokenRecord: Sendable, Equatable {
    public var id: Int64
    /// Hex SHA-256 of the secret.
    public var digest: String
    public var role: TokenRole
    /// The one study a client token is bound to, if any.
    public var study: Int64?
    public var name: String
    public var revoked: Bool
    /// Unix seconds after which the token is refused; nil: it does not expire.
    public var expiresAt: Double? = nil
    /// The lifetime it was created with (seconds), which a renewal gives the new token.
    public var lifetime: Double? = nil

    /// Whether the token is refused at `now` (Unix seconds): revoked or expired.
    public func isRefused(at now: Double) -> Bool { revoked || (expiresAt.map { $0 <= now } ?? false) }
}

extension StudyStore {
    /// Stores a token by the digest of its secret, valid for `lifetime` seconds from now when given.
    public func createToken(
        digest: String,
        role: TokenRole,
        study: Int64?,
        name: String,
        lifetime: Double? = nil
    ) throws(StoreError) -> TokenRecord {
        let expiresAt = lifetime.map { Date().timeIntervalSince1970 + $0 }
        try connection.query(
            "INSERT INTO tokens (digest, role, study_id, name, created_at, expires_at, lifetime) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                .text(digest), .text(role.rawValue), study.map { .integer($0) } ?? .null, .text(name),
                .text(Self.now()),
                expiresAt.map { .real($0) } ?? .null, lifetime.map { .real($0) } ?? .null,
            ]
        )
        return TokenRecord(
            id: connection.lastInsertedRowID,
            digest: digest,
            role: role,
            study: study,
            name: name,
            revoked: false,
            expiresAt: expiresAt,
            lifetime: lifetime
        )
    }

    static let tokenColumns = "id, digest, role, study_id, name, revoked_at, expires_at, lifetime"

    static func tokenRecord(_ row: [SQLiteValue]) -> TokenRecord {
        TokenRecord(
            id: row[0].integer ?? 0,
            digest: row[1].text ?? "",
            role: row[2].text.flatMap(TokenRole.init(rawValue:)) ?? .pilot,
            study: row[3].integer,
            name: row[4].text ?? "",
            revoked: row[5] != .null,
            expiresAt: row[6].double,
            lifetime: row[7].double
        )
    }

    /// Every token, revoked ones included.
    public func tokens() throws(StoreError) -> [TokenRecord] {
        try connection.query("SELECT \(Self.tokenColumns) FROM tokens ORDER BY id").map(Self.tokenRecord)
    }

    /// The token with this digest, if any.
    public func token(digest: String) throws(StoreError) -> TokenRecord? {
        try connection.query("SELECT \(Self.tokenColumns) FROM tokens WHERE digest = ?", [.text(digest)]).first
            .map(Self.tokenRecord)
    }

    /// Revokes every token called `name`; returns how many were live.
    @discardableResult
    public func revokeTokens(named name: String) throws(StoreError) -> Int {
        let live =
            try connection.query(
                "SELECT COUNT(*) FROM tokens WHERE name = ? AND revoked_at IS NULL",
                [.text(name)]
            )[0][0].integer ?? 0
        try connection.query(
            "UPDATE tokens SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL",
            [.text(Self.now()), .text(name)]
        )
        return Int(live)
    }

    /// Revokes a token by id.
    public func revokeToken(id: Int64) throws(StoreError) {
        try connection.query(
            "UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
            [.text(Self.now()), .integer(id)]
        )
    }
}
