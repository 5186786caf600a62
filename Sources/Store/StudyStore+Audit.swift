import StudyModel

extension StudyStore {
    /// Appends an audit record.
    public func appendAudit(
        actor: String,
        role: TokenRole,
        action: String,
        study: String?,
        target: String?,
        address: String?
    ) throws(StoreError) {
        try connection.query(
            "INSERT INTO audit (at, actor, role, action, study, target, address) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                .text(Self.now()), .text(actor), .text(role.rawValue), .text(action),
                study.map { .text($0) } ?? .null, target.map { .text($0) } ?? .null, address.map { .text($0) } ?? .null,
            ]
        )
    }

    /// Audit records after id `after`, oldest first, of one study when named.
    public func audit(after: Int64, limit: Int, study: String? = nil) throws(StoreError) -> [AuditRecord] {
        var sql = "SELECT id, at, actor, role, action, study, target, address FROM audit WHERE id > ?"
        var values: [SQLiteValue] = [.integer(after)]
        if let study {
            sql += " AND study = ?"
            values.append(.text(study))
        }
        sql += " ORDER BY id LIMIT ?"
        values.append(.integer(Int64(limit)))
        return try connection.query(sql, values).map { row in
            AuditRecord(
                id: row[0].integer ?? 0,
                at: row[1].text ?? "",
                actor: row[2].text ?? "",
                role: row[3].text.flatMap(TokenRole.init(rawValue:)) ?? .client,
                action: row[4].text ?? "",
                study: row[5].text,
                target: row[6].text,
                address: row[7].text
            )
        }
    }
}
