import BayesianOptimization
import Foundation
import Problems
import Sampling
import Store
import Studies

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
    public var resume = false

    public init() {}

    /// The specification from the study file or the flags, flags overriding the file.
    public func specification() throws(StudyError) -> StudySpecification {
        var specification: StudySpecification
        if let studyFile {
            let data: Data
            do {
                data = try Data(contentsOf: URL(fileURLWithPath: studyFile))
            } catch {
                throw StudyError(
                    "cannot read the study file '\(studyFile)': \(error.localizedDescription)",
                    field: "study"
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
                objectives: objectives.map { Self.parseObjective($0) },
                evaluator: .init(command: evaluatorCommand, timeout: timeout)
            )
        } else {
            let name = (problem ?? "toytracker").lowercased()
            if name == "toytracker" {
                specification = .toyTracker(objectives: objectives ?? ["resolution", "cost"])
                specification.objectives = (objectives ?? ["resolution", "cost"]).map { text in
                    var objective = Self.parseObjective(text)
                    objective.reference =
                        objective.reference
                        ?? ["resolution": 0.1, "lowpt_resolution": 0.1, "cost": 40.0][objective.name]
                    return objective
                }
            } else {
                guard let builtin = try? ProblemRegistry.problem(named: name) else {
                    throw StudyError("--problem: unknown problem '\(name)'", field: "problem")
                }
                specification = StudySpecification(
                    name: name,
                    parameters: (0..<builtin.dimension).map {
                        .init(
                            name: builtin.parameterNames[$0],
                            type: builtin.parameterKinds[$0] == .integer ? .int : .float,
                            lower: builtin.lowerBounds[$0],
                            upper: builtin.upperBounds[$0]
                        )
                    },
                    objectives: (objectives ?? builtin.objectiveNames).map {
                        let index = builtin.objectiveNames.firstIndex(of: $0)
                        return .init(name: $0, reference: index.map { builtin.referencePoint[$0] })
                    },
                    evaluator: .init(problem: name)
                )
            }
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
        if let strategy { specification.strategy = strategy }
        try specification.validate()
        if let command = specification.evaluator.command { try CommandEvaluator.checkRunnable(command) }
        try Self.checkConstraintsSatisfiable(specification)
        return specification
    }

    /// For a built-in problem, fails early when no design of a 2,048-point Sobol sample satisfies
    /// the constraints (the study could never find a feasible design).
    static func checkConstraintsSatisfiable(_ specification: StudySpecification) throws(StudyError) {
        let linear = try specification.linearConstraints()
        if !linear.isEmpty {
            let space = try specification.searchSpace()
            var sobol = SobolSequence(dimension: space.dimension, scrambled: true, seed: 11)
            let satisfiable = (0..<65_536).contains { _ in
                let x = space.point(fromUnit: sobol.next())
                return linear.allSatisfy { c in zip(c.coefficients, x).reduce(0) { $0 + $1.0 * $1.1 } <= c.bound }
            }
            if !satisfiable {
                throw StudyError(
                    "parameter constraints \((specification.parameterConstraints ?? []).joined(separator: ", ")): no design satisfies them",
                    field: "parameter_constraints"
                )
            }
        }
        guard let name = specification.evaluator.problem, let problem = try? ProblemRegistry.problem(named: name),
            let constraints = specification.constraints, !constraints.isEmpty
        else { return }
        let parsed = constraints.compactMap { try? OutcomeConstraint(parsing: $0) }
        let space = try specification.searchSpace()
        var sobol = SobolSequence(dimension: space.dimension, scrambled: true, seed: 7)
        let evaluator = BuiltinProblemEvaluator(problem: problem)
        for _ in 0..<2048 {
            let x = space.point(fromUnit: sobol.next())
            let outputs = evaluator.outputs(x)
            if parsed.allSatisfy({ ($0.value(outputs) ?? 1) <= 0 }) { return }
        }
        throw StudyError(
            "constraints \(constraints.joined(separator: ", ")): no design of a 2,048-point sample of \(name) satisfies them",
            field: "constraints"
        )
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
            return .init(name: parts[0], type: .categorical, choices: parts[1].split(separator: "|").map(String.init))
        }
        let fields = parts[1].split(separator: ":").map(String.init)
        guard fields.count == 2 || fields.count == 3, let low = Double(fields[0]), let high = Double(fields[1]) else {
            throw StudyError("--parameter '\(text)': expected NAME=LOW:HIGH[:int|log] with numbers", field: "parameter")
        }
        let kind = fields.count == 3 ? fields[2] : "float"
        switch kind {
        case "float": return .init(name: parts[0], type: .float, lower: low, upper: high)
        case "log": return .init(name: parts[0], type: .float, lower: low, upper: high, scale: "log")
        case "int": return .init(name: parts[0], type: .int, lower: low, upper: high)
        default:
            throw StudyError("--parameter '\(text)': the kind must be int or log, got '\(kind)'", field: "parameter")
        }
    }

    /// `name`, `name:max` / `name:min`, optionally `name:min:REFERENCE`.
    static func parseObjective(_ text: String) -> StudySpecification.Objective {
        let fields = text.split(separator: ":").map(String.init)
        var objective = StudySpecification.Objective(name: fields[0])
        if fields.count > 1 { objective.direction = fields[1].hasPrefix("max") ? "maximize" : "minimize" }
        if fields.count > 2 { objective.reference = Double(fields[2]) }
        return objective
    }
}
