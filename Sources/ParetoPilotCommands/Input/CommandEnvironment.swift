import ArgumentParser
import Dispatch
import Foundation
import Logging

#if canImport(Glibc)
import Glibc
#endif

/// What the long-running commands (`serve`, `pilot`, `provision`) and the commands that talk to a
/// server share: the token, the executable pilots should run, logging to stderr, and stop signals.
enum CommandEnvironment {
    /// `option`, else `PARETOPILOT_TOKEN`; nil if neither is a non-empty string.
    static func token(_ option: String?) -> String? {
        guard let token = option ?? ProcessInfo.processInfo.environment["PARETOPILOT_TOKEN"], !token.isEmpty else {
            return nil
        }
        return token
    }

    /// The absolute path of this `paretopilot`, for commands that make others run it.
    static var executablePath: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    /// The log level named by `--log-level`, or exit code 2 with a message.
    static func logLevel(_ name: String) throws -> Logger.Level {
        guard let level = Logger.Level(rawValue: name) else {
            printError("error: --log-level must be one of trace, debug, info, notice, warning, error")
            throw ExitCode(2)
        }
        return level
    }

    /// Structured logs on stderr at `level` (once per process).
    static func bootstrapLogging(_ level: Logger.Level) {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }

    /// Calls `handler` on SIGTERM or SIGINT instead of dying; cancel the returned sources when done.
    static func onStopSignals(_ handler: @escaping @Sendable () -> Void) -> [any DispatchSourceSignal] {
        signal(SIGTERM, SIG_IGN)
        signal(SIGINT, SIG_IGN)
        return [SIGTERM, SIGINT].map { number in
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler(handler: handler)
            source.resume()
            return source
        }
    }
}
