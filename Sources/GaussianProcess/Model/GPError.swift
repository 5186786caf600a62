import LinearAlgebra
import Memberwise

/// An error from building, fitting or querying a Gaussian process.
@MemberwiseInit
public struct GPError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    public enum Code: String, Sendable {
        /// The data handed in is unusable (shapes, NaN, bounds); ``field`` names the argument.
        case invalidInput
        /// A factorisation failed even with the largest jitter allowed.
        case numericalFailure
    }

    public var code: Code
    public var message: String
    /// The argument at fault, for ``Code/invalidInput``.
    public var field: String?
    /// The linear-algebra error behind a ``Code/numericalFailure``.
    public var cause: LinearAlgebraError?

    public var description: String {
        var text = "\(code.rawValue): \(message)"
        if let field { text += " (field: \(field))" }
        if let cause { text += " [\(cause)]" }
        return text
    }

    static func invalid(_ field: String, _ message: String) -> GPError {
        GPError(code: .invalidInput, message: message, field: field)
    }
}
