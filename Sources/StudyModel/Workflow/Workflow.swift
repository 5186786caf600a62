import Memberwise

/// The steps of a workflow evaluator, checked when parsed: names unique and non-empty, every
/// dependency a step of the workflow, no cycle, exactly one step marked `objectives` (not fanned
/// out). In JSON it is the array of steps; the steps are kept in a dependency order (every step
/// after those it depends on), ties in the order given.
public struct Workflow: Codable, Sendable, Equatable {
    /// The steps, every one after the steps it depends on.
    public let steps: [WorkflowStep]
    /// The step whose output holds the trial's objectives.
    public let objectivesStep: String

    /// Checks the steps; the error names the step and the field (`evaluator.steps[2].after`).
    public init(steps: [WorkflowStep], field: String = "evaluator.steps") throws(StudyError) {
        guard !steps.isEmpty else { throw StudyError("\(field): a workflow needs at least one step", field: field) }
        var index: [String: Int] = [:]
        for (i, step) in steps.enumerated() {
            let here = "\(field)[\(i)]"
            guard !step.name.isEmpty else { throw StudyError("\(here).name is empty", field: "\(here).name") }
            guard step.name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }) else {
                throw StudyError(
                    "step '\(step.name)': a name is letters, digits, '_' and '-' (it names directories)",
                    field: "\(here).name"
                )
            }
            guard index.updateValue(i, forKey: step.name) == nil else {
                throw StudyError("step '\(step.name)' is defined twice", field: "\(here).name")
            }
            guard !step.command.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw StudyError("step '\(step.name)': command is empty", field: "\(here).command")
            }
            if let fanOut = step.fanOut, fanOut.isEmpty || fanOut.count > 10_000 {
                throw StudyError(
                    "step '\(step.name)': fan_out needs 1 to 10000 elements",
                    field: "\(here).fan_out"
                )
            }
            if let attempts = step.maxAttempts, attempts < 1 {
                throw StudyError("step '\(step.name)': max_attempts must be at least 1", field: "\(here).max_attempts")
            }
            if let timeout = step.timeout, !(timeout > 0 && timeout.isFinite) {
                throw StudyError(
                    "step '\(step.name)': timeout must be a positive number of seconds",
                    field: "\(here).timeout"
                )
            }
            try step.resources?.validate(field: "\(here).resources")
        }
        for (i, step) in steps.enumerated() {
            for dependency in step.after where index[dependency] == nil {
                throw StudyError(
                    "step '\(step.name)' runs after '\(dependency)', which is not a step of the workflow",
                    field: "\(field)[\(i)].after"
                )
            }
            if step.after.contains(step.name) {
                throw StudyError("step '\(step.name)' depends on itself", field: "\(field)[\(i)].after")
            }
        }
        let marked = steps.filter(\.objectives)
        guard let objectives = marked.first else {
            throw StudyError(
                "\(field): no step is marked \"objectives\": true (the step that prints the objectives)",
                field: field
            )
        }
        guard marked.count == 1 else {
            throw StudyError(
                "\(field): steps \(marked.map { "'\($0.name)'" }.joined(separator: ", ")) are all marked objectives; mark one",
                field: field
            )
        }
        guard objectives.fanOut == nil else {
            throw StudyError(
                "step '\(objectives.name)' prints the objectives and cannot be fanned out",
                field: "\(field)[\(index[objectives.name]!)].fan_out"
            )
        }
        // Kahn's algorithm, keeping the given order among steps that are ready together.
        var remaining = steps.map { Set($0.after) }
        var ordered: [WorkflowStep] = []
        var done = Set<String>()
        while ordered.count < steps.count {
            guard
                let next = steps.indices.first(where: { !done.contains(steps[$0].name) && remaining[$0].isEmpty })
            else {
                let cycle = steps.filter { !done.contains($0.name) }.map { "'\($0.name)'" }
                throw StudyError(
                    "\(field): the steps \(cycle.joined(separator: ", ")) depend on each other in a cycle",
                    field: "\(field)[\(index[steps.first { !done.contains($0.name) }!.name]!)].after"
                )
            }
            ordered.append(steps[next])
            done.insert(steps[next].name)
            for i in steps.indices { remaining[i].remove(steps[next].name) }
        }
        self.steps = ordered
        objectivesStep = objectives.name
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        try self.init(steps: try container.decode([WorkflowStep].self), field: StudyError.path(decoder.codingPath))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(steps)
    }

    /// The step with this name.
    public func step(named name: String) -> WorkflowStep? { steps.first { $0.name == name } }

    /// The jobs of one trial, in dependency order: every step once, or once per fan-out element.
    public var jobs: [WorkflowJob] {
        steps.flatMap { step in
            step.fanOut == nil
                ? [WorkflowJob(step: step.name, element: nil)]
                : (0..<step.jobCount).map { WorkflowJob(step: step.name, element: $0) }
        }
    }

    /// Jobs per trial.
    public var jobCount: Int { steps.reduce(0) { $0 + $1.jobCount } }

    /// Whether a step's failure can mean an infeasible design.
    public var hasInfeasibleSteps: Bool { steps.contains { $0.onFailure == .infeasible } }
}

/// One job of a trial's workflow: a step, and the fan-out element it runs for.
@MemberwiseInit
public struct WorkflowJob: Hashable, Sendable, Codable {
    public var step: String
    /// The index into the step's `fan_out`, if it has one.
    public var element: Int?

    /// `simulate[3]`, or the step's name.
    public var label: String { element.map { "\(step)[\($0)]" } ?? step }

    /// A directory name for this job: `simulate.3`, or the step's name.
    public var directoryName: String { element.map { "\(step).\($0)" } ?? step }
}
