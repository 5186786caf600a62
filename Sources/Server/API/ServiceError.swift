import Engine
import Foundation
import Hummingbird
import NIOCore
import Store
import Studies
import StudyModel
import Wire

/// An error of the service, answered as `{"error": {"code", "message", "field"?}}` with an HTTP
/// status; `cause` keeps the underlying error for the log.
public struct ServiceError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, as a stable machine-readable code.
    public typealias Code = ErrorCode

    public var code: Code
    public var message: String
    /// The request field at fault, if one is.
    public var field: String?
    public var cause: (any Error & Sendable)?

    public init(_ code: Code, _ message: String, field: String? = nil, cause: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.field = field
        self.cause = cause
    }

    public var description: String { "\(code.rawValue): \(message)" }

    /// The service error for any error thrown while answering a request.
    static func from(_ error: any Error) -> ServiceError {
        switch error {
        case let error as ServiceError:
            return error
        case let error as StudyError:
            return ServiceError(.invalidValue, error.message, field: error.field, cause: error)
        case let error as EngineError:
            switch error.code {
            case .notFound: return ServiceError(.notFound, error.message, field: error.field, cause: error)
            case .conflict, .stopped: return ServiceError(.conflict, error.message, field: error.field, cause: error)
            case .invalidValue: return ServiceError(.invalidValue, error.message, field: error.field, cause: error)
            }
        case let error as StoreError:
            switch error.code {
            case .notFound: return ServiceError(.notFound, error.message, cause: error)
            case .invalidTransition: return ServiceError(.conflict, error.message, cause: error)
            case .invalidInput, .constraint: return ServiceError(.invalidValue, error.message, cause: error)
            default: return ServiceError(.internalError, "storage error: \(error.message)", cause: error)
            }
        case is NIOTooManyBytesError:
            return ServiceError(.payloadTooLarge, "the request body is larger than the service accepts")
        case let error as HTTPError:
            switch error.status {
            case .contentTooLarge:
                return ServiceError(.payloadTooLarge, "the request body is larger than the service accepts")
            case .notFound: return ServiceError(.notFound, error.body ?? "no such route")
            case .methodNotAllowed: return ServiceError(.methodNotAllowed, "no such route for this method")
            case .unauthorized: return ServiceError(.unauthorized, error.body ?? "a bearer token is required")
            default:
                let code: Code = error.status.code < 500 ? .badRequest : .internalError
                return ServiceError(code, error.body ?? error.status.reasonPhrase)
            }
        default:
            return ServiceError(.internalError, "internal error: \(error)")
        }
    }

    /// The JSON body (the wire's one error shape).
    var body: ErrorBody { ErrorBody(code: code.rawValue, message: message, field: field) }
}

extension ServiceError: HTTPResponseError {
    public var status: HTTPResponse.Status { code.status }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = (try? encoder.encode(body)) ?? Data("{}".utf8)
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        if code == .unauthorized { headers[.wwwAuthenticate] = "Bearer" }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

extension ErrorCode {
    var status: HTTPResponse.Status { HTTPResponse.Status(code: httpStatus) }
}
