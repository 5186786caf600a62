import ActiveLearning
import ArgumentParser
import Benchmarking
import Foundation
import Problems

/// `paretopilot bench excursion`: excursion-set criteria side by side over seeds.
struct BenchExcursionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "excursion",
        abstract: "Run excursion-set criteria on a test problem over several seeds.",
        discussion: """
            Prints one JSON line per criterion and seed: {"problem", "acquisition", "seed", "batch", \
            "seconds", "history": [{"evaluations", "accuracy"}]}, the accuracy of the posterior mean's \
            classification on a grid of 100 points per side (40 in 3d) after every batch. With \
            --grid-dir, also writes each run's final estimate as <dir>/<problem>_<criterion>_<seed>.csv.
            """
    )

    @Option(help: "1d, 2d or 3d.") var problem: String = "2d"
    @Option(help: "Evaluations per run.") var budget: Int = 40
    @Option(help: "Designs per batch.") var batch: Int = 4
    @Option(help: "Number of seeds (0, 1, ...).") var seeds: Int = 5
    @Option(help: "Comma-separated criteria.")
    var criteria: String = LevelSetCriterion.allCases.map(\.rawValue).joined(separator: ",")
    @Option(name: .customLong("grid-dir"), help: "Directory for the final estimates (CSV).") var gridDirectory: String?
    @Option(help: "GP kernel.") var kernel: String = "matern52"
    @Option(name: .customLong("initial"), help: "Initial Sobol designs (default 2d + 2, at least 4, in whole batches).")
    var initial: Int?
    @Option(help: "Candidates scored per choice by tmse, entropy and sur.") var candidates: Int = 2048

    func validate() throws {
        guard ExcursionFunction.all.contains(where: { $0.name == problem }) else {
            throw ValidationError("--problem: unknown problem '\(problem)'; known: 1d, 2d, 3d")
        }
        for name in criteria.split(separator: ",") where LevelSetCriterion(rawValue: String(name)) == nil {
            throw ValidationError("--criteria: unknown criterion '\(name)'")
        }
        guard budget >= 2, batch >= 1, seeds >= 1 else {
            throw ValidationError("--budget must be at least 2, --batch and --seeds at least 1")
        }
    }

    func run() async throws {
        let function = ExcursionFunction.all.first { $0.name == problem }!
        let perSide = function.dimension == 3 ? 40 : 100
        for name in criteria.split(separator: ",") {
            let criterion = LevelSetCriterion(rawValue: String(name))!
            for seed in 0..<UInt64(seeds) {
                var estimator = LevelSetEstimator(function: function, batch: batch, initialDesign: initial)
                estimator.criterion = criterion
                estimator.kernel = kernel
                estimator.candidateCount = candidates
                let start = Date()
                let result = try estimator.run(budget: budget, seed: seed, gridPerSide: perSide)
                let seconds = Date().timeIntervalSince(start)
                if let gridDirectory {
                    try LevelSetEstimate(problem: estimator.problem, models: result.models, perSide: perSide)
                        .csv(inputNames: (0..<function.dimension).map { "x\($0)" }, outputNames: ["f"])
                        .write(
                            toFile: "\(gridDirectory)/\(problem)_\(criterion.rawValue)_\(seed).csv",
                            atomically: true,
                            encoding: .utf8
                        )
                }
                let object: [String: Any] = [
                    "problem": problem, "acquisition": criterion.rawValue, "seed": seed, "batch": batch,
                    "seconds": seconds, "implementation": "paretopilot",
                    "history": result.history.map { ["evaluations": $0.evaluations, "accuracy": $0.accuracy] },
                    "inputs": result.inputs,
                ]
                let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
                print(String(decoding: data, as: UTF8.self))
                fflush(nil)
            }
        }
    }
}
