import StudyModel

/// What went wrong, as a stable machine-readable code: the `code` of every error answer, each
/// with its HTTP status.
public enum ErrorCode: String, NamedCases {
    /// Malformed JSON, an unknown field or a wrong type.
    case badRequest = "bad_request"
    /// A well-formed value the service cannot take (a bound out of order, an unknown parameter).
    case invalidValue = "invalid_value"
    case unauthorized
    case forbidden
    case notFound = "not_found"
    case methodNotAllowed = "method_not_allowed"
    case conflict
    case payloadTooLarge = "payload_too_large"
    case unavailable
    case internalError = "internal"

    /// The HTTP status answered with this code.
    public var httpStatus: Int {
        switch self {
        case .badRequest: 400
        case .invalidValue: 422
        case .unauthorized: 401
        case .forbidden: 403
        case .notFound: 404
        case .methodNotAllowed: 405
        case .conflict: 409
        case .payloadTooLarge: 413
        case .unavailable: 503
        case .internalError: 500
        }
    }

    /// What the code means, for the OpenAPI document's responses.
    public var meaning: String {
        switch self {
        case .badRequest: "Malformed JSON, unknown field or wrong type"
        case .invalidValue: "A value the service cannot take; `field` names it"
        case .unauthorized: "No token, or an unknown, expired or revoked one"
        case .forbidden: "The token's role or study does not allow this"
        case .notFound: "No such study, trial, job or route"
        case .methodNotAllowed: "The path takes other methods"
        case .conflict: "The request contradicts what is stored (a lost lease, a different tell)"
        case .payloadTooLarge: "The body is larger than the server accepts"
        case .unavailable: "The server is stopping or cannot reach its store"
        case .internalError: "A fault of the server"
        }
    }
}
