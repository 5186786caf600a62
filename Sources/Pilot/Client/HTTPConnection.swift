import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// One HTTP/1.1 keep-alive connection (SwiftNIO), carrying one request at a time in order.
///
/// Requests queue on an `AsyncStream`; a task owns the channel (`executeThenClose`) and answers
/// them one by one. A request that times out closes the connection, which fails whatever is still
/// queued; the owner then opens a new one.
final class HTTPConnection: Sendable {
    /// A request waiting for its response.
    struct Exchange: Sendable {
        var head: HTTPRequestHead
        var body: ByteBuffer?
        /// Receives body chunks as they arrive (streamed responses) instead of collecting them.
        var onChunk: (@Sendable (ByteBuffer) -> Void)?
        var continuation: CheckedContinuation<(status: Int, body: ByteBuffer), any Error>
    }

    private let requests: AsyncStream<Exchange>.Continuation
    private let channel: any Channel
    private let isClosed = NIOLockedValueBox(false)

    private init(requests: AsyncStream<Exchange>.Continuation, channel: any Channel) {
        self.requests = requests
        self.channel = channel
    }

    /// Connects to `host:port`, through TLS with `tls` (the server's certificate verified against
    /// the context's trust roots and `host`).
    static func connect(
        host: String,
        port: Int,
        tls: NIOSSLContext? = nil,
        timeout: Double = 5
    ) async throws -> HTTPConnection {
        let asyncChannel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .connectTimeout(.milliseconds(Int64(timeout * 1000)))
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls {
                        // An address is checked against the certificate's IP names (from the
                        // socket's address); only a name goes into SNI and the name check.
                        let isAddress = host.contains(":") || host.allSatisfy { $0.isNumber || $0 == "." }
                        try channel.pipeline.syncOperations.addHandler(
                            NIOSSLClientHandler(context: tls, serverHostname: isAddress ? nil : host)
                        )
                    }
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(
                        wrappingChannelSynchronously: channel
                    )
                }
            }
        let (stream, continuation) = AsyncStream<Exchange>.makeStream()
        let connection = HTTPConnection(requests: continuation, channel: asyncChannel.channel)
        Task { await connection.serve(asyncChannel, stream) }
        return connection
    }

    var closed: Bool { isClosed.withLockedValue { $0 } }

    /// Closes the connection; queued requests fail.
    func close() {
        isClosed.withLockedValue { $0 = true }
        channel.close(promise: nil)
        requests.finish()
    }

    private func serve(
        _ channel: NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>,
        _ stream: AsyncStream<Exchange>
    ) async {
        var pending: Exchange? = nil
        do {
            try await channel.executeThenClose { inbound, outbound in
                var responses = inbound.makeAsyncIterator()
                for await exchange in stream {
                    pending = exchange
                    try await outbound.write(.head(exchange.head))
                    if let body = exchange.body { try await outbound.write(.body(.byteBuffer(body))) }
                    try await outbound.write(.end(nil))
                    var status = 0
                    var body = ByteBuffer()
                    var keepAlive = true
                    reading: while let part = try await responses.next() {
                        switch part {
                        case .head(let head):
                            status = Int(head.status.code)
                            keepAlive = head.isKeepAlive
                        case .body(var chunk):
                            if let onChunk = exchange.onChunk { onChunk(chunk) } else { body.writeBuffer(&chunk) }
                        case .end:
                            break reading
                        }
                    }
                    guard status != 0 else { throw HTTPClientError.connectionClosed }
                    pending = nil
                    exchange.continuation.resume(returning: (status, body))
                    if !keepAlive { break }
                }
            }
        } catch {
            pending?.continuation.resume(throwing: HTTPClientError.connectionFailed("\(error)"))
            pending = nil
        }
        pending?.continuation.resume(throwing: HTTPClientError.connectionClosed)
        isClosed.withLockedValue { $0 = true }
        requests.finish()
        // Whatever was queued behind the failure fails too.
        for await exchange in stream { exchange.continuation.resume(throwing: HTTPClientError.connectionClosed) }
    }

    /// Sends a request and waits for the whole response (or streams it to `onChunk`), failing after
    /// `timeout` seconds, in which case the connection is closed.
    func execute(
        method: HTTPMethod,
        uri: String,
        headers: [(String, String)],
        body: Data?,
        timeout: Double?,
        onChunk: (@Sendable (ByteBuffer) -> Void)? = nil
    ) async throws -> (status: Int, body: ByteBuffer) {
        var head = HTTPRequestHead(version: .http1_1, method: method, uri: uri)
        head.headers.add(name: "Host", value: "paretopilot")
        for (name, value) in headers { head.headers.add(name: name, value: value) }
        let buffer = body.map { ByteBuffer(bytes: $0) }
        head.headers.add(name: "Content-Length", value: String(buffer?.readableBytes ?? 0))
        guard !closed else { throw HTTPClientError.connectionClosed }
        let request = head
        return try await withThrowingTaskGroup(of: (status: Int, body: ByteBuffer)?.self) { group in
            group.addTask {
                try await withCheckedThrowingContinuation { continuation in
                    let exchange = Exchange(head: request, body: buffer, onChunk: onChunk, continuation: continuation)
                    if case .terminated = self.requests.yield(exchange) {
                        continuation.resume(throwing: HTTPClientError.connectionClosed)
                    }
                }
            }
            if let timeout {
                group.addTask {
                    // Cancelled (the answer came, or the caller gave up) is not a timeout: only a
                    // request that really timed out closes the connection, which others share.
                    try await Task.sleep(nanoseconds: UInt64(timeout * 1e9))
                    return nil
                }
            }
            while let first = try await group.next() {
                if let response = first {
                    group.cancelAll()
                    return response
                }
                close()
                group.cancelAll()
                throw HTTPClientError.timedOut(timeout ?? 0)
            }
            throw HTTPClientError.connectionClosed
        }
    }
}

/// Transport failures of the HTTP client.
public enum HTTPClientError: Error, Sendable, CustomStringConvertible {
    case connectionClosed
    case connectionFailed(String)
    case timedOut(Double)
    case invalidURL(String)
    /// A bearer token would cross the network in clear text.
    case plainTextToken(String)
    /// The TLS settings could not be used (a CA file that cannot be read, say).
    case tlsSetup(String)

    public var description: String {
        switch self {
        case .connectionClosed: "the connection to the server closed"
        case .connectionFailed(let reason): "the connection to the server failed: \(reason)"
        case .timedOut(let seconds): "no answer from the server within \(seconds) s"
        case .invalidURL(let url): "'\(url)' is not an http:// or https://HOST:PORT URL"
        case .plainTextToken(let url):
            "refusing to send a token over plain HTTP to '\(url)', which is not a loopback address: use https (serve --tls-cert/--tls-key), or --insecure (PARETOPILOT_INSECURE=1) on a network you trust"
        case .tlsSetup(let reason): "TLS: \(reason)"
        }
    }
}
