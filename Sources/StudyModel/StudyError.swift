/// A problem with a study: its definition, a file, or the evaluator; names the field at fault.
public struct StudyError: Error, Sendable, CustomStringConvertible {
    /// What kind of problem it is, as a stable code.
    public enum Code: String, Sendable {
        /// The definition (a study file, an HTTP body, flags) is invalid.
        case invalidDefinition = "invalid_definition"
        /// A file could not be read or written.
        case file
        /// The study stopped early: too many of its trials failed.
        case stopped
    }

    public var code: Code
    public var message: String
    /// The field at fault, as a dotted path (`objectives.1.direction`), if one is.
    public var field: String?
    /// The underlying error, if any.
    public var cause: (any Error & Sendable)?

    public init(
        _ message: String,
        field: String? = nil,
        code: Code = .invalidDefinition,
        cause: (any Error & Sendable)? = nil
    ) {
        self.code = code
        self.message = message
        self.field = field
        self.cause = cause
    }

    public var description: String { message }
}
