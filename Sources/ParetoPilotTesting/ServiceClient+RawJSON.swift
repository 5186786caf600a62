import Foundation
import NIOHTTP1
import Pilot

extension ServiceClient {
    /// Sends an arbitrary JSON body (malformed or partial bodies included, which the wire types
    /// cannot express) and returns the answer as a JSON value, throwing ``ServiceClientError`` for
    /// 3xx/4xx/5xx. For tests of the protocol's edges; programs use the typed `call(_:_:body:as:)`.
    @discardableResult
    public func call(_ method: HTTPMethod, _ path: String, json body: [String: Any]? = nil) async throws -> Any {
        let data = try body.map { try JSONSerialization.data(withJSONObject: $0, options: [.sortedKeys]) }
        let response = try await send(method, path, body: data)
        try Self.check(response)
        return try JSONSerialization.jsonObject(with: response.body, options: [.fragmentsAllowed])
    }
}
