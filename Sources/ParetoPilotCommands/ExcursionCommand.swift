import ActiveLearning
import ArgumentParser
import Foundation
import Problems

/// `paretopilot excursion`: active learning of where a test function exceeds its threshold.
struct ExcursionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "excursion",
        abstract:
            "Learn an excursion set {x : f(x) > threshold} of a test function with a GP (straddle or SUR).",
        discussion: """
            Problems: 1d, 2d (the "physics" function), 3d. With --json prints {"problem", "acquisition", \
            "seed", "evaluations", "accuracy", "balanced_accuracy"}, the accuracy measured by the posterior \
            mean on a dense grid (100 points per side; 40 for 3d) against the truth.
            """
    )

    @Option(help: "1d, 2d or 3d.") var problem: String
    @Option(help: "Total number of evaluations.") var budget: Int
    @Option(help: "Designs per batch (kriging believer).") var batch: Int = 4
    @Option(help: "Random seed.") var seed: UInt64 = 0
    @Option(help: "Acquisition: straddle or sur.") var acquisition: String = "straddle"
    @Flag(help: "Print one JSON object.") var json = false

    func validate() throws {
        guard ExcursionFunction.all.contains(where: { $0.name == problem }) else {
            throw ValidationError("--problem: unknown problem '\(problem)'; known: 1d, 2d, 3d")
        }
        guard LevelSetEstimator.Criterion(rawValue: acquisition) != nil else {
            throw ValidationError("--acquisition: expected straddle or sur, got '\(acquisition)'")
        }
        guard budget >= 2, batch >= 1 else {
            throw ValidationError("--budget must be at least 2 and --batch at least 1")
        }
    }

    func run() async throws {
        let function = ExcursionFunction.all.first { $0.name == problem }!
        var estimator = LevelSetEstimator(function: function, batch: batch)
        estimator.criterion = LevelSetEstimator.Criterion(rawValue: acquisition)!
        let result = try estimator.run(budget: budget, seed: seed, gridPerSide: function.dimension == 3 ? 40 : 100)
        if json {
            let object: [String: Any] = [
                "problem": problem, "acquisition": acquisition, "seed": seed, "evaluations": result.evaluations,
                "accuracy": result.accuracy, "balanced_accuracy": result.balancedAccuracy,
            ]
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        } else {
            print(
                "\(problem): \(result.evaluations) evaluations, accuracy \(result.accuracy), balanced accuracy \(result.balancedAccuracy)"
            )
        }
    }
}
