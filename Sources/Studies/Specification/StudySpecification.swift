import BayesianOptimization
import Foundation
import Problems

/// Everything that defines a study: parameters, objectives, constraints, evaluator and strategy.
///
/// Written as JSON (see `README.md` for an example); every field is checked by ``validate()``,
/// which names the field at fault.
public struct StudySpecification: Codable, Sendable, Equatable {
    /// A parameter of the design.
    public struct Parameter: Codable, Sendable, Equatable {
        public enum Kind: String, Codable, Sendable {
            case float, int, categorical
        }

        public var name: String
        public var type: Kind
        public var lower: Double?
        public var upper: Double?
        /// `linear` (default) or `log` for floats.
        public var scale: String?
        /// The choices of a categorical parameter.
        public var choices: [String]?

        public init(
            name: String,
            type: Kind,
            lower: Double? = nil,
            upper: Double? = nil,
            scale: String? = nil,
            choices: [String]? = nil
        ) {
            self.name = name
            self.type = type
            self.lower = lower
            self.upper = upper
            self.scale = scale
            self.choices = choices
        }

        var isLog: Bool { scale == "log" }
    }

    /// An objective: a named output to minimise or maximise.
    public struct Objective: Codable, Sendable, Equatable {
        public var name: String
        /// `minimize` (default) or `maximize`.
        public var direction: String?
        /// Reference value for hypervolume, in the objective's own direction.
        public var reference: Double?

        public init(name: String, direction: String? = nil, reference: Double? = nil) {
            self.name = name
            self.direction = direction
            self.reference = reference
        }

        var maximized: Bool { direction == "maximize" }
    }

    /// What evaluates a design: a built-in problem or an external command.
    public struct Evaluator: Codable, Sendable, Equatable {
        /// A built-in problem name (`toytracker`, `branincurrin`, ...).
        public var problem: String?
        /// A shell command run once per design: parameters as JSON on stdin and as environment
        /// variables `PARETOPILOT_PARAM_<NAME>`; prints the outputs as one JSON object on stdout.
        public var command: String?
        /// Seconds before a command is killed and its attempt failed.
        public var timeout: Double?
        /// Directory the command runs in (on the pilot's machine).
        public var workingDirectory: String?
        /// Variables added to the command's environment.
        public var environment: [String: String]?
        /// Put in front of the command, for containers: `apptainer exec /images/eic.sif`.
        public var prefix: String?

        enum CodingKeys: String, CodingKey {
            case problem, command, timeout, environment, prefix
            case workingDirectory = "working_directory"
        }

        public init(problem: String? = nil, command: String? = nil, timeout: Double? = nil) {
            self.problem = problem
            self.command = command
            self.timeout = timeout
        }
    }

    /// What one evaluation needs from the machine that runs it, for routing work to pilots.
    public struct Resources: Codable, Sendable, Equatable {
        public var cores: Int?
        public var memoryGB: Double?
        public var gpus: Int?
        /// Only pilots of these queues (or sites) get this study's jobs.
        public var queues: [String]?
        /// Expected seconds per evaluation before any has finished (later, the finished ones tell).
        public var expectedSeconds: Double?

        enum CodingKeys: String, CodingKey {
            case cores, gpus, queues
            case memoryGB = "memory_gb"
            case expectedSeconds = "expected_seconds"
        }

        public init(
            cores: Int? = nil,
            memoryGB: Double? = nil,
            gpus: Int? = nil,
            queues: [String]? = nil,
            expectedSeconds: Double? = nil
        ) {
            self.cores = cores
            self.memoryGB = memoryGB
            self.gpus = gpus
            self.queues = queues
            self.expectedSeconds = expectedSeconds
        }
    }

    public var name: String
    public var parameters: [Parameter]
    public var objectives: [Objective]
    /// Outcome constraints like `"lowpt_resolution <= 0.02"` on any output of the evaluator.
    public var constraints: [String]?
    /// Linear constraints between parameters like `"sensor_cz + sensor_R <= 255"` or
    /// `"2*a - b >= 1"` (linear-scale float and integer parameters only).
    public var parameterConstraints: [String]?
    public var evaluator: Evaluator
    /// Total number of trials (initial design included).
    public var budget: Int?
    /// Evaluations run at once.
    public var workers: Int?
    /// Attempts per trial before it is failed.
    public var maxAttempts: Int?
    public var seed: UInt64?
    /// `auto`, `qlognehvi`, `qnparego`, `logei`, `ucb` or `sobol`; or `external` for a served study
    /// whose designs all come from its client (`POST /v1/studies/{study}/trials`), as an excursion or
    /// limit scan dispatching its steps to pilots does.
    public var strategy: String?
    /// Initial quasi-random designs (default `2 (d + 1)`).
    public var initialDesign: Int?
    /// `inferred` or `deterministic` (default: deterministic for built-in problems, inferred otherwise).
    public var noise: String?
    /// What one evaluation needs (served studies).
    public var resources: Resources?
    /// Candidates kept queued for pilots (iDDS's minimum unevaluated points); default 4.
    public var minQueued: Int?
    /// Seconds a pilot holds a job without a heartbeat before the job is given to another; default 60.
    public var leaseSeconds: Double?

    enum CodingKeys: String, CodingKey {
        case name, parameters, objectives, constraints, evaluator, budget, workers, seed, strategy, noise
        case maxAttempts = "max_attempts"
        case parameterConstraints = "parameter_constraints"
        case initialDesign = "initial_design"
        case resources
        case minQueued = "min_queued"
        case leaseSeconds = "lease_seconds"
    }

    public init(
        name: String,
        parameters: [Parameter],
        objectives: [Objective],
        constraints: [String]? = nil,
        evaluator: Evaluator,
        budget: Int? = nil,
        workers: Int? = nil,
        maxAttempts: Int? = nil,
        seed: UInt64? = nil,
        strategy: String? = nil
    ) {
        self.name = name
        self.parameters = parameters
        self.objectives = objectives
        self.constraints = constraints
        self.evaluator = evaluator
        self.budget = budget
        self.workers = workers
        self.maxAttempts = maxAttempts
        self.seed = seed
        self.strategy = strategy
    }

    /// The built-in ToyTracker study for the given objectives (the `optimize` default).
    public static func toyTracker(objectives: [String], budget: Int = 40) -> StudySpecification {
        let problem = ToyTracker()
        let parameters = (0..<problem.dimension).map { j in
            Parameter(
                name: problem.parameterNames[j],
                type: problem.parameterKinds[j] == .integer ? .int : .float,
                lower: problem.lowerBounds[j],
                upper: problem.upperBounds[j]
            )
        }
        let references = ["resolution": 0.1, "lowpt_resolution": 0.1, "cost": 40.0]
        return StudySpecification(
            name: "toytracker",
            parameters: parameters,
            objectives: objectives.map { Objective(name: $0, reference: references[$0]) },
            evaluator: Evaluator(problem: "toytracker"),
            budget: budget
        )
    }

    /// The strategy of a served study whose designs come from its client only.
    public static let externalStrategy = "external"

    // MARK: Validation

    /// Checks every field; throws a ``StudyError`` naming the field and the reason.
    public func validate() throws(StudyError) {
        guard !name.isEmpty else { throw StudyError("name: a study needs a name", field: "name") }
        guard !parameters.isEmpty else {
            throw StudyError("parameters: a study needs at least one parameter", field: "parameters")
        }
        var seen = Set<String>()
        for p in parameters {
            guard !p.name.isEmpty, seen.insert(p.name).inserted else {
                throw StudyError("parameters: '\(p.name)' is empty or duplicated", field: "parameters")
            }
            switch p.type {
            case .float, .int:
                guard let lower = p.lower, let upper = p.upper, lower.isFinite, upper.isFinite else {
                    throw StudyError("parameter '\(p.name)': lower and upper bounds are required", field: p.name)
                }
                guard lower < upper else {
                    throw StudyError(
                        "parameter '\(p.name)': lower bound \(lower) is not below upper bound \(upper)",
                        field: p.name
                    )
                }
                if let scale = p.scale, scale != "linear" && scale != "log" {
                    throw StudyError(
                        "parameter '\(p.name)': scale must be linear or log, got '\(scale)'",
                        field: p.name
                    )
                }
                if p.isLog && lower <= 0 {
                    throw StudyError(
                        "parameter '\(p.name)': a log-scale parameter needs a positive lower bound",
                        field: p.name
                    )
                }
                if p.type == .int && (upper.rounded(.down) < lower.rounded(.up)) {
                    throw StudyError("parameter '\(p.name)': no integer lies in [\(lower), \(upper)]", field: p.name)
                }
            case .categorical:
                guard let choices = p.choices, choices.count >= 2, Set(choices).count == choices.count else {
                    throw StudyError(
                        "parameter '\(p.name)': a categorical parameter needs at least two distinct choices",
                        field: p.name
                    )
                }
            }
        }
        guard !objectives.isEmpty else {
            throw StudyError("objectives: a study needs at least one objective", field: "objectives")
        }
        var objectiveNames = Set<String>()
        for o in objectives {
            guard objectiveNames.insert(o.name).inserted else {
                throw StudyError("objectives: '\(o.name)' appears twice", field: "objectives")
            }
            if let direction = o.direction, direction != "minimize" && direction != "maximize" {
                throw StudyError(
                    "objective '\(o.name)': direction must be minimize or maximize, got '\(direction)'",
                    field: o.name
                )
            }
            if let reference = o.reference, !reference.isFinite {
                throw StudyError("objective '\(o.name)': the reference must be finite", field: o.name)
            }
        }
        for text in constraints ?? [] { _ = try OutcomeConstraint(parsing: text) }
        _ = try linearConstraints()
        switch (evaluator.problem, evaluator.command) {
        case (let problem?, nil):
            guard let builtin = try? ProblemRegistry.problem(named: problem) else {
                throw StudyError(
                    "evaluator.problem: unknown problem '\(problem)'; known: \(ProblemRegistry.names.joined(separator: ", "))",
                    field: "evaluator"
                )
            }
            let outputs = Set(BuiltinProblemEvaluator.outputNames(of: builtin))
            for o in objectives where !outputs.contains(o.name) {
                throw StudyError(
                    "objective '\(o.name)' is not an output of \(problem); its outputs are \(outputs.sorted().joined(separator: ", "))",
                    field: "objectives"
                )
            }
            let dimension = builtin.dimension
            guard parameters.count == dimension else {
                throw StudyError(
                    "evaluator.problem: \(problem) takes \(dimension) parameters, the study has \(parameters.count)",
                    field: "parameters"
                )
            }
        case (nil, let command?):
            guard !command.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw StudyError("evaluator.command is empty", field: "evaluator")
            }
        case (nil, nil):
            break  // no evaluator yet (an imported study): one must be given before it runs
        default:
            throw StudyError("evaluator: give one of problem or command, not both", field: "evaluator")
        }
        if let timeout = evaluator.timeout, !(timeout > 0) {
            throw StudyError("evaluator.timeout must be positive", field: "evaluator")
        }
        if let budget, budget < 1 { throw StudyError("budget must be at least 1", field: "budget") }
        if let workers, workers < 1 { throw StudyError("workers must be at least 1", field: "workers") }
        if let maxAttempts, maxAttempts < 1 {
            throw StudyError("max_attempts must be at least 1", field: "max_attempts")
        }
        if let strategy, strategy != Self.externalStrategy, AcquisitionChoice(rawValue: strategy) == nil {
            throw StudyError("strategy: unknown strategy '\(strategy)'", field: "strategy")
        }
        if let resources {
            if let cores = resources.cores, cores < 1 {
                throw StudyError("resources.cores must be at least 1", field: "resources.cores")
            }
            if let memory = resources.memoryGB, !(memory > 0 && memory.isFinite) {
                throw StudyError("resources.memory_gb must be positive", field: "resources.memory_gb")
            }
            if let gpus = resources.gpus, gpus < 0 {
                throw StudyError("resources.gpus must not be negative", field: "resources.gpus")
            }
            if let expected = resources.expectedSeconds, !(expected > 0 && expected.isFinite) {
                throw StudyError("resources.expected_seconds must be positive", field: "resources.expected_seconds")
            }
        }
        if let minQueued, minQueued < 1 {
            throw StudyError("min_queued must be at least 1", field: "min_queued")
        }
        if let leaseSeconds, !(leaseSeconds >= 1 && leaseSeconds.isFinite) {
            throw StudyError("lease_seconds must be at least 1", field: "lease_seconds")
        }
        if let timeout = evaluator.timeout, !timeout.isFinite {
            throw StudyError("evaluator.timeout must be finite", field: "evaluator")
        }
        if let noise, ObservationNoise(rawValue: noise) == nil {
            throw StudyError("noise must be inferred or deterministic, got '\(noise)'", field: "noise")
        }
    }

    // MARK: Encoding for the optimiser

    /// The optimiser's search space: log-scale floats in log space, categoricals as indices.
    public func searchSpace() throws(StudyError) -> SearchSpace {
        var lower: [Double] = []
        var upper: [Double] = []
        var kinds: [ParameterKind] = []
        for p in parameters {
            switch p.type {
            case .float:
                lower.append(p.isLog ? log(p.lower!) : p.lower!)
                upper.append(p.isLog ? log(p.upper!) : p.upper!)
                kinds.append(.continuous)
            case .int:
                lower.append(p.lower!.rounded(.up))
                upper.append(max(p.upper!.rounded(.down), p.lower!.rounded(.up) + 1e-9))
                kinds.append(.integer)
            case .categorical:
                lower.append(0)
                upper.append(Double(p.choices!.count - 1))
                kinds.append(.integer)
            }
        }
        do {
            return try SearchSpace(names: parameters.map(\.name), lower: lower, upper: upper, kinds: kinds)
        } catch {
            throw StudyError(error.message, field: error.field)
        }
    }

    /// The outcome constraints to satisfy: the study's, plus a built-in problem's own
    /// (`constraint_<k> <= 0`).
    public var outcomeConstraints: [OutcomeConstraint] {
        var result = (constraints ?? []).compactMap { try? OutcomeConstraint(parsing: $0) }
        if let name = evaluator.problem, let problem = try? ProblemRegistry.problem(named: name) {
            for k in 0..<problem.constraintCount {
                result.append(OutcomeConstraint(output: "constraint_\(k)", isUpperBound: true, bound: 0))
            }
        }
        return result
    }

    /// The parameter constraints as `Σ a_j x_j <= b` over the optimiser's coordinates.
    public func linearConstraints() throws(StudyError) -> [(coefficients: [Double], bound: Double)] {
        try (parameterConstraints ?? []).map { text throws(StudyError) in
            let isUpper = text.contains("<=")
            guard isUpper || text.contains(">=") else {
                throw StudyError(
                    "parameter constraint '\(text)': expected 'a*x + b*y <= c' or '>= c'",
                    field: "parameter_constraints"
                )
            }
            let sides = text.components(separatedBy: isUpper ? "<=" : ">=")
            guard sides.count == 2, let right = Double(sides[1].trimmingCharacters(in: .whitespaces)) else {
                throw StudyError(
                    "parameter constraint '\(text)': the right-hand side must be a number",
                    field: "parameter_constraints"
                )
            }
            var coefficients = [Double](repeating: 0, count: parameters.count)
            var bound = right
            let expression = sides[0].replacingOccurrences(of: " ", with: "").replacingOccurrences(of: "-", with: "+-")
            for term in expression.split(separator: "+").map(String.init) where !term.isEmpty {
                var coefficient = 1.0
                var name = term
                if let star = term.firstIndex(of: "*") {
                    guard let value = Double(term[..<star]) else {
                        throw StudyError(
                            "parameter constraint '\(text)': '\(term)' is not NUMBER*NAME",
                            field: "parameter_constraints"
                        )
                    }
                    coefficient = value
                    name = String(term[term.index(after: star)...])
                } else if term.hasPrefix("-") {
                    coefficient = -1
                    name = String(term.dropFirst())
                }
                if let constant = Double(name) {
                    bound -= coefficient * constant
                    continue
                }
                guard let index = parameters.firstIndex(where: { $0.name == name }) else {
                    throw StudyError(
                        "parameter constraint '\(text)': no parameter named '\(name)'",
                        field: "parameter_constraints"
                    )
                }
                guard parameters[index].type != .categorical, !parameters[index].isLog else {
                    throw StudyError(
                        "parameter constraint '\(text)': '\(name)' is categorical or log-scale; linear constraints take linear parameters",
                        field: "parameter_constraints"
                    )
                }
                coefficients[index] += coefficient
            }
            return isUpper ? (coefficients, bound) : (coefficients.map { -$0 }, -bound)
        }
    }

    /// The encoded design of user-facing values (the inverse of ``decode(_:)``), checking that every
    /// parameter is given once, with the right type and within its bounds.
    public func encode(_ values: [String: ParameterValue]) throws(StudyError) -> [Double] {
        if let unknown = values.keys.first(where: { name in !parameters.contains { $0.name == name } }) {
            throw StudyError("parameters.\(unknown): not a parameter of this study", field: "parameters.\(unknown)")
        }
        var x: [Double] = []
        for p in parameters {
            let field = "parameters.\(p.name)"
            guard let value = values[p.name] else { throw StudyError("\(field): missing", field: field) }
            switch (p.type, value) {
            case (.float, .number(let v)), (.int, .number(let v)):
                guard v.isFinite else { throw StudyError("\(field): \(v) is not finite", field: field) }
                guard v >= p.lower! && v <= p.upper! else {
                    throw StudyError("\(field): \(v) is outside [\(p.lower!), \(p.upper!)]", field: field)
                }
                if p.type == .int && v != v.rounded() {
                    throw StudyError("\(field): \(v) is not an integer", field: field)
                }
                x.append(p.isLog ? log(v) : v)
            case (.categorical, .choice(let c)):
                guard let index = p.choices!.firstIndex(of: c) else {
                    throw StudyError(
                        "\(field): '\(c)' is not one of \(p.choices!.joined(separator: ", "))",
                        field: field
                    )
                }
                x.append(Double(index))
            case (.categorical, .number):
                throw StudyError("\(field): expected one of the choices as a string", field: field)
            case (_, .choice):
                throw StudyError("\(field): expected a number", field: field)
            }
        }
        return x
    }

    /// The user-facing values of an encoded design (numbers, or a choice's text).
    public func decode(_ x: [Double]) -> [String: ParameterValue] {
        var values: [String: ParameterValue] = [:]
        for (j, p) in parameters.enumerated() {
            switch p.type {
            case .float: values[p.name] = .number(p.isLog ? exp(x[j]) : x[j])
            case .int: values[p.name] = .number(x[j].rounded())
            case .categorical:
                values[p.name] = .choice(p.choices![min(max(Int(x[j].rounded()), 0), p.choices!.count - 1)])
            }
        }
        return values
    }

    /// Objective values in the optimiser's frame (all minimised) from an evaluation's outputs.
    func minimizedObjectives(_ outputs: [String: Double]) -> [Double]? {
        var values: [Double] = []
        for o in objectives {
            guard let v = outputs[o.name], v.isFinite else { return nil }
            values.append(o.maximized ? -v : v)
        }
        return values
    }

    /// The reference point in the optimiser's frame, if every objective has one.
    var minimizedReference: [Double]? {
        let references = objectives.map { o in o.reference.map { o.maximized ? -$0 : $0 } }
        return references.contains(where: { $0 == nil }) ? nil : references.map { $0! }
    }

    /// Parses the specification from JSON.
    public static func decode(json data: Data, source: String) throws(StudyError) -> StudySpecification {
        do {
            let specification = try JSONDecoder().decode(StudySpecification.self, from: data)
            try specification.validate()
            return specification
        } catch let error as StudyError {
            throw error
        } catch let DecodingError.keyNotFound(key, context) {
            throw StudyError(
                "\(source): missing field '\((context.codingPath + [key]).map(\.stringValue).joined(separator: "."))'",
                field: key.stringValue
            )
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw StudyError("\(source): field '\(path)' has the wrong type: \(context.debugDescription)", field: path)
        } catch let DecodingError.dataCorrupted(context) {
            throw StudyError("\(source): not valid JSON: \(context.debugDescription)", field: nil)
        } catch {
            throw StudyError("\(source): \(error)", field: nil)
        }
    }

    /// The specification as pretty JSON.
    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self)
    }
}

/// A parameter value as the evaluator sees it.
public enum ParameterValue: Sendable, Equatable, Codable {
    case number(Double)
    case choice(String)

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Double.self) {
            self = .number(number)
        } else {
            self = .choice(try container.decode(String.self))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .number(let v): try container.encode(v)
        case .choice(let v): try container.encode(v)
        }
    }

    /// The value as text (environment variables, CSV).
    public var text: String {
        switch self {
        case .number(let v): v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : "\(v)"
        case .choice(let v): v
        }
    }

    public var number: Double? {
        if case .number(let v) = self { return v }
        return nil
    }
}

/// An outcome constraint `output <= bound` or `output >= bound`.
public struct OutcomeConstraint: Sendable, Equatable {
    public var output: String
    public var isUpperBound: Bool
    public var bound: Double

    public init(output: String, isUpperBound: Bool, bound: Double) {
        self.output = output
        self.isUpperBound = isUpperBound
        self.bound = bound
    }

    /// Parses `"name <= value"` or `"name >= value"`.
    public init(parsing text: String) throws(StudyError) {
        let isUpper = text.contains("<=")
        guard isUpper || text.contains(">=") else {
            throw StudyError(
                "constraint '\(text)': expected 'output <= value' or 'output >= value'",
                field: "constraints"
            )
        }
        let parts = text.components(separatedBy: isUpper ? "<=" : ">=").map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2, !parts[0].isEmpty, let bound = Double(parts[1]), bound.isFinite else {
            throw StudyError(
                "constraint '\(text)': expected 'output <= value' with a finite number",
                field: "constraints"
            )
        }
        output = parts[0]
        isUpperBound = isUpper
        self.bound = bound
    }

    /// The constraint value in the optimiser's convention (feasible when `<= 0`).
    public func value(_ outputs: [String: Double]) -> Double? {
        guard let v = outputs[output], v.isFinite else { return nil }
        return isUpperBound ? v - bound : bound - v
    }
}

/// A problem with a study: its definition, a file, or the evaluator; names the field at fault.
public struct StudyError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var field: String?

    public init(_ message: String, field: String? = nil) {
        self.message = message
        self.field = field
    }

    public var description: String { message }
}
