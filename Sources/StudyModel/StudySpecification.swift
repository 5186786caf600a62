import Foundation
import Memberwise

/// Everything that defines a study: parameters, objectives, constraints, evaluator and strategy,
/// in the form of a study file (JSON; see `README.md`), the body of `POST /v1/studies`, or what
/// the CLI's flags and an Ax import build.
///
/// Closed sets are enums (``Parameter/Domain``, ``Objective/Direction``, ``Strategy``, ``Noise``),
/// so a misspelt value is rejected when the JSON is parsed, naming the field. ``validate()`` then
/// checks what one field cannot say alone (bounds in order, names unique, constraints parse). The
/// defaults of unset fields are ``StudyDefaults``, read through the `resolved…` accessors.
@MemberwiseInit
public struct StudySpecification: Codable, Sendable, Equatable {
    /// What evaluates a design: nothing (the client tells results), a built-in problem, or a command.
    @MemberwiseInit
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
        /// Put in front of the command (of every step, for a workflow), for containers:
        /// `apptainer exec /images/eic.sif`.
        public var prefix: String?
        /// Named steps run as jobs of their own (``Workflow``), instead of one command.
        public var steps: Workflow?
        /// Where a workflow's trials get their working directories (`DIR/<study>/trial-<n>`): a
        /// directory every pilot of the study sees (a shared file system). Default: next to the
        /// study file for local runs, the pilot's `--work-dir` for pilots.
        public var directory: String?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case problem, command, timeout, environment, prefix, steps, directory
            case workingDirectory = "working_directory"
        }

        public init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let container = try decoder.container(keyedBy: CodingKeys.self)
            problem = try container.decodeIfPresent(String.self, forKey: .problem)
            command = try container.decodeIfPresent(String.self, forKey: .command)
            timeout = try container.decodeIfPresent(Double.self, forKey: .timeout)
            environment = try container.decodeIfPresent([String: String].self, forKey: .environment)
            prefix = try container.decodeIfPresent(String.self, forKey: .prefix)
            workingDirectory = try container.decodeIfPresent(String.self, forKey: .workingDirectory)
            steps = try container.decodeIfPresent(Workflow.self, forKey: .steps)
            directory = try container.decodeIfPresent(String.self, forKey: .directory)
        }

        /// What kind of evaluator this is.
        public var kind: Kind {
            if let problem { return .problem(problem) }
            if let command { return .command(command) }
            if let steps { return .workflow(steps) }
            return .none
        }

        /// The kinds of evaluator.
        public enum Kind: Sendable, Equatable {
            /// No evaluator: an ask/tell study whose client evaluates (or an imported one).
            case none
            case problem(String)
            case command(String)
            /// Named steps, each run as a job of its own.
            case workflow(Workflow)
        }

        /// The timeout in seconds, resolved.
        public var resolvedTimeout: Double { timeout ?? StudyDefaults.timeout }
    }

    /// What one evaluation needs from the machine that runs it, for routing work to pilots.
    @MemberwiseInit
    public struct Resources: Codable, Sendable, Equatable {
        public var cores: Int?
        public var memoryGB: Double?
        public var gpus: Int?
        /// Only pilots of these queues (or sites) get this study's jobs.
        public var queues: [String]?
        /// Expected seconds per evaluation before any has finished (later, the finished ones tell).
        public var expectedSeconds: Double?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case cores, gpus, queues
            case memoryGB = "memory_gb"
            case expectedSeconds = "expected_seconds"
        }

        public init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let container = try decoder.container(keyedBy: CodingKeys.self)
            cores = try container.decodeIfPresent(Int.self, forKey: .cores)
            memoryGB = try container.decodeIfPresent(Double.self, forKey: .memoryGB)
            gpus = try container.decodeIfPresent(Int.self, forKey: .gpus)
            queues = try container.decodeIfPresent([String].self, forKey: .queues)
            expectedSeconds = try container.decodeIfPresent(Double.self, forKey: .expectedSeconds)
        }

        /// Checks the values; errors name `field.cores` and so on.
        public func validate(field: String) throws(StudyError) {
            if let cores, cores < 1 {
                throw StudyError("\(field).cores must be at least 1", field: "\(field).cores")
            }
            if let memoryGB, !(memoryGB > 0 && memoryGB.isFinite) {
                throw StudyError("\(field).memory_gb must be positive", field: "\(field).memory_gb")
            }
            if let gpus, gpus < 0 {
                throw StudyError("\(field).gpus must not be negative", field: "\(field).gpus")
            }
            if let expectedSeconds, !(expectedSeconds > 0 && expectedSeconds.isFinite) {
                throw StudyError(
                    "\(field).expected_seconds must be positive",
                    field: "\(field).expected_seconds"
                )
            }
        }

        /// These resources with unset fields taken from `defaults`.
        public func merged(over defaults: Resources?) -> Resources {
            guard let defaults else { return self }
            return Resources(
                cores: cores ?? defaults.cores,
                memoryGB: memoryGB ?? defaults.memoryGB,
                gpus: gpus ?? defaults.gpus,
                queues: queues ?? defaults.queues,
                expectedSeconds: expectedSeconds ?? defaults.expectedSeconds
            )
        }
    }

    public var name: String
    /// The design's parameters; may be omitted for a built-in problem, which brings its own.
    public var parameters: [Parameter]
    public var objectives: [Objective]
    /// Outcome constraints like `"lowpt_resolution <= 0.02"` on any output of the evaluator.
    public var constraints: [String]?
    /// Linear constraints between parameters like `"sensor_cz + sensor_R <= 255"` or
    /// `"2*a - b >= 1"` (linear-scale float and integer parameters only).
    public var parameterConstraints: [String]?
    /// May be omitted for an ask/tell study.
    public var evaluator: Evaluator = .init()
    /// Total number of trials (initial design included).
    public var budget: Int?
    /// Evaluations run at once.
    public var workers: Int?
    /// Attempts per trial before it is failed.
    public var maxAttempts: Int?
    public var seed: UInt64?
    public var strategy: Strategy?
    /// The surrogate model of model-based strategies (default `auto`).
    public var model: SurrogateModel?
    /// Initial quasi-random designs (default `2 (d + 1)`; from 10 parameters on at most
    /// `max(10, budget / 20)`).
    public var initialDesign: Int?
    /// Default: deterministic for built-in problems, inferred otherwise.
    public var noise: Noise?
    /// What one evaluation needs (served studies).
    public var resources: Resources?
    /// Candidates kept queued for pilots (iDDS's minimum unevaluated points).
    public var minQueued: Int?
    /// Seconds a pilot holds a job without a heartbeat before the job is given to another.
    public var leaseSeconds: Double?
    /// The share of finished trials that may fail before the study stops early (0 to 1).
    public var maxFailureRate: Double?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, parameters, objectives, constraints, evaluator, budget, workers, seed, strategy, noise, model
        case maxAttempts = "max_attempts"
        case parameterConstraints = "parameter_constraints"
        case initialDesign = "initial_design"
        case resources
        case minQueued = "min_queued"
        case leaseSeconds = "lease_seconds"
        case maxFailureRate = "max_failure_rate"
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        parameters = try container.decodeIfPresent([Parameter].self, forKey: .parameters) ?? []
        objectives = try container.decode([Objective].self, forKey: .objectives)
        constraints = try container.decodeIfPresent([String].self, forKey: .constraints)
        parameterConstraints = try container.decodeIfPresent([String].self, forKey: .parameterConstraints)
        evaluator = try container.decodeIfPresent(Evaluator.self, forKey: .evaluator) ?? .init()
        budget = try container.decodeIfPresent(Int.self, forKey: .budget)
        workers = try container.decodeIfPresent(Int.self, forKey: .workers)
        maxAttempts = try container.decodeIfPresent(Int.self, forKey: .maxAttempts)
        seed = try container.decodeIfPresent(UInt64.self, forKey: .seed)
        strategy = try container.decodeIfPresent(Strategy.self, forKey: .strategy)
        model = try container.decodeIfPresent(SurrogateModel.self, forKey: .model)
        initialDesign = try container.decodeIfPresent(Int.self, forKey: .initialDesign)
        noise = try container.decodeIfPresent(Noise.self, forKey: .noise)
        resources = try container.decodeIfPresent(Resources.self, forKey: .resources)
        minQueued = try container.decodeIfPresent(Int.self, forKey: .minQueued)
        leaseSeconds = try container.decodeIfPresent(Double.self, forKey: .leaseSeconds)
        maxFailureRate = try container.decodeIfPresent(Double.self, forKey: .maxFailureRate)
    }

    // MARK: Resolved values (every default from StudyDefaults)

    public var resolvedBudget: Int { budget ?? StudyDefaults.budget }
    public var resolvedMaxAttempts: Int { maxAttempts ?? StudyDefaults.maxAttempts }
    public var resolvedSeed: UInt64 { seed ?? StudyDefaults.seed }
    public var resolvedStrategy: Strategy { strategy ?? .auto }
    public var resolvedModel: SurrogateModel { model ?? .auto }
    public var resolvedMinQueued: Int { minQueued ?? StudyDefaults.minQueued }
    public var resolvedLeaseSeconds: Double { leaseSeconds ?? StudyDefaults.leaseSeconds }
    public var resolvedMaxFailureRate: Double { maxFailureRate ?? StudyDefaults.maxFailureRate }
    /// Local workers: the study's, else 4 for a built-in problem and 1 for a command.
    public var resolvedWorkers: Int {
        workers ?? (evaluator.problem != nil ? StudyDefaults.builtinWorkers : StudyDefaults.workers)
    }
    /// Deterministic for built-in problems unless the study says otherwise, inferred for the rest.
    public var resolvedNoise: Noise { noise ?? (evaluator.problem != nil ? .deterministic : .inferred) }
    /// Whether the server generates this study's designs (every strategy but `external`).
    public var generatesDesigns: Bool { resolvedStrategy != .external }

    // MARK: Validation

    /// Checks what the fields cannot say alone; throws a ``StudyError`` naming the field and the
    /// reason. What depends on the built-in problems (their outputs and dimension) is checked where
    /// they are known (`StudyResolution` in `Studies`).
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
            try p.domain.validate(name: p.name)
        }
        guard !objectives.isEmpty else {
            throw StudyError("objectives: a study needs at least one objective", field: "objectives")
        }
        var objectiveNames = Set<String>()
        for o in objectives {
            guard !o.name.isEmpty, objectiveNames.insert(o.name).inserted else {
                throw StudyError("objectives: '\(o.name)' is empty or appears twice", field: "objectives")
            }
            if let reference = o.reference, !reference.isFinite {
                throw StudyError("objective '\(o.name)': the reference must be finite", field: o.name)
            }
        }
        _ = try parsedConstraints()
        _ = try linearConstraints()
        let kinds = [evaluator.problem != nil, evaluator.command != nil, evaluator.steps != nil].filter { $0 }
        if kinds.count > 1 {
            throw StudyError("evaluator: give one of problem, command or steps, not several", field: "evaluator")
        }
        switch (evaluator.problem, evaluator.command) {
        case (nil, let command?):
            guard !command.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw StudyError("evaluator.command is empty", field: "evaluator.command")
            }
        default: break
        }
        if let timeout = evaluator.timeout, !(timeout > 0 && timeout.isFinite) {
            throw StudyError("evaluator.timeout must be a positive number of seconds", field: "evaluator.timeout")
        }
        if let budget, budget < 1 { throw StudyError("budget must be at least 1", field: "budget") }
        if let workers, workers < 1 { throw StudyError("workers must be at least 1", field: "workers") }
        if let maxAttempts, maxAttempts < 1 {
            throw StudyError("max_attempts must be at least 1", field: "max_attempts")
        }
        if let initialDesign, initialDesign < 0 {
            throw StudyError("initial_design must not be negative", field: "initial_design")
        }
        try resources?.validate(field: "resources")
        if let minQueued, minQueued < 1 {
            throw StudyError("min_queued must be at least 1", field: "min_queued")
        }
        if let leaseSeconds, !(leaseSeconds >= 1 && leaseSeconds.isFinite) {
            throw StudyError("lease_seconds must be at least 1", field: "lease_seconds")
        }
        if let maxFailureRate, !(maxFailureRate >= 0 && maxFailureRate <= 1) {
            throw StudyError("max_failure_rate must be between 0 and 1", field: "max_failure_rate")
        }
    }

    /// The study's own outcome constraints, parsed.
    public func parsedConstraints() throws(StudyError) -> [OutcomeConstraint] {
        try (constraints ?? []).map { text throws(StudyError) in try OutcomeConstraint(parsing: text) }
    }

    /// The parameter constraints as `Σ a_j x_j <= b` over the optimiser's coordinates.
    public func linearConstraints() throws(StudyError) -> [LinearConstraint] {
        try (parameterConstraints ?? []).map { text throws(StudyError) in
            try LinearConstraint(parsing: text, parameters: parameters)
        }
    }

    // MARK: Encoding designs

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
            x.append(try p.domain.encode(value, field: field))
        }
        return x
    }

    /// The user-facing values of an encoded design (numbers, or a choice's text).
    public func decode(_ x: [Double]) -> [String: ParameterValue] {
        var values: [String: ParameterValue] = [:]
        for (j, p) in parameters.enumerated() { values[p.name] = p.domain.decode(x[j]) }
        return values
    }

    /// Objective values in the optimiser's frame (all minimised) from an evaluation's outputs.
    public func minimizedObjectives(_ outputs: [String: Double]) -> [Double]? {
        var values: [Double] = []
        for o in objectives {
            guard let v = outputs[o.name], v.isFinite else { return nil }
            values.append(o.direction.minimized(v))
        }
        return values
    }

    /// The reference point in the optimiser's frame, if every objective has one.
    public var minimizedReference: [Double]? {
        var reference: [Double] = []
        for o in objectives {
            guard let r = o.reference else { return nil }
            reference.append(o.direction.minimized(r))
        }
        return reference
    }

    // MARK: JSON

    /// Decodes the specification from JSON; errors name the field (as a dotted path). The checks
    /// that need the built-in problems and the optimiser follow in `resolved()` (module `Studies`);
    /// `StudySpecification.parse(json:source:)` does both.
    public static func decode(json data: Data, source: String) throws(StudyError) -> StudySpecification {
        do {
            return try JSONDecoder().decode(StudySpecification.self, from: data)
        } catch let error as StudyError {
            throw error
        } catch let error as DecodingError {
            throw StudyError(decoding: error, source: source)
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

extension StudyError {
    /// A coding path as a field name: `objectives[1].direction`.
    public static func path(_ keys: [any CodingKey]) -> String {
        var text = ""
        for key in keys {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += (text.isEmpty ? "" : ".") + key.stringValue
            }
        }
        return text
    }

    /// A study error for a JSON decoding error, naming the field by its path (`objectives.1.direction`).
    public init(decoding error: DecodingError, source: String) {
        func path(_ keys: [any CodingKey]) -> String { Self.path(keys) }
        switch error {
        case .keyNotFound(let key, let context):
            let field = path(context.codingPath + [key])
            self.init("\(source): missing field '\(field)'", field: field)
        case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
            let field = path(context.codingPath)
            self.init("\(source): field '\(field)' must be of type \(type)", field: field)
        case .dataCorrupted(let context) where !context.codingPath.isEmpty:
            let field = path(context.codingPath)
            if let underlying = context.underlyingError as? StudyError {
                self.init("\(source): \(underlying.message)", field: underlying.field ?? field)
            } else {
                self.init("\(source): field '\(field)': \(context.debugDescription)", field: field)
            }
        case .dataCorrupted(let context):
            self.init("\(source): not valid JSON: \(context.debugDescription)", field: nil)
        @unknown default:
            self.init("\(source): \(error)", field: nil)
        }
    }
}
