import BayesianOptimization
import Foundation
import Pareto
import Store
import StudyModel

/// Imports an experiment as Ax serialises it to JSON (`__type`-tagged objects) into a ParetoPilot
/// study file, with its trials and their metric values; exports a study in the column layout of
/// Ax's `exp_to_df`.
///
/// Carried over: `RangeParameter` (FLOAT, INT, log scale), `ChoiceParameter`, parameter constraints
/// (`ParameterConstraint`, `SumConstraint`, `OrderConstraint`), single and multi-objective configs with
/// `minimize`, objective thresholds (as the reference point), outcome constraints, trials and batch
/// trials (each arm becomes a trial, the arm name and generation method kept as trial metadata),
/// statuses, and metric values from `data_by_trial` or an `exp_to_df` CSV. Reported, not dropped:
/// fixed parameters, unsupported types, tracking metrics, failed and abandoned trials.
public struct AxImport {
    /// The specification built from the experiment.
    public var specification: StudySpecification
    /// The trials: parameter values by name, status, arm name, generation method, metric values.
    public var trials: [Trial]
    /// Things that could not be carried over, or look wrong, in a sentence each.
    public var warnings: [String]

    public struct Trial: Sendable {
        public var index: Int
        public var armName: String
        public var status: String
        public var generationMethod: String
        public var parameters: [String: Double]
        public var metrics: [String: Double]
    }

    /// Parses an Ax experiment (`data`), optionally with an `exp_to_df` CSV for the metric values.
    public static func parse(
        experiment data: Data,
        source: String,
        table: String? = nil,
        tableSource: String = "data"
    ) throws(StudyError) -> AxImport {
        let root: [String: Any]
        do {
            guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                throw StudyError("\(source): the top level is not a JSON object", field: "experiment")
            }
            root = object
        } catch let error as StudyError {
            throw error
        } catch {
            throw StudyError(
                "\(source): not valid JSON (truncated or malformed): \(error.localizedDescription)",
                field: "experiment"
            )
        }
        guard root["__type"] as? String == "Experiment" else {
            throw StudyError(
                "\(source): expected an object of __type Experiment, found \(root["__type"] ?? "none")",
                field: "__type"
            )
        }
        var warnings: [String] = []
        func object(_ value: Any?, _ path: String) throws(StudyError) -> [String: Any] {
            guard let dictionary = value as? [String: Any] else {
                throw StudyError("\(source): '\(path)' is missing or not an object", field: path)
            }
            return dictionary
        }
        // Search space.
        let searchSpace = try object(root["search_space"], "search_space")
        var parameters: [StudySpecification.Parameter] = []
        var parameterNames: [String] = []
        for (k, raw) in ((searchSpace["parameters"] as? [Any]) ?? []).enumerated() {
            let p = try object(raw, "search_space.parameters[\(k)]")
            let name = p["name"] as? String ?? "parameter\(k)"
            switch p["__type"] as? String {
            case "RangeParameter":
                let kind = (p["parameter_type"] as? [String: Any])?["name"] as? String ?? "FLOAT"
                guard let lower = (p["lower"] as? NSNumber)?.doubleValue,
                    let upper = (p["upper"] as? NSNumber)?.doubleValue
                else {
                    throw StudyError("\(source): RangeParameter '\(name)' needs numeric lower and upper", field: name)
                }
                let scale: StudySpecification.Parameter.Scale = (p["log_scale"] as? Bool) == true ? .log : .linear
                parameters.append(kind == "INT" ? .int(name, lower, upper) : .float(name, lower, upper, scale: scale))
                parameterNames.append(name)
            case "ChoiceParameter":
                let values = ((p["values"] as? [Any]) ?? []).map { "\($0)" }
                parameters.append(.categorical(name, values))
                parameterNames.append(name)
            case "FixedParameter":
                warnings.append(
                    "fixed parameter '\(name)' = \(p["value"] ?? "?") is not a search dimension; it is not carried over"
                )
            case let other:
                throw StudyError(
                    "\(source): parameter '\(name)' has unsupported __type \(other ?? "none")",
                    field: name
                )
            }
        }
        var parameterConstraints: [String] = []
        for raw in (searchSpace["parameter_constraints"] as? [Any]) ?? [] {
            let c = try object(raw, "search_space.parameter_constraints")
            guard let terms = c["constraint_dict"] as? [String: Any], let bound = (c["bound"] as? NSNumber)?.doubleValue
            else {
                throw StudyError(
                    "\(source): a parameter constraint lacks constraint_dict or bound",
                    field: "parameter_constraints"
                )
            }
            let expression = terms.sorted { $0.key < $1.key }.map {
                "\((($0.value as? NSNumber)?.doubleValue ?? 0))*\($0.key)"
            }
            parameterConstraints.append(
                expression.joined(separator: " + ").replacingOccurrences(of: "+ -", with: "- ") + " <= \(bound)"
            )
        }
        // Optimisation config.
        let config = try object(root["optimization_config"], "optimization_config")
        var objectives: [StudySpecification.Objective] = []
        let objective = try object(config["objective"], "optimization_config.objective")
        let objectiveList = (objective["objectives"] as? [Any]) ?? [objective]
        for raw in objectiveList {
            let o = try object(raw, "optimization_config.objective")
            let metric = try object(o["metric"], "optimization_config.objective.metric")
            guard let name = metric["name"] as? String else {
                throw StudyError("\(source): an objective metric has no name", field: "objective")
            }
            objectives.append(.init(name: name, direction: (o["minimize"] as? Bool) == false ? .maximize : .minimize))
        }
        for raw in (config["objective_thresholds"] as? [Any]) ?? [] {
            let t = try object(raw, "optimization_config.objective_thresholds")
            let name = (t["metric"] as? [String: Any])?["name"] as? String
            guard let index = objectives.firstIndex(where: { $0.name == name }),
                let bound = (t["bound"] as? NSNumber)?.doubleValue
            else { continue }
            if (t["relative"] as? Bool) == true {
                warnings.append(
                    "objective threshold of '\(name ?? "?")' is relative to the status quo; it is not used as a reference"
                )
                continue
            }
            objectives[index].reference = bound
        }
        var outcomeConstraints: [String] = []
        for raw in (config["outcome_constraints"] as? [Any]) ?? [] {
            let c = try object(raw, "optimization_config.outcome_constraints")
            let name = (c["metric"] as? [String: Any])?["name"] as? String ?? "?"
            let op = (c["op"] as? [String: Any])?["name"] as? String ?? "LEQ"
            guard let bound = (c["bound"] as? NSNumber)?.doubleValue else { continue }
            if (c["relative"] as? Bool) == true {
                warnings.append("outcome constraint on '\(name)' is relative to the status quo; it is not carried over")
                continue
            }
            outcomeConstraints.append("\(name) \(op == "GEQ" ? ">=" : "<=") \(bound)")
        }
        for raw in (root["tracking_metrics"] as? [Any]) ?? [] {
            if let name = (raw as? [String: Any])?["name"] as? String {
                warnings.append(
                    "tracking metric '\(name)' is not optimised (its values come along only from data_by_trial)"
                )
            }
        }
        // Trials.
        var trials: [Trial] = []
        let rawTrials = (root["trials"] as? [String: Any]) ?? [:]
        for key in rawTrials.keys.sorted(by: { (Int($0) ?? 0) < (Int($1) ?? 0) }) {
            let t = try object(rawTrials[key], "trials.\(key)")
            let index = (t["index"] as? Int) ?? Int(key) ?? 0
            let status = (t["status"] as? [String: Any])?["name"] as? String ?? "CANDIDATE"
            var arms: [[String: Any]] = []
            var method = "Manual"
            switch t["__type"] as? String {
            case "Trial":
                if let run = t["generator_run"] as? [String: Any] {
                    arms = (run["arms"] as? [[String: Any]]) ?? []
                    method = run["model_key"] as? String ?? "Manual"
                }
            case "BatchTrial":
                for run in (t["generator_run_structs"] as? [[String: Any]]) ?? [] {
                    let generator = (run["generator_run"] as? [String: Any]) ?? [:]
                    arms += (generator["arms"] as? [[String: Any]]) ?? []
                    method = generator["model_key"] as? String ?? method
                }
                if arms.count > 1 {
                    warnings.append("batch trial \(index) has \(arms.count) arms: each becomes a trial")
                }
            case let other:
                throw StudyError("\(source): trial \(key) has unsupported __type \(other ?? "none")", field: "trials")
            }
            for arm in arms {
                let values = (arm["parameters"] as? [String: Any]) ?? [:]
                var parameterValues: [String: Double] = [:]
                for p in parameters {
                    if let number = values[p.name] as? NSNumber {
                        if p.type == .categorical, let i = p.choices?.firstIndex(of: "\(number)") {
                            parameterValues[p.name] = Double(i)
                        } else {
                            parameterValues[p.name] = number.doubleValue
                        }
                    } else if let text = values[p.name] as? String, let i = p.choices?.firstIndex(of: text) {
                        parameterValues[p.name] = Double(i)
                    } else {
                        throw StudyError(
                            "\(source): arm '\(arm["name"] ?? "?")' of trial \(index) lacks parameter '\(p.name)'",
                            field: p.name
                        )
                    }
                }
                trials.append(
                    Trial(
                        index: index,
                        armName: arm["name"] as? String ?? "\(index)_0",
                        status: status,
                        generationMethod: method,
                        parameters: parameterValues,
                        metrics: [:]
                    )
                )
            }
            if status == "FAILED" || status == "ABANDONED" {
                warnings.append("trial \(index) is \(status) in Ax; it is kept as a failed trial")
            }
        }
        // Metric values: from the CSV if given, else data_by_trial.
        if let table {
            try fillMetrics(
                &trials,
                fromTable: table,
                source: tableSource,
                metricNames: objectives.map(\.name),
                parameterNames: parameterNames
            )
        } else {
            fillMetrics(&trials, fromDataByTrial: (root["data_by_trial"] as? [String: Any]) ?? [:])
        }
        var specification = StudySpecification(
            name: root["name"] as? String ?? "ax-experiment",
            parameters: parameters,
            objectives: objectives,
            constraints: outcomeConstraints.isEmpty ? nil : outcomeConstraints,
            evaluator: .init()
        )
        specification.parameterConstraints = parameterConstraints.isEmpty ? nil : parameterConstraints
        var result = AxImport(specification: specification, trials: trials, warnings: warnings)
        result.warnings += result.checks()
        return result
    }

    static func fillMetrics(_ trials: inout [Trial], fromDataByTrial data: [String: Any]) {
        for (_, entry) in data {
            for pair in ((entry as? [String: Any])?["value"] as? [Any]) ?? [] {
                guard let items = pair as? [Any], items.count == 2,
                    let frame = ((items[1] as? [String: Any])?["df"] as? [String: Any])?["value"] as? String,
                    let columns = try? JSONSerialization.jsonObject(with: Data(frame.utf8)) as? [String: [String: Any]]
                else { continue }
                let arms = columns["arm_name"] ?? [:]
                for (row, armName) in arms {
                    guard let arm = armName as? String, let metric = columns["metric_name"]?[row] as? String,
                        let mean = (columns["mean"]?[row] as? NSNumber)?.doubleValue
                    else { continue }
                    if let i = trials.firstIndex(where: { $0.armName == arm }) { trials[i].metrics[metric] = mean }
                }
            }
        }
    }

    static func fillMetrics(
        _ trials: inout [Trial],
        fromTable text: String,
        source: String,
        metricNames: [String],
        parameterNames: [String]
    ) throws(StudyError) {
        let lines = text.split(separator: "\n").map {
            $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        }
        guard let header = lines.first else { throw StudyError("\(source): the table is empty", field: "data") }
        for column in ["trial_index", "arm_name"] + metricNames where !header.contains(column) {
            throw StudyError(
                "\(source): column '\(column)' is missing (the experiment has metrics \(metricNames.joined(separator: ", ")))",
                field: column
            )
        }
        let arm = header.firstIndex(of: "arm_name")!
        for (number, fields) in lines.dropFirst().enumerated() {
            guard fields.count == header.count else {
                throw StudyError(
                    "\(source):\(number + 2): \(fields.count) columns, the header has \(header.count)",
                    field: "data"
                )
            }
            guard let i = trials.firstIndex(where: { $0.armName == fields[arm] }) else {
                throw StudyError(
                    "\(source):\(number + 2): arm '\(fields[arm])' is not in the experiment",
                    field: "arm_name"
                )
            }
            for metric in metricNames {
                let text = fields[header.firstIndex(of: metric)!]
                if text.isEmpty { continue }
                guard let value = Double(text) else {
                    throw StudyError(
                        "\(source):\(number + 2): column '\(metric)' is '\(text)', not a number",
                        field: metric
                    )
                }
                trials[i].metrics[metric] = value
            }
        }
    }

    /// The physicist's checks: a reference point no observation dominates, thresholds no trial meets.
    func checks() -> [String] {
        var warnings: [String] = []
        let objectives = specification.objectives
        let observed = trials.compactMap { t -> [Double]? in
            let y = objectives.map { o in t.metrics[o.name].map { o.direction.minimized($0) } }
            return y.contains(where: { $0 == nil }) ? nil : y.map { $0! }
        }
        guard !observed.isEmpty, let reference = specification.minimizedReference else { return warnings }
        for (j, o) in objectives.enumerated() where !observed.contains(where: { $0[j] < reference[j] }) {
            warnings.append(
                "objective '\(o.name)': no trial is better than its threshold \(o.reference!) (observed \(observed.map { abs($0[j]) }.min()!)...\(observed.map { abs($0[j]) }.max()!))"
            )
        }
        let hv = (try? Hypervolume.of(PointSet(rows: observed), reference: reference)) ?? 0
        if hv == 0, let inferred = ReferencePoint.inferredFromAll(observed) {
            let display = zip(objectives, inferred).map { o, r in o.direction.minimized(r) }
            warnings.append(
                "the thresholds as reference point give hypervolume 0 (no observation dominates it): "
                    + "the inferred reference point (worst value + 10% of the range) would be "
                    + zip(objectives, display).map { "\($0.name)=\(String(format: "%.6g", $1))" }.joined(
                        separator: ", "
                    )
            )
        }
        return warnings
    }

    /// Replaces the objective thresholds by the inferred reference point (worst observed value plus 10%
    /// of the observed range, in each objective's direction).
    public mutating func useInferredReference() {
        let objectives = specification.objectives
        let observed = trials.compactMap { t -> [Double]? in
            let y = objectives.map { o in t.metrics[o.name].map { o.direction.minimized($0) } }
            return y.contains(where: { $0 == nil }) ? nil : y.map { $0! }
        }
        guard let inferred = ReferencePoint.inferredFromAll(observed) else { return }
        for j in specification.objectives.indices {
            specification.objectives[j].reference = objectives[j].direction.minimized(inferred[j])
        }
        warnings.append(
            "the reference point is the inferred one: "
                + zip(objectives, specification.objectives).map {
                    "\($0.name)=\(String(format: "%.6g", $1.reference!))"
                }.joined(separator: ", ")
        )
    }

    /// Writes the study to a new file at `path`, via a temporary file renamed on success, so a
    /// failure leaves nothing half-written.
    public func write(to path: String) throws -> String {
        guard !FileManager.default.fileExists(atPath: path) else {
            throw StudyError("'\(path)' already exists; choose another --out", field: "out")
        }
        let temporary = path + ".importing-\(UUID().uuidString)"
        do {
            let store = try StudyStore(path: temporary)
            let study = try store.createStudy(name: specification.name, specification: specification.json)
            for trial in trials {
                let x = specification.parameters.map { p -> Double in
                    let v = trial.parameters[p.name] ?? 0
                    return p.isLog ? log(v) : v
                }
                let record = try store.createTrial(
                    study: study,
                    parameters: x,
                    metadata: [
                        "arm_name": trial.armName, "generation_method": trial.generationMethod,
                        "ax_index": String(trial.index),
                    ]
                )
                switch trial.status {
                case "COMPLETED" where !trial.metrics.isEmpty:
                    try store.completeAttempt(try store.startAttempt(trial: record.id), outputs: trial.metrics)
                case "FAILED", "ABANDONED", "COMPLETED":
                    let reason =
                        trial.status == "COMPLETED" ? "COMPLETED in Ax without metric values" : "\(trial.status) in Ax"
                    try store.failAttempt(try store.startAttempt(trial: record.id), error: reason, retry: false)
                default:
                    break  // candidate, staged or running: left pending, run on resume
                }
            }
            try store.logEvent(
                study: study,
                kind: "imported",
                message: "from Ax: \(trials.count) trials; " + warnings.joined(separator: " | ")
            )
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: temporary + suffix) }
            throw error
        }
        for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: temporary + suffix) }
        try FileManager.default.moveItem(atPath: temporary, toPath: path)
        return path
    }
}

extension StudyReport {
    /// The trials in the column layout of Ax's `exp_to_df`: an unnamed index, `trial_index`,
    /// `arm_name`, `trial_status`, `generation_method`, `is_feasible`, the objectives (alphabetical,
    /// as pandas writes them), then the parameters.
    public var axCSV: String {
        let metrics = specification.objectives.map(\.name).sorted()
        var lines = [
            ([""] + ["trial_index", "arm_name", "trial_status", "generation_method", "is_feasible"] + metrics
                + specification.parameters.map(\.name)).joined(separator: ",")
        ]
        for (row, trial) in trials.enumerated() {
            let values = specification.decode(trial.parameters)
            let index = trial.metadata?["ax_index"] ?? String(trial.number)
            let status =
                trial.state == .completed
                ? "COMPLETED"
                : trial.state == .failed
                    ? "FAILED"
                    : trial.state == .infeasible
                        ? "ABANDONED"
                        : trial.state == .running ? "RUNNING" : "CANDIDATE"
            var fields = [
                String(row), index, trial.metadata?["arm_name"] ?? "\(trial.number)_0", status,
                trial.metadata?["generation_method"] ?? "ParetoPilot",
                isFeasibleAgainstThresholds(trial) ? "True" : "False",
            ]
            fields += metrics.map { name in trial.outputs?[name].map { "\($0)" } ?? "" }
            fields += specification.parameters.map { p in
                guard let value = values[p.name] else { return "" }
                if case .number(let v) = value { return "\(v)" }
                return value.text
            }
            lines.append(fields.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Ax's `is_feasible`: outcome constraints and objective thresholds both hold.
    func isFeasibleAgainstThresholds(_ trial: TrialRecord) -> Bool {
        guard isFeasible(trial), let outputs = trial.outputs else { return false }
        for o in specification.objectives {
            guard let reference = o.reference, let value = outputs[o.name] else { continue }
            if o.direction == .maximize ? value < reference : value > reference { return false }
        }
        return true
    }
}
