import Memberwise

/// One audit record: who did what to which study, and from where.
@MemberwiseInit
public struct AuditRecord: Codable, Sendable, Equatable {
    public var id: Int64
    /// ISO 8601, UTC.
    public var at: String
    /// The token's name.
    public var actor: String
    public var role: TokenRole
    /// What was done (`study.create`, `trial.tell`, ...).
    public var action: String
    public var study: String?
    /// What within the study (a trial number, a token's name, ...).
    public var target: String?
    /// The client's `host:port`.
    public var address: String?
}
