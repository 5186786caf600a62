import ArgumentParser
import Engine
import Foundation
import Store
import Studies

#if canImport(Glibc)
import Glibc
#endif

/// `paretopilot optimize`: run a study to its budget and print the Pareto front.
struct OptimizeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "optimize",
        abstract: "Optimise a detector model or your own simulation and keep the study in a SQLite file.",
        discussion: """
            Without --problem, --evaluator or --study it optimises the built-in ToyTracker detector \
            (objectives resolution, lowpt_resolution, cost). With --evaluator 'CMD' every design runs \
            CMD with the parameters as JSON on stdin and PARETOPILOT_PARAM_<NAME> variables; CMD prints \
            its outputs as one JSON object. Every finished evaluation is committed to the study file at \
            once; --resume continues a study that was stopped or killed. Bad input exits with code 2.
            """
    )

    @Option(help: "Objectives, comma-separated; NAME, NAME:max or NAME:min:REFERENCE.")
    var objectives: String?

    @Option(help: "A built-in problem (default toytracker).")
    var problem: String?

    @Option(help: "A command evaluating one design (see the discussion).")
    var evaluator: String?

    @Option(help: "Seconds before an evaluation is killed and its attempt failed.")
    var timeout: Double?

    @Option(help: "A study file (JSON) with parameters, objectives, constraints and evaluator.")
    var study: String?

    @Option(name: .customLong("parameter"), help: "A parameter NAME=LOW:HIGH[:int|log] or NAME=A|B|C (repeatable).")
    var parameters: [String] = []

    @Option(name: .customLong("constraint"), help: "An outcome constraint like 'lowpt_resolution<=0.02' (repeatable).")
    var constraints: [String] = []

    @Option(name: .customLong("parameter-constraint"), help: "A linear constraint like 'a + 2*b <= 3' (repeatable).")
    var parameterConstraints: [String] = []

    @Option(help: "The study file to write (default: <study name>.sqlite).")
    var db: String?

    @Option(help: "Total number of trials, initial design included (default 40).")
    var budget: Int?

    @Option(help: "Evaluations run at once (default 1; the built-in problem uses 4).")
    var workers: Int?

    @Option(name: .customLong("max-attempts"), help: "Attempts per trial before it fails (default 3).")
    var maxAttempts: Int?

    @Option(help: "Strategy: auto, qlognehvi, qnparego, logei, ucb, trust_region or sobol.")
    var strategy: String?

    @Option(help: "Surrogate model: auto or gp (a GP), or saas (for many parameters of which few matter).")
    var model: String?

    @Option(help: "Random seed.")
    var seed: UInt64?

    @Flag(help: "Continue the study in --db.")
    var resume = false

    @Flag(help: "Print JSON lines (one per event, then a summary).")
    var json = false

    func run() async throws {
        var job = OptimizeJob()
        job.objectives = objectives?.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        job.problem = problem
        job.evaluatorCommand = evaluator
        job.timeout = timeout
        job.studyFile = study
        job.parameters = parameters
        job.constraints = constraints
        job.parameterConstraints = parameterConstraints
        job.database = db
        job.budget = budget
        job.workers = workers
        job.maxAttempts = maxAttempts
        job.strategy = strategy
        job.model = model
        job.seed = seed
        job.resume = resume
        let interactive = !json && isatty(STDOUT_FILENO) != 0
        do {
            let outcome = try await StudyExecution.run(job) { progress in
                if json {
                    print(progress.jsonLine)
                } else if interactive {
                    print("\r\u{1B}[2K" + progress.bar, terminator: "")
                    fflush(nil)
                } else {
                    print(progress.line)
                }
            }
            if interactive { print("") }
            if json {
                print(outcome.summaryJSON)
            } else {
                print(outcome.summaryText)
            }
        } catch let error as StudyError {
            if interactive { print("") }
            printError("error: \(error.message)")
            // Bad input is 2; a study that ran and stopped because its evaluations failed is 1.
            throw ExitCode(error.code == .stopped ? 1 : 2)
        } catch let error as EngineError {
            printError("error: \(error.message)")
            throw ExitCode(1)
        } catch let error as StoreError {
            printError("error: \(error.message)")
            throw ExitCode(
                error.code == .invalidInput || error.code == .cannotOpen || error.code == .schemaTooNew ? 2 : 1
            )
        }
    }
}
