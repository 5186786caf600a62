import Foundation
import StudyModel

// The study file as the body of `POST /v1/studies`: described from study files like the README's,
// decoded by the same parser the server uses (a file that no longer parses has no place here; the
// document's test counts them).

extension StudySpecification: WireSchema {
    /// Study files that between them set every field: a command on pilots, a built-in problem, a
    /// workflow of steps.
    static let exampleFiles = [
        #"""
        {"name": "tracker", "parameters": [
            {"name": "sensor_R", "type": "float", "lower": 0.5, "upper": 4, "scale": "log"},
            {"name": "layers", "type": "int", "lower": 3, "upper": 8},
            {"name": "gas", "type": "categorical", "choices": ["C2F6", "C4F10"]}],
         "objectives": [{"name": "resolution"}, {"name": "acceptance", "direction": "maximize", "reference": 0.5}],
         "constraints": ["cost <= 3"], "parameter_constraints": ["sensor_R + layers <= 10"],
         "evaluator": {"command": "python3 evaluate.py", "timeout": 3600, "working_directory": "/data/tracker",
                       "environment": {"GEANT4_EVENTS": "3000"}, "prefix": "apptainer exec /images/eic.sif"},
         "budget": 200, "workers": 4, "max_attempts": 3, "seed": 7, "strategy": "auto", "model": "saas",
         "initial_design": 20, "noise": "inferred",
         "resources": {"cores": 4, "memory_gb": 4, "gpus": 0, "queues": ["preemptible"], "expected_seconds": 14400},
         "min_queued": 8, "lease_seconds": 120, "max_failure_rate": 0.5}
        """#,
        #"""
        {"name": "toy", "objectives": [{"name": "resolution"}, {"name": "cost"}], "evaluator": {"problem": "toytracker"}}
        """#,
        #"""
        {"name": "drich", "parameters": [{"name": "radius", "type": "float", "lower": 1, "upper": 2}],
         "objectives": [{"name": "separation", "direction": "maximize"}],
         "evaluator": {"directory": "/shared/drich", "steps": [
            {"name": "overlap", "command": "python3 overlap.py", "on_failure": "infeasible"},
            {"name": "simulate", "command": "python3 simulate.py", "after": ["overlap"],
             "fan_out": [{"momentum": 10, "particle": "pion"}, {"momentum": 10, "particle": "kaon"}],
             "resources": {"cores": 1, "memory_gb": 4, "expected_seconds": 14400}, "max_attempts": 5,
             "environment": {"EVENTS": "3000"}, "timeout": 18000},
            {"name": "objectives", "command": "python3 objectives.py", "after": ["simulate"], "objectives": true}]}}
        """#,
    ]

    public static var examples: [StudySpecification] {
        exampleFiles.compactMap { try? decode(json: Data($0.utf8), source: "example") }
    }

    public static var isClosed: Bool { true }

    public static var summary: String? {
        "A study: its parameters, objectives, constraints, evaluator and strategy (the study file's format)."
    }

    public static var notes: [String: FieldNote] {
        [
            "name": .nonEmpty,
            "parameters": FieldNote("May be omitted for a built-in problem, which brings its own", required: false),
            "objectives": FieldNote(keywords: ["minItems": 1]),
            "constraints": "Outcome constraints on any output of the evaluator, like 'lowpt_resolution <= 0.02'",
            "parameter_constraints": "Linear constraints between parameters, like 'a + 2*b <= 3'",
            "evaluator": FieldNote(
                "A built-in problem, a command, or a workflow of steps run by pilots; none for an ask/tell-only study",
                required: false
            ),
            "budget": .atLeast(1, "Total trials, the initial design included (default \(StudyDefaults.budget))"),
            "workers": .atLeast(1, "Evaluations run at once by `paretopilot optimize`"),
            "max_attempts": .atLeast(1, "Attempts per trial before it fails (default \(StudyDefaults.maxAttempts))"),
            "strategy": """
            trust_region: local models and Thompson sampling for many parameters, large budgets and \
            batches. external: no generated candidates; every design comes from POST \
            /v1/studies/{study}/trials (client-driven workflows whose steps run on pilots)
            """,
            "model": """
            The surrogate of model-based strategies: auto or gp (a GP with a dimension-scaled lengthscale \
            prior), or saas (MAP under the sparse axis-aligned subspace prior, for many parameters of which \
            few matter)
            """,
            "initial_design": .atLeast(
                1,
                "Quasi-random designs before the model is used (default 2(d+1); from 10 parameters on at most max(10, budget/20))"
            ),
            "noise": "Default: deterministic for built-in problems, inferred otherwise",
            "min_queued": .atLeast(1, "Candidates kept queued for pilots (default \(StudyDefaults.minQueued))"),
            "lease_seconds": .atLeast(
                1,
                "Seconds a pilot holds a job without a heartbeat (default \(Int(StudyDefaults.leaseSeconds)))"
            ),
            "max_failure_rate": .within(
                0...1,
                "Share of finished trials that may fail before the study stops (default \(StudyDefaults.maxFailureRate))"
            ),
        ]
    }
}

extension StudySpecification.Evaluator: WireSchema {
    public static var examples: [Self] { StudySpecification.examples.map(\.evaluator) }
    public static var isClosed: Bool { true }
    public static var schemaName: String { "Evaluator" }
    public static var summary: String? {
        "What evaluates a design: a built-in problem, a command, or named steps; omitted for ask/tell."
    }
    public static var notes: [String: FieldNote] {
        [
            "problem": "A built-in problem: toytracker, branincurrin, dtlz2, ...",
            "command": """
            Run once per design: parameters as JSON on stdin and as PARETOPILOT_PARAM_<NAME>; prints the \
            outputs as one JSON object on stdout
            """,
            "timeout": .positive("Seconds before the command is killed and its attempt failed"),
            "working_directory": "Where the command runs (on the pilot's machine)",
            "prefix": "Put in front of the command (of every step), e.g. 'apptainer exec image.sif'",
            "steps": FieldNote("A workflow: named steps, each a job of its own", keywords: ["minItems": 1]),
            "directory": "Where a workflow's trials get their working directories: DIR/<study>/trial-<n>",
        ]
    }
}

extension StudySpecification.Parameter: WireSchema {
    public static var examples: [Self] { StudySpecification.examples.flatMap(\.parameters) }
    public static var isClosed: Bool { true }
    public static var schemaName: String { "Parameter" }
    public static var notes: [String: FieldNote] {
        [
            "name": .nonEmpty,
            "lower": "float and int parameters",
            "upper": "float and int parameters",
            "scale": "float parameters: log searches the logarithm",
            "choices": FieldNote("categorical parameters", keywords: ["minItems": 1]),
        ]
    }
}

extension StudySpecification.Objective: WireSchema {
    public static var examples: [Self] { StudySpecification.examples.flatMap(\.objectives) }
    public static var isClosed: Bool { true }
    public static var schemaName: String { "Objective" }
    public static var notes: [String: FieldNote] {
        [
            "direction": FieldNote("Default minimize", required: false),
            "reference": "The hypervolume's reference value, in the objective's own direction",
        ]
    }
}

extension StudySpecification.Resources: WireSchema {
    public static var examples: [Self] { StudySpecification.examples.compactMap(\.resources) }
    public static var isClosed: Bool { true }
    public static var schemaName: String { "Resources" }
    public static var summary: String? { "What one job needs; pilots get only the jobs they can hold." }
    public static var notes: [String: FieldNote] {
        [
            "cores": .atLeast(1),
            "memory_gb": .positive(),
            "gpus": .atLeast(0),
            "queues": "Only pilots of these queues (or sites) get the jobs",
            "expected_seconds": .positive("Expected seconds per job before any has finished"),
        ]
    }
}

extension WorkflowStep: WireSchema {
    public static var examples: [Self] {
        StudySpecification.examples.flatMap { $0.evaluator.steps?.steps ?? [] }
    }
    public static var isClosed: Bool { true }
    public static var summary: String? {
        """
        One named step of a workflow evaluator, run as a job of its own (once, or once per fan_out element) \
        after the steps it depends on, in the trial's working directory.
        """
    }
    public static var notes: [String: FieldNote] {
        [
            "name": FieldNote(keywords: ["pattern": "^[A-Za-z0-9_-]+$"]),
            "command": .nonEmpty,
            "after": "Steps that must complete (every element of a fanned-out one) first",
            "fan_out": FieldNote(
                "Run once per element; the element is PARETOPILOT_ELEMENT and 'element' on stdin",
                keywords: ["minItems": 1, "maxItems": 10_000]
            ),
            "max_attempts": .atLeast(1),
            "timeout": .positive(),
            "objectives": "This step prints the trial's objectives (exactly one step)",
            "on_failure": "infeasible: a non-zero exit means the design is infeasible (an unknown constraint)",
        ]
    }
}
