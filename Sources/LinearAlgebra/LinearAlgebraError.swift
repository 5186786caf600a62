import Memberwise

/// An error raised by a factorisation or solve in ``LinearAlgebra``.
@MemberwiseInit
public struct LinearAlgebraError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, in a form a caller can switch on.
    public enum Code: String, Sendable {
        /// The matrix was not positive definite even with the largest jitter allowed.
        case notPositiveDefinite
        /// The input held NaN or infinite values.
        case nonFiniteInput
        /// The shapes of the operands do not fit together.
        case dimensionMismatch
    }

    /// The kind of failure.
    public var code: Code
    /// A sentence for a person: what failed and why.
    public var message: String
    /// The LAPACK `info` value, where a LAPACK routine reported the failure.
    public var lapackInfo: Int32?

    public var description: String { "\(code.rawValue): \(message)" }
}
