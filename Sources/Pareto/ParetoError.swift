import Memberwise

/// An error from a ``Pareto`` computation: bad input, named by field.
@MemberwiseInit
public struct ParetoError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// A point set or reference point is unusable; ``field`` says which.
        case invalidInput
    }

    public var code: Code = .invalidInput
    public var message: String
    /// The argument at fault (`points`, `reference`, ...).
    public var field: String?

    public var description: String {
        field.map { "\(code.rawValue) (\($0)): \(message)" } ?? "\(code.rawValue): \(message)"
    }
}
