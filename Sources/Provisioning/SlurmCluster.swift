import Evaluation
import Foundation
import Memberwise

/// A pilot job as the batch system reports it.
@MemberwiseInit
public struct BatchPilot: Sendable, Equatable {
    /// The job id (`123` or, for an array task, `122_3`).
    public var id: String
    /// `PENDING`, `RUNNING`, ...
    public var state: String

    /// Waiting to start (the only pilots a provisioner cancels while work remains).
    public var isPending: Bool { ["PENDING", "REQUEUED", "REQUEUE_HOLD"].contains(state) }
    /// Started, or being set up to start, and not yet ending.
    public var isRunning: Bool { ["RUNNING", "CONFIGURING", "SUSPENDED", "RESIZING"].contains(state) }
}

/// An error of the batch system: the command, its exit code and what it printed.
public struct BatchSystemError: Error, Sendable, CustomStringConvertible {
    public var command: String
    public var message: String
    public var description: String { "\(command): \(message)" }
}

/// The Slurm commands a provisioner needs: `squeue` to find its pilots again by job name, `sbatch`
/// to submit job arrays of pilots, `scancel` to cancel them.
@MemberwiseInit
public struct SlurmCluster: Sendable {
    /// Directory of the Slurm commands, if they are not on `PATH`.
    public var binDirectory: String?

    func tool(_ name: String) -> String { binDirectory.map { "\($0)/\(name)" } ?? name }

    func run(_ arguments: [String], environment: [String: String] = [:]) throws -> String {
        let result: ShellCommand.Result
        do {
            result = try ShellCommand.run(arguments, environment: environment, timeout: 60)
        } catch {
            throw BatchSystemError(command: arguments[0], message: error.message)
        }
        guard result.succeeded else {
            throw BatchSystemError(
                command: arguments.prefix(2).joined(separator: " "),
                message: "exit code \(result.exitCode.map(String.init) ?? "none (timed out)"): "
                    + result.standardError.trimmingCharacters(in: .whitespacesAndNewlines)
            )
        }
        return result.standardOutput
    }

    /// The jobs named `name` that Slurm still knows, one line per array task.
    public func pilots(named name: String) throws -> [BatchPilot] {
        let output = try run([tool("squeue"), "--noheader", "--array", "--name", name, "--format", "%i|%T"])
        return Self.parseQueue(output)
    }

    static func parseQueue(_ output: String) -> [BatchPilot] {
        output.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            guard fields.count == 2, !fields[0].isEmpty else { return nil }
            return BatchPilot(id: fields[0], state: fields[1])
        }
    }

    /// Submits `count` pilots as one job array running `command`; returns the array's job id.
    public func submit(
        count: Int,
        name: String,
        command: String,
        partition: String?,
        timeLimitMinutes: Int?,
        outputDirectory: String?,
        extraArguments: [String],
        environment: [String: String]
    ) throws -> String {
        var arguments = [tool("sbatch"), "--parsable", "--job-name", name, "--array", "0-\(count - 1)"]
        if let partition { arguments += ["--partition", partition] }
        if let timeLimitMinutes { arguments += ["--time", String(timeLimitMinutes)] }
        if let outputDirectory { arguments += ["--output", "\(outputDirectory)/%x-%A_%a.out"] }
        // The token travels in the job's environment, not on its command line.
        let exported = environment.keys.sorted().map { "\($0)=\(environment[$0]!)" }
        arguments += ["--export", (["ALL"] + exported).joined(separator: ",")]
        arguments += extraArguments
        arguments += ["--wrap", command]
        let output = try run(arguments, environment: environment)
        let id = output.split(separator: "\n").first.map { String($0.split(separator: ";")[0]) } ?? ""
        guard !id.isEmpty else { throw BatchSystemError(command: "sbatch", message: "no job id in '\(output)'") }
        return id
    }

    /// Cancels jobs by id.
    public func cancel(_ ids: [String]) throws {
        guard !ids.isEmpty else { return }
        _ = try run([tool("scancel")] + ids)
    }

    /// Seconds left to the running job `id` (`squeue %L`), nil when unlimited or unknown.
    public func timeLeft(job id: String) -> Double? {
        guard let output = try? run([tool("squeue"), "--noheader", "--jobs", id, "--format", "%L"]) else { return nil }
        return Self.parseDuration(output.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// Parses Slurm's `[days-]hours:minutes:seconds`, `minutes:seconds` or `minutes`; nil for
    /// `UNLIMITED`, `NOT_SET` or anything else.
    public static func parseDuration(_ text: String) -> Double? {
        var days = 0.0
        var rest = Substring(text)
        if let dash = rest.firstIndex(of: "-") {
            guard let d = Double(rest[..<dash]) else { return nil }
            days = d
            rest = rest[rest.index(after: dash)...]
        }
        let parts = rest.split(separator: ":").map { Double($0) }
        guard !parts.isEmpty, parts.allSatisfy({ $0 != nil }) else { return nil }
        let values = parts.map { $0! }
        let seconds: Double
        switch values.count {
        case 1: seconds = days > 0 ? values[0] * 3600 : values[0] * 60
        case 2: seconds = days > 0 ? values[0] * 3600 + values[1] * 60 : values[0] * 60 + values[1]
        case 3: seconds = values[0] * 3600 + values[1] * 60 + values[2]
        default: return nil
        }
        return days * 86_400 + seconds
    }
}
