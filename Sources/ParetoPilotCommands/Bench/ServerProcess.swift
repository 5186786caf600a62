import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `paretopilot serve` as a child process of the load test, so that it can be killed with SIGKILL
/// and started again on the same file and port while the simulated pilots go on.
final class ServerProcess: @unchecked Sendable {
    let database: String
    let adminSecret: String
    /// The port, chosen by the first start and kept by the restarts.
    private(set) var port = 0
    private var process: Process?

    init(database: String, adminSecret: String) {
        self.database = database
        self.adminSecret = adminSecret
    }

    var url: String { "http://127.0.0.1:\(port)" }

    /// Starts the server (on the port of the first start, once there was one) and returns when it
    /// listens.
    func start() throws {
        guard let executable = Bundle.main.executableURL else {
            throw BenchFault("cannot find this program's executable to start 'paretopilot serve'")
        }
        let child = Process()
        child.executableURL = executable
        child.arguments = [
            "serve", "--db", database, "--host", "127.0.0.1", "--port", String(port), "--reap-interval", "1",
            "--log-level", "error",
        ]
        var environment = ProcessInfo.processInfo.environment
        environment["PARETOPILOT_ADMIN_TOKEN"] = adminSecret
        child.environment = environment
        let output = Pipe()
        child.standardOutput = output
        child.standardError = FileHandle.nullDevice
        try child.run()
        process = child
        // The first lines name the address; later output is drained so the pipe never fills.
        var text = ""
        let deadline = Date().addingTimeInterval(60)
        while !text.contains("listening on") || !text.hasSuffix("\n") {
            let data = output.fileHandleForReading.availableData
            guard !data.isEmpty, Date() < deadline else {
                kill()
                throw BenchFault("'paretopilot serve --db \(database)' did not start: \(text)")
            }
            text += String(decoding: data, as: UTF8.self)
        }
        output.fileHandleForReading.readabilityHandler = { _ = $0.availableData }
        let line = text.split(separator: "\n").first { $0.contains("listening on") } ?? ""
        guard let listened = line.split(separator: ":").last.flatMap({ Int($0) }) else {
            kill()
            throw BenchFault("cannot read the server's port from '\(line)'")
        }
        port = listened
    }

    /// SIGKILL: no shutdown, no checkpoint; what the store committed is all that survives.
    func kill() {
        guard let child = process else { return }
        sendSignal(child.processIdentifier, SIGKILL)
        child.waitUntilExit()
        process = nil
    }

    /// SIGTERM and wait for the graceful shutdown.
    func stop() {
        guard let child = process else { return }
        child.terminate()
        child.waitUntilExit()
        process = nil
    }
}

private func sendSignal(_ process: Int32, _ signal: Int32) { _ = kill(process, signal) }

/// A load test that could not run as asked.
struct BenchFault: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
