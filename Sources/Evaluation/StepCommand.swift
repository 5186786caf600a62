import Foundation
import Memberwise
import StudyModel

/// One job of a workflow step, ready to run on this machine (a pilot's or a local worker's): the
/// step's command in the trial's working directory, with the design, the fan-out element and the
/// outputs of the earlier steps (see ``WorkflowStep`` for what the command sees).
@MemberwiseInit
public struct StepCommand: Sendable {
    public var command: String
    public var prefix: String?
    /// The evaluator's environment merged with the step's.
    public var environment: [String: String]
    public var timeout: Double
    public var trial: Int
    public var parameters: [String: ParameterValue]
    public var job: WorkflowJob
    /// The fan-out element this job runs for.
    public var element: JSONValue?
    /// The outputs of the trial's completed steps by step name (a list for a fanned-out step).
    public var inputs: [String: JSONValue]
    /// The trial's working directory, shared by its steps; created if missing.
    public var trialDirectory: String

    /// The directory the pilot or local run started in: relative program paths of step commands
    /// (`scripts/simulate.sh ...`) are resolved against it, since the command runs in the trial's
    /// directory.
    public static let launchDirectory = FileManager.default.currentDirectoryPath

    /// The command with a relative program path made absolute against ``launchDirectory``.
    var resolvedCommand: String {
        let trimmed = command.drop { $0 == " " }
        guard let program = trimmed.split(separator: " ").first, program.contains("/"), !program.hasPrefix("/"),
            !program.hasPrefix("~"), !program.hasPrefix("$")
        else { return command }
        return Self.launchDirectory + "/" + trimmed
    }

    /// The directory kept across this job's attempts: `TRIAL_DIR/.checkpoints/<step>[.<element>]`.
    public var checkpointDirectory: String { "\(trialDirectory)/.checkpoints/\(job.directoryName)" }

    /// How a run of a step ended.
    public struct Run: Sendable, Equatable {
        /// The output (the last JSON object on stdout, if any), or the failure.
        public var result: Result
        /// Whether the checkpoint directory held files when the job started.
        public var resumed: Bool

        public enum Result: Sendable, Equatable {
            case success(JSONValue?)
            case failure(message: String, exitCode: Int32?, stderrTail: String?)
        }
    }

    /// Runs the job on the calling thread (blocking), reporting to `observer`.
    public func run(observer: CommandEvaluator.Observer? = nil) -> Run {
        let manager = FileManager.default
        do {
            try manager.createDirectory(atPath: checkpointDirectory, withIntermediateDirectories: true)
        } catch {
            return Run(
                result: .failure(
                    message: "cannot create the trial directory '\(trialDirectory)': \(error.localizedDescription)",
                    exitCode: nil,
                    stderrTail: nil
                ),
                resumed: false
            )
        }
        let resumed = !((try? manager.contentsOfDirectory(atPath: checkpointDirectory)) ?? []).isEmpty
        var environment = self.environment
        for (key, value) in CommandEvaluator.designEnvironment(parameters, trial: trial) { environment[key] = value }
        environment["PARETOPILOT_STEP"] = job.step
        environment["PARETOPILOT_TRIAL_DIR"] = trialDirectory
        environment["PARETOPILOT_CHECKPOINT_DIR"] = checkpointDirectory
        environment["PARETOPILOT_RESUMED"] = resumed ? "1" : "0"
        if let element { environment["PARETOPILOT_ELEMENT"] = element.text }
        if let index = job.element { environment["PARETOPILOT_ELEMENT_INDEX"] = String(index) }
        var payload: [String: JSONValue] = [
            "trial": .number(Double(trial)),
            "parameters": CommandEvaluator.json(parameters),
            "step": .string(job.step),
            "steps": .object(inputs),
            "trial_dir": .string(trialDirectory),
            "checkpoint_dir": .string(checkpointDirectory),
            "resumed": .bool(resumed),
        ]
        if let element { payload["element"] = element }
        if let index = job.element { payload["element_index"] = .number(Double(index)) }
        environment["PARETOPILOT_LAUNCH_DIR"] = Self.launchDirectory
        let run = CommandEvaluator.runShell(
            command: prefix.map { "\($0) \(resolvedCommand)" } ?? resolvedCommand,
            workingDirectory: trialDirectory,
            environment: environment,
            input: .object(payload),
            timeout: timeout,
            observer: observer
        )
        switch run {
        case .failure(let message, let exitCode, let tail):
            return Run(result: .failure(message: message, exitCode: exitCode, stderrTail: tail), resumed: resumed)
        case .exited(let stdout, _):
            return Run(result: .success(CommandEvaluator.lastJSONObject(stdout)), resumed: resumed)
        }
    }
}
