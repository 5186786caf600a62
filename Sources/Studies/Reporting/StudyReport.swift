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

    /// For a workflow study: a summary of each trial's steps by trial number (`14/14 completed,
    /// 15 attempts`), exported as the `steps` column.
    public var stepSummaries: [Int: String] = [:]

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
        let members = Set(paretoTrials)
        let front = trials.filter { members.contains($0.number) }.compactMap {
            $0.outputs.flatMap(specification.minimizedObjectives)
        }
        return front.isEmpty ? nil : ReferencePoint.inferred(from: front)
    }

    /// Hypervolume after each trial (trial order): `(trials so far, hypervolume)`.
    public var hypervolumeHistory: [(trials: Int, hypervolume: Double)] {
        hypervolumeHistory(maximumPoints: trials.count)
    }

    /// Hypervolume after about `maximumPoints` evenly spaced trial counts (and the last): the
    /// running front is kept incrementally, and the hypervolume recomputed only where it changed.
    ///
    /// - Complexity: `O(n f)` dominance checks for `n` trials and a front of `f` points, plus one
    ///   hypervolume per sampled count at which the front changed.
    public func hypervolumeHistory(maximumPoints: Int) -> [(trials: Int, hypervolume: Double)] {
        guard let reference, !trials.isEmpty else { return [] }
        let stride = max(1, (trials.count + max(maximumPoints, 1) - 1) / max(maximumPoints, 1))
        var front: [[Double]] = []
        var changed = false
        var current = 0.0
        var history: [(Int, Double)] = []
        for (index, trial) in trials.enumerated() {
            if isFeasible(trial), let y = trial.outputs.flatMap(specification.minimizedObjectives),
                !front.contains(where: { Dominance.weaklyDominates($0, y) })
            {
                front.removeAll { Dominance.weaklyDominates(y, $0) }
                front.append(y)
                changed = true
            }
            let count = index + 1
            guard count % stride == 0 || count == trials.count else { continue }
            if changed {
                current = front.isEmpty ? 0 : ((try? Hypervolume.of(PointSet(rows: front), reference: reference)) ?? 0)
                changed = false
            }
            history.append((count, current))
        }
        return history
    }

    /// The plotted points: completed trials with every objective, in trial order.
    public var plottedTrials: [TrialRecord] {
        trials.filter { $0.state == .completed && $0.outputs.flatMap(specification.minimizedObjectives) != nil }
    }

    /// Pareto rank of each of `points` among the feasible ones (0 for the front); -1 when infeasible.
    public func paretoRanks(_ points: [TrialRecord]) -> [Int] {
        var ranks = [Int](repeating: -1, count: points.count)
        let feasible = points.indices.filter { isFeasible(points[$0]) }
        guard !feasible.isEmpty,
            let set = try? PointSet(rows: feasible.map { specification.minimizedObjectives(points[$0].outputs!)! })
        else { return ranks }
        for (k, rank) in NondominatedSorting.ranks(set).enumerated() { ranks[feasible[k]] = rank }
        return ranks
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
        let outputNames = self.outputNames  // once: it reads every trial
        let header =
            ["trial", "state", "attempts"] + specification.parameters.map(\.name) + outputNames + [
                "feasible", "pareto", "error",
            ] + (stepSummaries.isEmpty ? [] : ["steps"])
        let rows = trials.map { trial -> [String] in
            let values = specification.decode(trial.parameters)
            var row = [String(trial.number), trial.state.rawValue, String(trial.attempts)]
            row += specification.parameters.map { values[$0.name]?.text ?? "" }
            row += outputNames.map { name in trial.outputs?[name].map { "\($0)" } ?? "" }
            row += [
                isFeasible(trial) ? "true" : "false", front.contains(trial.number) ? "true" : "false",
                trial.lastError ?? "",
            ]
            if !stepSummaries.isEmpty { row.append(stepSummaries[trial.number] ?? "") }
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
            if let steps = stepSummaries[trial.number] { record["steps"] = steps }
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
