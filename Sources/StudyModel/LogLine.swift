import Memberwise

/// A log line of an attempt.
@MemberwiseInit
public struct LogLine: Sendable, Equatable, Codable {
    public var id: Int64
    /// `stdout`, `stderr` or `pilot`.
    public var stream: String
    public var text: String
    /// Unix seconds.
    public var at: Double
}
