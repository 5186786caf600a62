import Foundation
import Hummingbird
import Logging
import Memberwise
import ServiceLifecycle
import Store
import Studies
import StudyModel
import Synchronization
import Wire

/// The HTTP routes of the service: a thin layer that authenticates, decodes, calls the
/// coordinator and encodes. Every error becomes a JSON error body (see ``ServiceError``).
struct APIRoutes: Sendable {
    let coordinator: StudyCoordinator
    /// Largest request body accepted, in bytes.
    let maxBodyBytes: Int
    /// Seconds between polls of a followed log.
    let followInterval: Double
    /// The event streams open now.
    let streams = StreamGauge()
    /// Verifies OIDC (JWT) bearer tokens, when the server accepts them.
    var oidc: OIDCVerifier? = nil

    /// The OpenAPI document, generated from the route table and the message types once.
    static let document: Data? = try? OpenAPIDocument.json()

    /// The methods a concrete path takes, by matching the route templates.
    static func methods(for path: String) -> [String] {
        WireRoute.all.filter { $0.matches(path: path) }.map(\.method.rawValue)
    }

    func register(on router: Router<ServiceRequestContext>) {
        let streams = self.streams
        router.on(.health) { _, _ in try json(HealthResponse(openStreams: streams.count)) }
        let document = Self.document
        router.on(.openAPI) { _, _ in
            guard let document else {
                throw ServiceError(.internalError, "the OpenAPI document could not be generated")
            }
            return Response(
                status: .ok,
                headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(bytes: document))
            )
        }
        router.on(.createToken) { request, context in
            let caller = try await caller(request)
            let body = try await decode(TokenRequest.self, request)
            let created = try await coordinator.createToken(caller, body)
            await coordinator.audit(
                caller,
                .createToken,
                study: body.study,
                target: "\(created.name) (\(created.role.rawValue))",
                address: context.clientAddress
            )
            return try json(created, status: .created)
        }
        router.on(.audit) { request, _ in
            let caller = try await caller(request)
            let query = request.uri.queryParameters
            guard let after = Int64(query.get("after") ?? "0"), after >= 0 else {
                throw ServiceError(.badRequest, "after must be a non-negative record id", field: "after")
            }
            guard let limit = Int(query.get("limit") ?? "1000"), (1...10_000).contains(limit) else {
                throw ServiceError(.badRequest, "limit must be between 1 and 10000", field: "limit")
            }
            return try json(
                try await coordinator.auditRecords(caller, after: after, limit: limit, study: query.get("study"))
            )
        }
        router.on(.createStudy) { request, context in
            let caller = try await caller(request)
            let data = try await bodyData(request)
            guard data.first(where: { !" \t\r\n".utf8.contains($0) }) == UInt8(ascii: "{") else {
                throw ServiceError(.badRequest, "the body must be a JSON object: the study specification")
            }
            let specification = try StudySpecification.decode(json: data, source: "body")
            let created = try await coordinator.createStudy(caller, specification)
            await coordinator.audit(
                caller,
                .createStudy,
                study: created.name,
                target: nil,
                address: context.clientAddress
            )
            return try json(created, status: .created)
        }
        router.on(.studies) { request, _ in try json(try await coordinator.studies(try await caller(request))) }
        router.on(.study) { request, context in
            try json(try await coordinator.study(try await caller(request), try context.parameters.require("study")))
        }
        router.on(.ask) { request, context in
            let caller = try await caller(request)
            let body = try await decode(AskRequest.self, request, emptyAllowed: true)
            return try json(
                try await coordinator.ask(caller, try context.parameters.require("study"), count: body.count ?? 1)
            )
        }
        router.on(.dashboard) { request, context in
            try json(
                try await coordinator.dashboard(try await caller(request), try context.parameters.require("study"))
            )
        }
        router.on(.renewToken) { request, context in
            let caller = try await caller(request)
            let body = try await decode(RenewRequest.self, request, emptyAllowed: true)
            let renewed = try await coordinator.renewToken(caller, expiresIn: body.expiresIn)
            await coordinator.audit(
                caller,
                .renewToken,
                study: nil,
                target: renewed.name,
                address: context.clientAddress
            )
            return try json(renewed, status: .created)
        }
        router.on(.tokenSelf) { request, _ in
            let caller = try await caller(request)
            return try json(await coordinator.identity(caller))
        }
        router.on(.pilots) { request, _ in
            try json(try await coordinator.pilots(try await caller(request)))
        }
        router.on(.trials) { request, context in
            try json(try await coordinator.trials(try await caller(request), try context.parameters.require("study")))
        }
        router.on(.trial) { request, context in
            let text = try context.parameters.require("trial")
            guard let number = Int(text) else {
                throw ServiceError(.invalidValue, "trial must be a trial number, got '\(text)'", field: "trial")
            }
            return try json(
                try await coordinator.trial(
                    try await caller(request),
                    try context.parameters.require("study"),
                    number: number
                )
            )
        }
        router.on(.addTrial) { request, context in
            let caller = try await caller(request)
            let body = try await decode(AttachRequest.self, request)
            let study = try context.parameters.require("study")
            let attached = try await coordinator.attach(caller, study, body)
            await coordinator.audit(
                caller,
                .addTrial,
                study: study,
                target: "trial \(attached.trial)",
                address: context.clientAddress
            )
            return try json(attached, status: .created)
        }
        router.on(.tell) { request, context in
            let caller = try await caller(request)
            let body = try await decode(TellRequest.self, request)
            guard let trial = Int(try context.parameters.require("trial")) else {
                throw ServiceError(.badRequest, "trial must be a trial number", field: "trial")
            }
            let study = try context.parameters.require("study")
            let told = try await coordinator.tell(caller, study, trial: trial, body)
            if told.recorded {
                await coordinator.audit(
                    caller,
                    body.failure == nil ? .tell : .tellFailure,
                    study: study,
                    target: "trial \(trial)",
                    address: context.clientAddress
                )
            }
            return try json(told)
        }
        router.on(.front) { request, context in
            try json(try await coordinator.front(try await caller(request), try context.parameters.require("study")))
        }
        router.on(.results) { request, context in
            let caller = try await caller(request)
            let study = try context.parameters.require("study")
            let follow = request.uri.queryParameters.get("follow").map { $0 == "true" || $0 == "1" } ?? false
            let lastEventID = request.headers.first { $0.name.canonicalName == "last-event-id" }.flatMap {
                Int64($0.value)
            }
            let given = request.uri.queryParameters.get("after")
            let after: Int64
            if let lastEventID {
                after = lastEventID
            } else if given == "latest" {
                after = try await coordinator.latestResultSequence(caller, study)
            } else {
                guard let parsed = Int64(given ?? "0"), parsed >= 0 else {
                    throw ServiceError(
                        .badRequest,
                        "after must be a non-negative sequence number or 'latest'",
                        field: "after"
                    )
                }
                after = parsed
            }
            let first = try await coordinator.results(caller, study, after: after)
            guard follow else { return try json(first) }
            return followResults(caller: caller, study: study, after: after, first: first)
        }
        router.on(.history) { request, context in
            try json(try await coordinator.history(try await caller(request), try context.parameters.require("study")))
        }
        router.on(.acquire) { request, _ in
            let caller = try await caller(request)
            return try json(try await coordinator.acquire(caller, try await decode(AcquireRequest.self, request)))
        }
        router.on(.work) { request, _ in try json(try await coordinator.work(try await caller(request))) }
        router.on(.heartbeat) { request, context in
            let caller = try await caller(request)
            let body = try await decode(PilotRequest.self, request)
            return try json(try await coordinator.heartbeat(caller, job: try job(context), pilot: body.pilot))
        }
        router.on(.appendLogs) { request, context in
            let caller = try await caller(request)
            let body = try await decode(LogsRequest.self, request)
            try await coordinator.appendLogs(caller, job: try job(context), body)
            return try json(AppendLogsResponse(appended: body.lines.count))
        }
        router.on(.logs) { request, context in
            let caller = try await caller(request)
            let job = try job(context)
            let follow =
                request.uri.queryParameters.get("follow").map { $0 == "true" || $0 == "1" }
                ?? (request.headers[.accept]?.contains("text/event-stream") ?? false)
            let after = Int64(request.uri.queryParameters.get("after") ?? "0") ?? 0
            let first = try await coordinator.logs(caller, job: job, after: after)
            guard follow else { return try json(first) }
            return followLogs(caller: caller, job: job, after: after, first: first)
        }
        router.on(.complete) { request, context in
            let caller = try await caller(request)
            let body = try await decode(CompleteRequest.self, request)
            return try json(try await coordinator.complete(caller, job: try job(context), body))
        }
        router.on(.release) { request, context in
            let caller = try await caller(request)
            let body = try await decode(PilotRequest.self, request)
            return try json(try await coordinator.release(caller, job: try job(context), pilot: body.pilot))
        }
    }

    /// A server-sent event stream of a job's log: one event per line (`event: stdout|stderr|pilot`,
    /// `id:` the line's id), then `event: end` once the job has ended and every line was sent.
    func followLogs(caller: Caller, job: Int64, after: Int64, first: LogsResponse) -> Response {
        let coordinator = self.coordinator
        return eventStream(
            after: after,
            first: first,
            events: { batch in batch.lines.map { ServerSentEvent(id: $0.id, name: $0.stream, data: $0.text) } },
            isLast: { batch in batch.finished && batch.lines.isEmpty },
            next: { after in try await coordinator.logs(caller, job: job, after: after) },
            end: "{\"job\": \(job)}"
        )
    }

    /// A server-sent event stream of a study's finished trials, in the order they were folded in:
    /// `id:` the result's sequence (resume with `Last-Event-ID` or `after=`), `event: trial`, the
    /// trial as JSON; `event: end` once the study has no more trials to run.
    func followResults(caller: Caller, study: String, after: Int64, first: ResultsResponse) -> Response {
        let coordinator = self.coordinator
        return eventStream(
            after: after,
            first: first,
            events: { batch in
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys]
                return try batch.results.map { result in
                    let data = String(decoding: try encoder.encode(result.trial), as: UTF8.self)
                    return ServerSentEvent(id: result.sequence, name: "trial", data: data)
                }
            },
            isLast: \.finished,
            next: { after in try await coordinator.results(caller, study, after: after) },
            end: "{}"
        )
    }

    /// The one way the service streams: send the events of `first`, then poll `next` with the id
    /// of the last event sent every `followInterval` while a batch brings none, until a batch
    /// `isLast`; then `event: end`.
    ///
    /// A stream never outlives its client or the server: while idle it writes a comment line every
    /// ``keepAliveSeconds`` (a client that went away makes that write fail, which ends the stream and
    /// frees its task), and a graceful shutdown (SIGTERM) cancels it, so the server does not wait
    /// for streams that would never end on their own.
    func eventStream<Batch: Sendable>(
        after: Int64,
        first: Batch,
        events: @escaping @Sendable (Batch) throws -> [ServerSentEvent],
        isLast: @escaping @Sendable (Batch) -> Bool,
        next: @escaping @Sendable (Int64) async throws -> Batch,
        end: String
    ) -> Response {
        let interval = followInterval
        let keepAlive = Self.keepAliveSeconds
        return Response(
            status: .ok,
            headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"],
            body: ResponseBody { [streams] writer in
                streams.opened()
                defer { streams.closed() }
                let stopping = StreamStop()
                let ended = try await withGracefulShutdownHandler {
                    var batch = first
                    var cursor = after
                    var idle = 0.0
                    while true {
                        let sent = try events(batch)
                        for event in sent {
                            try await writer.write(ByteBuffer(string: event.text))
                            cursor = event.id
                        }
                        if isLast(batch) { return true }
                        if sent.isEmpty {
                            try await Task.sleep(nanoseconds: UInt64(interval * 1e9))
                            idle += interval
                            if idle >= keepAlive {
                                try await writer.write(ByteBuffer(string: ": keep-alive\n\n"))
                                idle = 0
                            }
                        } else {
                            idle = 0
                        }
                        if stopping.requested || Task.isCancelled { return false }
                        batch = try await next(cursor)
                    }
                } onGracefulShutdown: {
                    stopping.request()
                }
                if ended { try await writer.write(ByteBuffer(string: "event: end\ndata: \(end)\n\n")) }
                try await writer.finish(nil)
            }
        )
    }

    /// Seconds of silence after which a stream writes a comment line.
    static let keepAliveSeconds = 2.0

    // MARK: Plumbing

    func caller(_ request: Request) async throws -> Caller {
        let header = request.headers[.authorization]
        var secret: String? = nil
        if let header, header.lowercased().hasPrefix("bearer ") {
            secret = String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces)
        }
        if let oidc, let secret, OIDCVerifier.looksLikeJWT(secret) { return try await oidc.caller(for: secret) }
        return try await coordinator.authenticate(secret)
    }

    func job(_ context: ServiceRequestContext) throws -> Int64 {
        guard let id = Int64(try context.parameters.require("job")) else {
            throw ServiceError(.badRequest, "job must be a job number", field: "job")
        }
        return id
    }

    func bodyData(_ request: Request) async throws -> Data {
        var request = request
        let buffer = try await request.collectBody(upTo: maxBodyBytes)
        return Data(buffer.readableBytesView)
    }

    /// Decodes a JSON object body in one pass, refusing unknown fields and naming the field at fault.
    func decode<T: WireRequest>(_ type: T.Type, _ request: Request, emptyAllowed: Bool = false) async throws -> T {
        var data = try await bodyData(request)
        if data.isEmpty && emptyAllowed { data = Data("{}".utf8) }
        do {
            return try JSONDecoder().decode(StrictBody<T>.self, from: data).value
        } catch let error as UnknownField {
            throw ServiceError(
                .badRequest,
                "unknown field '\(error.name)'; expected \(T.fields.sorted().joined(separator: ", "))",
                field: error.name
            )
        } catch let DecodingError.typeMismatch(_, context) where context.codingPath.isEmpty {
            throw ServiceError(.badRequest, "the body must be a JSON object")
        } catch let DecodingError.keyNotFound(key, context) {
            let path = StudyError.path(context.codingPath + [key])
            throw ServiceError(.badRequest, "missing field '\(path)'", field: path)
        } catch let DecodingError.typeMismatch(expected, context) {
            let path = StudyError.path(context.codingPath)
            throw ServiceError(.badRequest, "field '\(path)' must be of type \(expected)", field: path)
        } catch let DecodingError.valueNotFound(expected, context) {
            let path = StudyError.path(context.codingPath)
            throw ServiceError(.badRequest, "field '\(path)' must be a \(expected), not null", field: path)
        } catch let DecodingError.dataCorrupted(context) {
            let path = StudyError.path(context.codingPath)
            guard !path.isEmpty else {
                throw ServiceError(.badRequest, "the body is not valid JSON: \(context.debugDescription)")
            }
            throw ServiceError(.invalidValue, "field '\(path)': \(context.debugDescription)", field: path)
        }
    }
}

/// One event of a server-sent event stream; multi-line data becomes several `data:` lines.
struct ServerSentEvent: Sendable {
    var id: Int64
    var name: String
    var data: String

    var text: String {
        let lines = data.split(separator: "\n", omittingEmptySubsequences: false).map { "data: \($0)\n" }.joined()
        return "id: \(id)\nevent: \(name)\n\(lines)\n"
    }
}

/// A request body whose keys are checked against the request type's fields in the same pass
/// that decodes it.
struct StrictBody<T: WireRequest>: Decodable {
    var value: T

    @MemberwiseInit
    struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init?(intValue: Int) { nil }
    }

    init(from decoder: any Decoder) throws {
        let keys = try decoder.container(keyedBy: AnyKey.self).allKeys.map(\.stringValue)
        if let unknown = keys.sorted().first(where: { !T.fields.contains($0) }) { throw UnknownField(name: unknown) }
        value = try T(from: decoder)
    }
}

/// A body field the request type does not have.
struct UnknownField: Error {
    var name: String
}

/// Encodes a value as a JSON response.
func json<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) throws -> Response {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    let data = try encoder.encode(value)
    return Response(
        status: status,
        headers: [.contentType: "application/json; charset=utf-8"],
        body: .init(byteBuffer: ByteBuffer(bytes: data))
    )
}

/// Turns every error into a JSON error response, so a request never ends in a bare 500.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let logger: Logger

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            // A known path with another method is 405 with the methods it takes, not 404.
            let allowed = APIRoutes.methods(for: request.uri.path)
            guard !allowed.isEmpty else {
                return try ServiceError.from(error).response(from: request, context: context)
            }
            var response = try ServiceError(
                .methodNotAllowed,
                "\(request.method.rawValue) is not allowed here; use \(allowed.joined(separator: " or "))"
            ).response(from: request, context: context)
            response.headers[.allow] = allowed.joined(separator: ", ")
            return response
        } catch {
            let serviceError = ServiceError.from(error)
            if serviceError.code == .internalError {
                logger.error(
                    "request failed",
                    metadata: ["path": "\(request.uri.path)", "error": "\(error)"]
                )
            }
            return try serviceError.response(from: request, context: context)
        }
    }
}

/// Set when the server begins a graceful shutdown: streams end at their next poll.
final class StreamStop: Sendable {
    private let flag = Mutex(false)
    var requested: Bool { flag.withLock { $0 } }
    func request() { flag.withLock { $0 = true } }
}

/// The number of event streams open, for `GET /health` (and the test that dropped streams end).
final class StreamGauge: Sendable {
    private let value = Mutex(0)
    var count: Int { value.withLock { $0 } }
    func opened() { value.withLock { $0 += 1 } }
    func closed() { value.withLock { $0 -= 1 } }
}

extension Router where Context == ServiceRequestContext {
    /// Registers the handler of one route of ``WireRoute/all``, at its method and path.
    @discardableResult
    func on(
        _ route: WireRoute,
        use handler: @Sendable @escaping (Request, ServiceRequestContext) async throws -> some ResponseGenerator
    ) -> Self {
        on(RouterPath(route.routerPath), method: route.method == .get ? .get : .post, use: handler)
    }
}
