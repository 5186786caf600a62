import Store
import StudyModel

/// A request the engine refuses: what kind, why, and the field at fault. The server maps the code
/// to an HTTP status; the CLI to an exit code.
public struct EngineError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// No such study, trial or attempt.
        case notFound = "not_found"
        /// The request contradicts what is recorded (another result for a finished trial, a name in use).
        case conflict
        /// A value is invalid (outputs lacking an objective, a non-finite value).
        case invalidValue = "invalid_value"
        /// The study stopped early (too many failures) and generates no more designs.
        case stopped
    }

    public var code: Code
    public var message: String
    public var field: String?

    public init(_ code: Code, _ message: String, field: String? = nil) {
        self.code = code
        self.message = message
        self.field = field
    }

    public var description: String { message }
}
