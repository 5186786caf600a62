import BayesianOptimization
import Foundation
import Pareto
import Store
import StudyModel

/// A study's trials as tables: CSV and JSON exports that pandas reads directly, the Pareto front,
/// and the hypervolume after each completed trial.
public struct StudyReport: Sendable {
    public let specification: StudySpecification
    public let trials: [TrialRecord]

    /// The outcome constraints, parsed once (every trial is checked against them).
    let constraints: [OutcomeConstraint]

    public init(specification: StudySpecification, trials: [TrialRecord]) {
        self.specification = specification
        self.trials = trials
        constraints = specification.outcomeConstraints
    }

    /// Whether a completed trial satisfies every constraint.
    public func isFeasible(_ trial: TrialRecord) -> Bool {
        guard trial.state == .completed, let outputs = trial.outputs else { return false }
        return constraints.allSatisfy { ($0.value(outputs) ?? 1) <= 0 }
    }

    /// Numbers of the feasible completed trials on the Pareto front (in the objectives' directions).
    public var paretoTrials: [Int] {
        let candidates = trials.filter { isFeasible($0) && specification.minimizedObjectives($0.outputs!) != nil }
        guard !candidates.isEmpty,
            let set = try? PointSet(rows: candidates.map { specification.minimizedObjectives($0.outputs!)! })
        else { return [] }
        return NondominatedSorting.nondominatedIndices(set).map { candidates[$0].number }
    }

    /// The reference point used for hypervolume (optimiser frame): the study's, or inferred from the front.
    public var reference: [Double]? {
        if let given = specification.minimizedReference { return given }
        let front = paretoTrials.compactMap { n in
            trials.first { $0.number == n }?.outputs.flatMap(specification.minimizedObjectives)
        }
        return front.isEmpty ? nil : ReferencePoint.inferred(from: front)
    }

    /// Hypervolume after each completed trial (trial order): `(trials so far, hypervolume)`.
    public var hypervolumeHistory: [(trials: Int, hypervolume: Double)] {
        guard let reference else { return [] }
        var rows: [[Double]] = []
        var history: [(Int, Double)] = []
        for (index, trial) in trials.enumerated() {
            if isFeasible(trial), let y = trial.outputs.flatMap(specification.minimizedObjectives) { rows.append(y) }
            let hv = rows.isEmpty ? 0 : ((try? Hypervolume.of(PointSet(rows: rows), reference: reference)) ?? 0)
            history.append((index + 1, hv))
        }
        return history
    }

    /// Output names: objectives first, then the others alphabetically.
    var outputNames: [String] {
        let objectives = specification.objectives.map(\.name)
        let others = Set(trials.compactMap { $0.outputs?.keys }.flatMap { $0 }).subtracting(objectives).sorted()
        return objectives + others
    }

    /// One row per trial: number, state, attempts, parameters, outputs, feasibility, Pareto membership.
    public var table: (header: [String], rows: [[String]]) {
        let front = Set(paretoTrials)
        let header =
            ["trial", "state", "attempts"] + specification.parameters.map(\.name) + outputNames + [
                "feasible", "pareto", "error",
            ]
        let rows = trials.map { trial -> [String] in
            let values = specification.decode(trial.parameters)
            var row = [String(trial.number), trial.state.rawValue, String(trial.attempts)]
            row += specification.parameters.map { values[$0.name]?.text ?? "" }
            row += outputNames.map { name in trial.outputs?[name].map { "\($0)" } ?? "" }
            row += [
                isFeasible(trial) ? "true" : "false", front.contains(trial.number) ? "true" : "false",
                trial.lastError ?? "",
            ]
            return row
        }
        return (header, rows)
    }

    /// The table as CSV (RFC 4180 quoting).
    public var csv: String {
        func quote(_ field: String) -> String {
            field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" })
                ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
        }
        let (header, rows) = table
        return ([header] + rows).map { $0.map(quote).joined(separator: ",") }.joined(separator: "\n") + "\n"
    }

    /// The trials as a JSON array of objects (`pandas.read_json(orient="records")`).
    public var json: String {
        let front = Set(paretoTrials)
        let records: [[String: Any]] = trials.map { trial in
            var record: [String: Any] = [
                "trial": trial.number, "state": trial.state.rawValue, "attempts": trial.attempts,
            ]
            for (name, value) in specification.decode(trial.parameters) {
                switch value {
                case .number(let v): record[name] = v
                case .choice(let c): record[name] = c
                }
            }
            for (name, value) in trial.outputs ?? [:] { record[name] = value }
            record["feasible"] = isFeasible(trial)
            record["pareto"] = front.contains(trial.number)
            if let error = trial.lastError { record["error"] = error }
            return record
        }
        let data =
            (try? JSONSerialization.data(withJSONObject: records, options: [.prettyPrinted, .sortedKeys]))
            ?? Data("[]".utf8)
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// The Pareto front as an aligned text table.
    public var frontTable: String {
        let front = Set(paretoTrials)
        let header = ["trial"] + specification.parameters.map(\.name) + specification.objectives.map(\.name)
        var rows: [[String]] = []
        for trial in trials where front.contains(trial.number) {
            let values = specification.decode(trial.parameters)
            var row = [String(trial.number)]
            row += specification.parameters.map { name in
                guard let value = values[name.name] else { return "" }
                if case .number(let v) = value, v != v.rounded() { return String(format: "%.4g", v) }
                return value.text
            }
            row += specification.objectives.map { o in trial.outputs?[o.name].map { String(format: "%.5g", $0) } ?? "" }
            rows.append(row)
        }
        rows.sort {
            (Double($0[header.count - specification.objectives.count]) ?? 0)
                < (Double($1[header.count - specification.objectives.count]) ?? 0)
        }
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        func line(_ row: [String]) -> String {
            row.enumerated().map { $0.element.padding(toLength: widths[$0.offset], withPad: " ", startingAt: 0) }
                .joined(separator: "  ")
        }
        return ([line(header), line(widths.map { String(repeating: "-", count: $0) })] + rows.map(line)).joined(
            separator: "\n"
        )
    }
}
