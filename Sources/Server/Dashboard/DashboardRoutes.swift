import DashboardAssets
import Hummingbird
import NIOCore

/// The dashboard's page, script and style sheet at `/`, compiled into the binary. They carry no
/// data: the script asks the API for it with the token the user gives (a login form, or the
/// `#token=` fragment of the URL `serve` prints, which browsers never send to the server).
struct DashboardRoutes: Sendable {
    func register(on router: Router<ServiceRequestContext>) {
        router.get("/") { _, _ in Self.asset(DashboardAssets.page, type: "text/html; charset=utf-8") }
        router.get("/dashboard.js") { _, _ in
            Self.asset(DashboardAssets.script, type: "text/javascript; charset=utf-8")
        }
        router.get("/dashboard.css") { _, _ in Self.asset(DashboardAssets.styleSheet, type: "text/css; charset=utf-8") }
    }

    static func asset(_ bytes: [UInt8], type: String) -> Response {
        Response(
            status: .ok,
            headers: [
                .contentType: type,
                .cacheControl: "no-cache",
                // The page loads nothing from elsewhere and is never framed.
                .contentSecurityPolicy:
                    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
                .xContentTypeOptions: "nosniff",
            ],
            body: .init(byteBuffer: ByteBuffer(bytes: bytes))
        )
    }
}

/// Refuses every request but reads: `paretopilot dashboard` serves a study file as it is.
struct ReadOnlyMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard request.method == .get || request.method == .head else {
            throw ServiceError(.forbidden, "this server shows its study file read-only (paretopilot dashboard)")
        }
        return try await next(request, context)
    }
}
