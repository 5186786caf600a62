import Foundation
import StudyModel

/// Runs a short command line (`/bin/sh -c`) and collects its output: for tools such as `sbatch` and
/// `squeue`. The command runs in its own process group and inherits no other descriptor, as
/// evaluators do; past `timeout` seconds the group is killed.
public enum ShellCommand {
    /// What a command printed and how it ended.
    public struct Result: Sendable {
        public var exitCode: Int32?
        public var standardOutput: String
        public var standardError: String
        public var succeeded: Bool { exitCode == 0 }
    }

    /// Runs `arguments` (each quoted for the shell) with `environment` added to this process's.
    public static func run(
        _ arguments: [String],
        environment: [String: String] = [:],
        timeout: Double = 60
    ) throws(StudyError) -> Result {
        var merged = ProcessInfo.processInfo.environment
        for (key, value) in environment { merged[key] = value }
        let outcome = try ChildProcess.run(
            command: arguments.map(quote).joined(separator: " "),
            environment: merged,
            input: Data(),
            timeout: timeout
        )
        return Result(
            exitCode: outcome.timedOut ? nil : outcome.exitCode,
            standardOutput: String(decoding: outcome.standardOutput, as: UTF8.self),
            standardError: String(decoding: outcome.standardError, as: UTF8.self)
        )
    }

    /// `text` in single quotes for `/bin/sh`.
    public static func quote(_ text: String) -> String {
        if !text.isEmpty && text.allSatisfy({ $0.isLetter || $0.isNumber || "-_./=:,@%+".contains($0) }) { return text }
        return "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
