import Foundation
import Memberwise
import StudyModel

#if canImport(Glibc)
import Glibc
#endif

/// Runs an external program per design: `/bin/sh -c COMMAND`, with the parameters as one JSON
/// object on stdin (`{"trial": n, "parameters": {...}}`) and as environment variables
/// `PARETOPILOT_PARAM_<NAME>` (upper case) plus `PARETOPILOT_TRIAL`. The program prints its
/// outputs as one JSON object of numbers on stdout (the last line that parses is used).
///
/// A non-zero exit, a timeout (the command runs in its own process group, which gets SIGTERM, then
/// SIGKILL after 5 s, so the simulation's own children go too), unparsable
/// output or a non-finite value is a failure carrying the last 2,000 characters of stderr.
///
/// `workingDirectory`, `environment` and `prefix` customise where and how the command runs: the
/// shell changes to the directory first, the variables are added to the inherited environment, and
/// the prefix (for instance `apptainer exec image.sif`) goes in front of the command.
@MemberwiseInit
public struct CommandEvaluator: Evaluator {
    public let command: String
    public var timeout: Double = 3600
    public var workingDirectory: String? = nil
    public var environment: [String: String] = [:]
    public var prefix: String? = nil

    /// Hooks for a caller that watches a running evaluation (a pilot): output chunks as they come,
    /// and a flag polled to stop the evaluation early.
    @MemberwiseInit
    public struct Observer: Sendable {
        public var onOutput: @Sendable (_ stream: String, _ chunk: Data) -> Void
        public var shouldStop: @Sendable () -> Bool
    }

    /// Checks that the command's program exists and is executable (a path, or a name on `PATH`).
    public static func checkRunnable(_ command: String, field: String = "evaluator") throws(StudyError) {
        guard let program = command.split(separator: " ").first.map(String.init) else {
            throw StudyError("\(field): the command is empty", field: field)
        }
        let manager = FileManager.default
        if program.contains("/") {
            guard manager.isExecutableFile(atPath: program) else {
                throw StudyError("\(field): '\(program)' does not exist or is not executable", field: field)
            }
            return
        }
        let builtins: Set<String> = [
            "cd", "exec", "env", "test", "[", "echo", "exit", "true", "false", "sleep", "printf", "read",
        ]
        if builtins.contains(program) { return }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") where manager.isExecutableFile(atPath: "\(directory)/\(program)") {
            return
        }
        throw StudyError("\(field): '\(program)' is not an executable on PATH", field: field)
    }

    public func evaluate(_ parameters: [String: ParameterValue], trial: Int) async -> EvaluationResult {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(returning: run(parameters, trial: trial))
            }
        }
    }

    /// Runs the command for one design on the calling thread (blocking), reporting to `observer`.
    public func run(
        _ parameters: [String: ParameterValue],
        trial: Int,
        observer: Observer? = nil
    ) -> EvaluationResult {
        var environment = self.environment
        for (key, value) in Self.designEnvironment(parameters, trial: trial) { environment[key] = value }
        let payload: JSONValue = .object(["trial": .number(Double(trial)), "parameters": Self.json(parameters)])
        let run = Self.runShell(
            command: prefix.map { "\($0) \(command)" } ?? command,
            workingDirectory: workingDirectory,
            environment: environment,
            input: payload,
            timeout: timeout,
            observer: observer
        )
        switch run {
        case .failure(let message, let exitCode, let tail):
            return .failure(message: message, exitCode: exitCode, stderrTail: tail)
        case .exited(let stdout, let tail):
            guard let object = Self.lastJSONObject(stdout) else {
                return .failure(message: "no JSON object of outputs on stdout", exitCode: 0, stderrTail: tail)
            }
            let outputs = object.numbers
            if let bad = outputs.first(where: { !$0.value.isFinite }) {
                return .failure(message: "output '\(bad.key)' is \(bad.value)", exitCode: 0, stderrTail: tail)
            }
            return .success(outputs)
        }
    }

    /// The variables that carry a design: `PARETOPILOT_TRIAL` and `PARETOPILOT_PARAM_<NAME>`.
    static func designEnvironment(_ parameters: [String: ParameterValue], trial: Int) -> [String: String] {
        var environment = ["PARETOPILOT_TRIAL": String(trial)]
        for (name, value) in parameters {
            let key =
                "PARETOPILOT_PARAM_" + name.uppercased().map { $0.isLetter || $0.isNumber ? String($0) : "_" }.joined()
            environment[key] = value.text
        }
        return environment
    }

    /// The parameters as one JSON object.
    static func json(_ parameters: [String: ParameterValue]) -> JSONValue {
        .object(
            parameters.mapValues { value in
                switch value {
                case .number(let v): .number(v)
                case .choice(let c): .string(c)
                }
            }
        )
    }

    /// How a shell command ended: it exited with status 0 (its stdout and stderr tail), or it failed.
    enum ShellRun {
        case exited(stdout: String, stderrTail: String)
        case failure(message: String, exitCode: Int32?, stderrTail: String?)
    }

    /// Runs `/bin/sh -c command` (in `workingDirectory`, with `environment` added to this process's)
    /// with `input` as one JSON line on stdin, on the calling thread.
    static func runShell(
        command: String,
        workingDirectory: String?,
        environment extra: [String: String],
        input: JSONValue,
        timeout: Double,
        observer: Observer?
    ) -> ShellRun {
        var environment = ProcessInfo.processInfo.environment
        for (key, value) in extra { environment[key] = value }
        let shellCommand =
            workingDirectory.map { "cd '\($0.replacingOccurrences(of: "'", with: "'\\''"))' && \(command)" }
            ?? command
        var shouldStop: (() -> Bool)? = nil
        var onOutput: (@Sendable (ChildProcess.Stream, Data) -> Void)? = nil
        if let observer {
            shouldStop = { observer.shouldStop() }
            onOutput = { stream, chunk in observer.onOutput(stream.rawValue, chunk) }
        }
        let outcome: ChildProcess.Outcome
        do {
            outcome = try ChildProcess.run(
                command: shellCommand,
                environment: environment,
                input: Data((input.json + "\n").utf8),
                timeout: timeout,
                shouldStop: shouldStop,
                onOutput: onOutput
            )
        } catch {
            return .failure(message: error.message, exitCode: nil, stderrTail: nil)
        }
        let errorText = String(decoding: outcome.standardError, as: UTF8.self)
        let tail = errorText.count > 2000 ? String(errorText.suffix(2000)) : errorText
        if outcome.stopped { return .failure(message: "stopped on request", exitCode: nil, stderrTail: tail) }
        if outcome.timedOut {
            return .failure(message: "timed out after \(timeout) s", exitCode: nil, stderrTail: tail)
        }
        if let signal = outcome.signal {
            return .failure(message: "killed by signal \(signal)", exitCode: nil, stderrTail: tail)
        }
        let status = outcome.exitCode ?? -1
        guard status == 0 else { return .failure(message: "exit code \(status)", exitCode: status, stderrTail: tail) }
        return .exited(stdout: String(decoding: outcome.standardOutput, as: UTF8.self), stderrTail: tail)
    }

    /// The last line of `stdout` that is a JSON object.
    static func lastJSONObject(_ stdout: String) -> JSONValue? {
        for line in stdout.split(separator: "\n").reversed() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard trimmed.first == "{", let value = JSONValue(json: trimmed), case .object = value else { continue }
            return value
        }
        return nil
    }
}
