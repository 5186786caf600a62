import Foundation
import Logging
import ParetoPilotTesting
import Pilot
import Server
import Testing

/// A real server on a free loopback port, in this process, with an admin token `admin-secret`.
struct TestServer {
    let port: Int
    let path: String
    let task: Task<Void, any Error>
    let coordinator: StudyCoordinator

    static let adminSecret = "admin-secret"

    static func start(
        path: String? = nil,
        reapInterval: Double = 0.2,
        maxBodyBytes: Int = 1 << 20,
        readOnly: Bool = false,
        tls: ServerTLS? = nil,
        oidc: OIDCConfiguration? = nil,
        caFile: String? = nil
    ) async throws
        -> TestServer
    {
        let path =
            path
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("server-\(UUID().uuidString).sqlite")
            .path
        var configuration = ServerConfiguration(
            host: "127.0.0.1",
            port: 0,
            databasePath: path,
            reapInterval: reapInterval,
            maxBodyBytes: maxBodyBytes,
            followInterval: 0.05,
            readOnly: readOnly
        )
        configuration.tls = tls
        configuration.oidc = oidc
        let server = try ParetoPilotServer(
            configuration: configuration,
            logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
        )
        _ = try await server.coordinator.bootstrapAdminToken(environmentSecret: adminSecret)
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let task = Task { try await server.run { continuation.yield($0) } }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw CancellationError() }
        return TestServer(
            port: port,
            path: path,
            task: task,
            coordinator: server.coordinator,
            usesTLS: tls != nil,
            caFile: caFile
        )
    }

    /// Whether the server speaks https, and the CA file its clients trust.
    var usesTLS = false
    var caFile: String? = nil

    var url: String { "\(usesTLS ? "https" : "http")://127.0.0.1:\(port)" }

    func client(_ token: String? = adminSecret) throws -> ServiceClient {
        try ServiceClient(url: url, token: token, security: ClientSecurity(caFile: caFile))
    }

    /// Creates a token with the admin client and returns its secret.
    func token(role: String, study: String? = nil) async throws -> String {
        var body: [String: Any] = ["role": role]
        if let study { body["study"] = study }
        let answer = try await client().call(.POST, "/v1/tokens", json: body) as! [String: Any]
        return answer["token"] as! String
    }

    func stop() async {
        task.cancel()
        _ = try? await task.value
    }
}

/// A two-parameter, two-objective study evaluated by pilots with `command` (or by ask/tell without).
func studySpecification(
    name: String,
    command: String? = "true",
    budget: Int = 8,
    extra: [String: Any] = [:]
) -> [String: Any] {
    var evaluator: [String: Any] = [:]
    if let command { evaluator["command"] = command }
    var body: [String: Any] = [
        "name": name,
        "parameters": [
            ["name": "x", "type": "float", "lower": 0, "upper": 1],
            ["name": "y", "type": "float", "lower": 0, "upper": 1],
        ],
        "objectives": [["name": "f1", "reference": 2], ["name": "f2", "reference": 2]],
        "evaluator": evaluator,
        "budget": budget,
        "strategy": "sobol",
        "min_queued": 2,
    ]
    for (key, value) in extra { body[key] = value }
    return body
}

/// Expects a call to fail with an HTTP status (and, if given, a field).
func expectStatus(
    _ status: Int,
    field: String? = nil,
    sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () async throws -> Void
) async {
    do {
        try await body()
        Issue.record("expected HTTP \(status), the call succeeded", sourceLocation: sourceLocation)
    } catch let error as ServiceClientError {
        #expect(error.status == status, "\(error)", sourceLocation: sourceLocation)
        if let field { #expect(error.field == field, "\(error)", sourceLocation: sourceLocation) }
        #expect(!error.message.isEmpty, sourceLocation: sourceLocation)
    } catch {
        Issue.record("expected HTTP \(status), got \(error)", sourceLocation: sourceLocation)
    }
}

/// Polls `condition` until it holds or `seconds` pass.
func eventually(seconds: Double = 10, _ condition: () async throws -> Bool) async throws -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try await condition() { return true }
        try await Task.sleep(nanoseconds: 20_000_000)
    }
    return false
}
