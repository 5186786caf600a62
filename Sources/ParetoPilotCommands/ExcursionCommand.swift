import ActiveLearning
import ArgumentParser
import Benchmarking
import Foundation
import Pilot
import Problems

/// `paretopilot excursion`: active learning of where functions cross thresholds.
struct ExcursionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "excursion",
        abstract: "Learn where functions exceed thresholds (excursion sets) with GPs.",
        discussion: """
            Either a test problem (--problem 1d, 2d or 3d, scored against the truth on a dense grid: \
            100 points per side, 40 for 3d; with --json prints {"problem", "acquisition", "seed", \
            "evaluations", "accuracy", "balanced_accuracy", "history"}), or your own simulation: \
            --evaluator CMD with --parameter NAME=LOW:HIGH (repeatable) and --output NAME:T1[,T2...] \
            (repeatable: several outputs, several thresholds each). CMD gets the parameters as JSON on \
            stdin and PARETOPILOT_PARAM_<NAME> variables and prints its outputs as one JSON object, as \
            for 'optimize'; --workers evaluations run at once. With --server every batch becomes trials \
            of a study on that server and runs on its pilots (which run CMD). The estimate (fraction \
            above each threshold, fraction still ambiguous) is printed and --grid-out writes it per \
            grid point.
            """
    )

    @Option(help: "A test problem: 1d, 2d or 3d.") var problem: String?
    @Option(help: "Total number of evaluations.") var budget: Int
    @Option(help: "Designs per batch (kriging believer).") var batch: Int = 4
    @Option(help: "Random seed.") var seed: UInt64 = 0
    @Option(
        help: "Acquisition: \(LevelSetCriterion.allCases.map(\.rawValue).joined(separator: ", "))."
    ) var acquisition: String = "sur"
    @Option(help: "A command evaluating one design (instead of --problem).") var evaluator: String?
    @Option(name: .customLong("parameter"), help: "A parameter NAME=LOW:HIGH (repeatable).")
    var parameters: [String] = []
    @Option(name: .customLong("output"), help: "An output and its thresholds, NAME:T1[,T2] (repeatable).")
    var outputs: [String] = []
    @Option(help: "Evaluations of --evaluator run at once.") var workers: Int = 1
    @Option(help: "Seconds before an evaluation is killed.") var timeout: Double = 3600
    @Option(name: .customLong("grid-out"), help: "Write the estimate on a grid to this CSV file.")
    var gridOut: String?
    @Option(help: "Run the evaluations on this server's pilots (http://HOST:PORT) instead of here.")
    var server: String?
    @Option(help: "A client or admin token for --server; default $PARETOPILOT_TOKEN.") var token: String?
    @Option(help: "The study holding the evaluations on --server (default excursion-<time>).") var study: String?
    @Flag(help: "Print one JSON object.") var json = false

    func validate() throws {
        guard LevelSetCriterion(rawValue: acquisition) != nil else {
            throw ValidationError(
                "--acquisition: expected one of \(LevelSetCriterion.allCases.map(\.rawValue).joined(separator: ", ")), got '\(acquisition)'"
            )
        }
        guard budget >= 2, batch >= 1, workers >= 1 else {
            throw ValidationError("--budget must be at least 2, --batch and --workers at least 1")
        }
        switch (problem, evaluator) {
        case (let name?, nil):
            guard ExcursionFunction.all.contains(where: { $0.name == name }) else {
                throw ValidationError("--problem: unknown problem '\(name)'; known: 1d, 2d, 3d")
            }
        case (nil, _?):
            guard !parameters.isEmpty, !outputs.isEmpty else {
                throw ValidationError("--evaluator needs at least one --parameter and one --output")
            }
        default:
            throw ValidationError("give either --problem or --evaluator")
        }
    }

    @OptionGroup var security: ClientSecurityOptions

    func run() async throws {
        security.apply()
        let criterion = LevelSetCriterion(rawValue: acquisition)!
        if let name = problem {
            try runTestProblem(ExcursionFunction.all.first { $0.name == name }!, criterion: criterion)
        } else {
            do {
                var job = try ExcursionJob(
                    command: evaluator!,
                    parameters: parameters,
                    outputs: outputs,
                    timeout: timeout,
                    checkCommand: server == nil
                )
                if let server {
                    guard let token = CommandEnvironment.token(token) else {
                        throw InputError("--server needs --token or PARETOPILOT_TOKEN", field: "token")
                    }
                    job.remote = try await RemoteEvaluations.create(
                        client: ServiceClient(url: server, token: token),
                        study: study ?? "excursion-\(Int(Date().timeIntervalSince1970))",
                        parameters: (0..<job.names.count).map { (job.names[$0], job.lower[$0], job.upper[$0]) },
                        outputs: job.problem.outputs,
                        command: evaluator!,
                        timeout: timeout,
                        budget: budget
                    )
                }
                var estimator = LevelSetEstimator(problem: job.problem, batch: batch)
                estimator.criterion = criterion
                let outcome = try await job.run(estimator: estimator, budget: budget, workers: workers, seed: seed) {
                    if !json { print($0) }
                }
                if let gridOut {
                    try outcome.estimate.csv(inputNames: job.names, outputNames: job.problem.outputs)
                        .write(toFile: gridOut, atomically: true, encoding: .utf8)
                }
                print(json ? outcome.json : outcome.text)
            } catch let error as InputError {
                printError("error: \(error.message)")
                throw ExitCode(2)
            } catch let error as ServiceClientError {
                printError("error: the server refused: \(error)")
                throw ExitCode(error.status >= 400 && error.status < 500 ? 2 : 1)
            }
        }
    }

    func runTestProblem(_ function: ExcursionFunction, criterion: LevelSetCriterion) throws {
        var estimator = LevelSetEstimator(function: function, batch: batch)
        estimator.criterion = criterion
        let perSide = function.dimension == 3 ? 40 : 100
        let result = try estimator.run(budget: budget, seed: seed, gridPerSide: perSide)
        if let gridOut {
            try LevelSetEstimate(problem: estimator.problem, models: result.models, perSide: perSide)
                .csv(inputNames: (0..<function.dimension).map { "x\($0)" }, outputNames: [function.name])
                .write(toFile: gridOut, atomically: true, encoding: .utf8)
        }
        if json {
            let object: [String: Any] = [
                "problem": function.name, "acquisition": criterion.rawValue, "seed": seed,
                "evaluations": result.evaluations, "accuracy": result.accuracy,
                "balanced_accuracy": result.balancedAccuracy,
                "history": result.history.map { ["evaluations": $0.evaluations, "accuracy": $0.accuracy] },
            ]
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        } else {
            print(
                "\(function.name) (\(criterion.rawValue)): \(result.evaluations) evaluations, accuracy \(result.accuracy), balanced accuracy \(result.balancedAccuracy)"
            )
        }
    }
}
