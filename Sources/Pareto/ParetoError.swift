/// An error from a ``Pareto`` computation: bad input, named by field.
public struct ParetoError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// A point set or reference point is unusable; ``field`` says which.
        case invalidInput
    }

    public var code: Code
    public var message: String
    /// The argument at fault (`points`, `reference`, ...).
    public var field: String?

    public init(code: Code = .invalidInput, message: String, field: String? = nil) {
        self.code = code
        self.message = message
        self.field = field
    }

    public var description: String {
        field.map { "\(code.rawValue) (\($0)): \(message)" } ?? "\(code.rawValue): \(message)"
    }
}
