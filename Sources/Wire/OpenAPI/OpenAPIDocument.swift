import Foundation
import StudyModel

/// Why the document could not be generated (a fault of this build, found by its tests).
public struct OpenAPIDocumentError: Error, Sendable {
    public var message: String
}

/// The OpenAPI 3.1 document of the HTTP API, generated from ``WireRoute/all`` and the
/// ``WireSchema`` message types: paths, parameters, request and response bodies, error answers,
/// and one component per message type.
public enum OpenAPIDocument {
    /// The API's version, as the document states it.
    public static let version = "0.2.0"

    /// The document as a JSON value.
    public static func generate(routes: [WireRoute] = WireRoute.all) throws -> JSONValue {
        try build(routes).document
    }

    /// Every message type the document describes, by component name.
    public static func messageTypes(routes: [WireRoute] = WireRoute.all) throws -> [String: any WireSchema.Type] {
        try build(routes).types
    }

    private static func build(
        _ routes: [WireRoute]
    ) throws -> (document: JSONValue, types: [String: any WireSchema.Type]) {
        let context = SchemaContext()
        var paths: [String: [String: JSONValue]] = [:]
        for route in routes {
            paths[route.path, default: [:]][route.method.rawValue.lowercased()] = operation(route, context)
        }
        var responses: [String: JSONValue] = [:]
        for code in ErrorCode.allCases {
            responses[responseName(code)] = [
                "description": .string(code.meaning),
                "content": ["application/json": ["schema": context.reference(to: ErrorBody.self)]],
            ]
        }
        var schemas: [String: JSONValue] = [:]
        var described: Set<String> = []
        while let (name, type) = context.components.first(where: { !described.contains($0.key) }) {
            described.insert(name)
            schemas[name] = try context.describe(type)
        }
        if let conflict = context.conflicts.sorted().first {
            throw OpenAPIDocumentError(message: "two message types are both named '\(conflict)' in the document")
        }
        let document: JSONValue = [
            "openapi": "3.1.0",
            "info": [
                "title": "ParetoPilot",
                "version": .string(version),
                "description": """
                Multi-objective Bayesian optimisation of expensive simulations: ask/tell for clients, leased \
                jobs for pilots. Every error is {"error": {"code", "message", "field"?}}. Generated from the \
                server's message types.
                """,
            ],
            "servers": [["url": "http://127.0.0.1:8080"]],
            "security": [["bearer": []]],
            "paths": .object(paths.mapValues { .object($0) }),
            "components": [
                "securitySchemes": [
                    "bearer": [
                        "type": "http",
                        "scheme": "bearer",
                        "description": """
                        A local token (roles admin, client, pilot, viewer; a client or viewer token may be \
                        bound to one study), or an OIDC JWT from an issuer the server is configured for.
                        """,
                    ]
                ],
                "schemas": .object(schemas),
                "responses": .object(responses),
            ],
        ]
        return (document, context.components)
    }

    /// The document as pretty JSON with sorted keys.
    public static func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return try encoder.encode(try generate())
    }

    private static func responseName(_ code: ErrorCode) -> String {
        code.rawValue.split(separator: "_").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }

    /// The error answers a route can give.
    private static func errors(_ route: WireRoute) -> [ErrorCode] {
        var codes: [ErrorCode] = [.badRequest, .notFound, .unavailable]
        if route.authenticated { codes += [.unauthorized, .forbidden] }
        if route.request != nil { codes += [.conflict, .payloadTooLarge] }
        if route.request != nil || !route.query.isEmpty || !route.pathParameters.isEmpty { codes.append(.invalidValue) }
        return codes
    }

    private static func operation(_ route: WireRoute, _ context: SchemaContext) -> JSONValue {
        var operation: [String: JSONValue] = [
            "summary": .string(route.summary),
            "operationId": .string(operationID(route)),
        ]
        if let details = route.details { operation["description"] = .string(details) }
        if !route.authenticated { operation["security"] = [] }
        var parameters: [JSONValue] = route.pathParameters.map { name in
            [
                "name": .string(name), "in": "path", "required": true, "schema": ["type": "string"],
                "description": .string(pathParameterMeaning[name] ?? name),
            ]
        }
        for query in route.query {
            var parameter: [String: JSONValue] = ["name": .string(query.name), "in": "query", "schema": query.schema]
            if let description = query.description { parameter["description"] = .string(description) }
            parameters.append(.object(parameter))
        }
        if !parameters.isEmpty { operation["parameters"] = .array(parameters) }
        if let request = route.request {
            operation["requestBody"] = [
                "required": .bool(!route.optionalBody),
                "content": ["application/json": ["schema": context.reference(to: request)]],
            ]
        }
        var content: [String: JSONValue] = [:]
        switch route.response {
        case .message(let type): content["application/json"] = ["schema": context.reference(to: type)]
        case .array(let type):
            content["application/json"] = ["schema": ["type": "array", "items": context.reference(to: type)]]
        case .document: content["application/json"] = ["schema": ["type": "object"]]
        }
        if let stream = route.streams {
            var data: [String: JSONValue] = ["type": "string", "description": .string(stream.data)]
            if stream.json { data["contentMediaType"] = "application/json" }
            content["text/event-stream"] = [
                "schema": [
                    "description": "One server-sent event (keep-alive comments are not events)",
                    "type": "object",
                    "required": ["data"],
                    "properties": [
                        "event": ["type": "string", "enum": .array(stream.events.map(JSONValue.string))],
                        "data": .object(data),
                        "id": ["type": "string", "description": "Resume after it with Last-Event-ID or after="],
                        "retry": ["type": "integer"],
                    ],
                ]
            ]
        }
        var responses: [String: JSONValue] = [
            String(route.status): ["description": route.status == 201 ? "Created" : "OK", "content": .object(content)]
        ]
        for code in errors(route) {
            responses[String(code.httpStatus)] = ["$ref": .string("#/components/responses/\(responseName(code))")]
        }
        operation["responses"] = .object(responses)
        return .object(operation)
    }

    private static let pathParameterMeaning = [
        "study": "The study's name or id",
        "trial": "The trial's number",
        "job": "The job (attempt) id a pilot was given",
    ]

    /// `getV1StudiesStudyTrials`-style names, unique per method and path.
    private static func operationID(_ route: WireRoute) -> String {
        let words = route.path.split(whereSeparator: { "/{}._".contains($0) }).map(String.init)
        return route.method.rawValue.lowercased() + words.map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }
}
