import Evaluation
import Foundation
import Problems
import Studies
import StudyModel

/// What `paretopilot optimize` was asked to do, separate from argument parsing so it can be tested.
public struct OptimizeJob: Sendable {
    public var objectives: [String]?
    public var problem: String?
    public var evaluatorCommand: String?
    public var timeout: Double?
    public var studyFile: String?
    public var database: String?
    public var budget: Int?
    public var workers: Int?
    public var maxAttempts: Int?
    public var constraints: [String] = []
    public var parameters: [String] = []
    public var parameterConstraints: [String] = []
    public var seed: UInt64?
    public var strategy: String?
    public var model: String?
    public var resume = false

    public init() {}

    /// The specification from the study file or the flags, flags overriding the file, resolved.
    public func specification() throws(StudyError) -> StudySpecification {
        var specification: StudySpecification
        if let studyFile {
            let data: Data
            do {
                data = try Data(contentsOf: URL(fileURLWithPath: studyFile))
            } catch {
                throw StudyError(
                    "cannot read the study file '\(studyFile)': \(error.localizedDescription)",
                    field: "study",
                    code: .file
                )
            }
            specification = try StudySpecification.decode(json: data, source: studyFile)
        } else if let evaluatorCommand {
            guard !parameters.isEmpty else {
                throw StudyError(
                    "--evaluator needs the parameters: give --parameter NAME=LOW:HIGH[:int|log] or --study FILE",
                    field: "parameter"
                )
            }
            guard let objectives, !objectives.isEmpty else {
                throw StudyError("--evaluator needs --objectives naming the outputs to optimise", field: "objectives")
            }
            specification = StudySpecification(
                name: "study",
                parameters: try parameters.map(Self.parseParameter),
                objectives: try objectives.map(Self.parseObjective),
                evaluator: .init(command: evaluatorCommand, timeout: timeout)
            )
        } else {
            let name = (problem ?? "toytracker").lowercased()
            guard ProblemRegistry.names.contains(name) else {
                throw StudyError(
                    "--problem: unknown problem '\(name)'; known: \(ProblemRegistry.names.joined(separator: ", "))",
                    field: "problem"
                )
            }
            let builtin = try? ProblemRegistry.problem(named: name)
            let defaults = name == "toytracker" ? ["resolution", "cost"] : builtin?.objectiveNames ?? []
            specification = StudySpecification(
                name: name,
                parameters: [],
                objectives: try (objectives ?? defaults).map(Self.parseObjective),
                evaluator: .init(problem: name)
            )
        }
        if let timeout, specification.evaluator.command != nil { specification.evaluator.timeout = timeout }
        if !constraints.isEmpty { specification.constraints = (specification.constraints ?? []) + constraints }
        if !parameterConstraints.isEmpty {
            specification.parameterConstraints = (specification.parameterConstraints ?? []) + parameterConstraints
        }
        if let budget { specification.budget = budget }
        if let workers { specification.workers = workers }
        if let maxAttempts { specification.maxAttempts = maxAttempts }
        if let seed { specification.seed = seed }
        if let strategy { specification.strategy = try Strategy(parsing: strategy, field: "strategy") }
        if let model { specification.model = try SurrogateModel(parsing: model, field: "model") }
        specification = try specification.resolved()
        if let command = specification.evaluator.command { try CommandEvaluator.checkRunnable(command) }
        return specification
    }

    /// `name=low:high[:int|log]` or `name=a|b|c` (categorical).
    static func parseParameter(_ text: String) throws(StudyError) -> StudySpecification.Parameter {
        let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
        guard parts.count == 2, !parts[0].isEmpty else {
            throw StudyError(
                "--parameter '\(text)': expected NAME=LOW:HIGH[:int|log] or NAME=A|B|C",
                field: "parameter"
            )
        }
        if parts[1].contains("|") {
            return .categorical(parts[0], parts[1].split(separator: "|").map(String.init))
        }
        let fields = parts[1].split(separator: ":").map(String.init)
        guard fields.count == 2 || fields.count == 3, let low = Double(fields[0]), let high = Double(fields[1]) else {
            throw StudyError("--parameter '\(text)': expected NAME=LOW:HIGH[:int|log] with numbers", field: "parameter")
        }
        let kind = fields.count == 3 ? fields[2] : "float"
        switch kind {
        case "float": return .float(parts[0], low, high)
        case "log": return .float(parts[0], low, high, scale: .log)
        case "int": return .int(parts[0], low, high)
        default:
            throw StudyError("--parameter '\(text)': the kind must be int or log, got '\(kind)'", field: "parameter")
        }
    }

    /// `name`, `name:max` / `name:min`, optionally `name:min:REFERENCE`.
    static func parseObjective(_ text: String) throws(StudyError) -> StudySpecification.Objective {
        let fields = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard let name = fields.first, !name.isEmpty, fields.count <= 3 else {
            throw StudyError(
                "--objectives '\(text)': expected NAME, NAME:max or NAME:min:REFERENCE",
                field: "objectives"
            )
        }
        var objective = StudySpecification.Objective(name: name)
        if fields.count > 1 {
            objective.direction = try .init(shorthand: fields[1], field: "--objectives '\(text)'")
        }
        if fields.count > 2 {
            guard let reference = Double(fields[2]), reference.isFinite else {
                throw StudyError("--objectives '\(text)': the reference must be a number", field: "objectives")
            }
            objective.reference = reference
        }
        return objective
    }
}
