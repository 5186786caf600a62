import Hummingbird
import NIOCore

/// The request context of the service's routes: Hummingbird's core context plus the address of
/// the connected client, which audit records name.
struct ServiceRequestContext: RequestContext, RemoteAddressRequestContext {
    var coreContext: CoreRequestContextStorage
    /// The client's address, as the server's socket sees it.
    let remoteAddress: SocketAddress?

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// `host:port` of the client, or nil when the socket does not say.
    var clientAddress: String? {
        guard let address = remoteAddress else { return nil }
        if let ip = address.ipAddress, let port = address.port { return "\(ip):\(port)" }
        return "\(address)"
    }
}
