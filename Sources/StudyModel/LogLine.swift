/// A log line of an attempt.
public struct LogLine: Sendable, Equatable, Codable {
    public var id: Int64
    /// `stdout`, `stderr` or `pilot`.
    public var stream: String
    public var text: String
    /// Unix seconds.
    public var at: Double

    public init(id: Int64, stream: String, text: String, at: Double) {
        self.id = id
        self.stream = stream
        self.text = text
        self.at = at
    }
}
