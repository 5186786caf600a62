import ActiveLearning
import Foundation
import Pilot
import Studies

/// An excursion-set study of the user's own simulation: parameters, outputs with thresholds, and a
/// command evaluating one design. ``run(estimator:budget:workers:seed:progress:)`` alternates
/// suggesting a batch and evaluating it (up to `workers` at once).
struct ExcursionJob {
    let names: [String]
    let lower: [Double]
    let upper: [Double]
    let problem: LevelSetProblem
    let evaluator: CommandEvaluator
    /// Set to run the evaluations on a server's pilots instead of here.
    var remote: RemoteEvaluations?

    /// Parses `NAME=LOW:HIGH` parameters and `NAME:T1[,T2...]` outputs; `checkCommand` checks that
    /// the command runs here (not for pilots elsewhere).
    init(
        command: String,
        parameters: [String],
        outputs: [String],
        timeout: Double,
        checkCommand: Bool = true
    ) throws(InputError) {
        var names: [String] = []
        var lower: [Double] = []
        var upper: [Double] = []
        for text in parameters {
            let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
            let bounds = parts.count == 2 ? parts[1].split(separator: ":").map { Double($0) } : []
            guard parts.count == 2, !parts[0].isEmpty, bounds.count == 2, let low = bounds[0], let high = bounds[1],
                low.isFinite, high.isFinite, low < high
            else {
                throw InputError("--parameter '\(text)': expected NAME=LOW:HIGH with LOW < HIGH", field: "parameter")
            }
            guard !names.contains(parts[0]) else {
                throw InputError("--parameter '\(parts[0])' appears twice", field: "parameter")
            }
            names.append(parts[0])
            lower.append(low)
            upper.append(high)
        }
        var outputNames: [String] = []
        var thresholds: [[Double]] = []
        for text in outputs {
            let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
            let values = parts.count == 2 ? parts[1].split(separator: ",").map { Double($0) } : []
            guard parts.count == 2, !parts[0].isEmpty, !values.isEmpty,
                values.allSatisfy({ $0 != nil && $0!.isFinite })
            else {
                throw InputError("--output '\(text)': expected NAME:THRESHOLD[,THRESHOLD...]", field: "output")
            }
            outputNames.append(parts[0])
            thresholds.append(values.map { $0! })
        }
        if checkCommand {
            do {
                try CommandEvaluator.checkRunnable(command)
            } catch {
                throw InputError(error.message, field: "evaluator")
            }
        }
        self.names = names
        self.lower = lower
        self.upper = upper
        problem = LevelSetProblem(lower: lower, upper: upper, outputs: outputNames, thresholds: thresholds)
        evaluator = CommandEvaluator(command: command, timeout: timeout)
    }

    struct Outcome {
        var evaluations: Int
        var failed: Int
        var estimate: LevelSetEstimate
        var problem: LevelSetProblem

        var json: String {
            let object: [String: Any] = [
                "evaluations": evaluations, "failed": failed, "ambiguous_fraction": estimate.ambiguousFraction,
                "outputs": problem.outputs.indices.map { k -> [String: Any] in
                    let counts = (0...problem.thresholds[k].count).map { c in
                        estimate.labels[k].filter { $0 == c }.count
                    }
                    return [
                        "name": problem.outputs[k], "thresholds": problem.thresholds[k],
                        "class_fractions": counts.map { Double($0) / Double(max(estimate.points.count, 1)) },
                    ]
                },
            ]
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
            return String(decoding: data, as: UTF8.self)
        }

        var text: String {
            var lines = [
                "\(evaluations) evaluations (\(failed) failed); grid points still ambiguous: \(estimate.ambiguousFraction)"
            ]
            for k in problem.outputs.indices {
                lines.append(
                    "\(problem.outputs[k]): fraction above \(problem.thresholds[k][0]): \(estimate.fractionAbove(output: k))"
                )
            }
            return lines.joined(separator: "\n")
        }
    }

    func run(
        estimator: LevelSetEstimator,
        budget: Int,
        workers: Int,
        seed: UInt64,
        progress: (String) -> Void
    ) async throws -> Outcome {
        var inputs: [[Double]] = []
        var outputs: [[Double]] = []
        var attempted = 0
        var failed = 0
        while attempted < budget {
            let count = min(
                attempted < estimator.initialDesign ? estimator.initialDesign : estimator.batch,
                budget - attempted
            )
            let designs = try estimator.suggest(count: count, inputs: inputs, outputs: outputs, seed: seed)
            attempted += designs.count
            let results = try await evaluate(designs, workers: workers, firstTrial: attempted - designs.count)
            for (design, result) in zip(designs, results) {
                switch result {
                case .success(let values):
                    if let missing = problem.outputs.first(where: { values[$0] == nil }) {
                        failed += 1
                        progress("evaluation failed: output '\(missing)' missing")
                    } else {
                        inputs.append(design)
                        outputs.append(problem.outputs.map { values[$0]! })
                    }
                case .failure(let message, _, _):
                    failed += 1
                    progress("evaluation failed: \(message)")
                }
            }
            progress("\(inputs.count) evaluations")
        }
        guard inputs.count >= 2 else { throw InputError("fewer than two evaluations succeeded", field: "evaluator") }
        let models = try estimator.fit(inputs: inputs, outputs: outputs, seed: seed)
        let perSide = [1: 200, 2: 100, 3: 30][problem.dimension] ?? 10
        return Outcome(
            evaluations: inputs.count,
            failed: failed,
            estimate: LevelSetEstimate(problem: problem, models: models, perSide: perSide),
            problem: problem
        )
    }

    func evaluate(_ designs: [[Double]], workers: Int, firstTrial: Int) async throws -> [EvaluationResult] {
        if let remote {
            let named = designs.map { Dictionary(uniqueKeysWithValues: zip(self.names, $0)) }
            return try await remote.evaluate(named)
        }
        let evaluator = self.evaluator
        let names = self.names
        var results = [EvaluationResult?](repeating: nil, count: designs.count)
        await withTaskGroup(of: (Int, EvaluationResult).self) { group in
            var next = 0
            func launch() {
                let index = next
                let values = Dictionary(
                    uniqueKeysWithValues: zip(names, designs[index].map { ParameterValue.number($0) })
                )
                group.addTask { (index, await evaluator.evaluate(values, trial: firstTrial + index)) }
                next += 1
            }
            while next < min(workers, designs.count) { launch() }
            for await (index, result) in group {
                results[index] = result
                if next < designs.count { launch() }
            }
        }
        return results.map { $0! }
    }
}
