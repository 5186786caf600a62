import ArgumentParser
import Engine
import Foundation
import Store
import Studies

/// `paretopilot study`: look at, export and plot a study file.
struct StudyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "study",
        abstract: "Show, export or plot a study file.",
        subcommands: [Show.self, Export.self, Plot.self, ImportAx.self]
    )

    /// The study file and, for a server's file that holds several, the study to read.
    struct StudyFile: ParsableArguments {
        @Argument(help: "The study file (.sqlite).") var file: String
        @Option(help: "The study to read, by name, when the file holds several (a server's file).")
        var study: String?
    }

    /// The report of the selected study of `selection.file`: the one named by `--study`, or the
    /// file's only study. Exit code 2 with a message naming the choices otherwise.
    static func load(_ selection: StudyFile) throws -> StudyReport {
        let path = selection.file
        guard FileManager.default.fileExists(atPath: path) else {
            printError("error: there is no study file '\(path)'")
            throw ExitCode(2)
        }
        do {
            let store = try StudyStore(path: path)
            let studies = try store.studies()
            let names = studies.map(\.name).joined(separator: ", ")
            let chosen: (id: Int64, name: String, specification: String)
            if let name = selection.study {
                guard let match = studies.first(where: { $0.name == name }) else {
                    printError(
                        "error: --study: '\(path)' holds no study '\(name)' (it holds: \(names.isEmpty ? "none" : names))"
                    )
                    throw ExitCode(2)
                }
                chosen = match
            } else {
                guard let only = studies.first else {
                    printError("error: '\(path)' holds no study")
                    throw ExitCode(2)
                }
                guard studies.count == 1 else {
                    printError(
                        "error: '\(path)' holds \(studies.count) studies (\(names)); choose one with --study NAME"
                    )
                    throw ExitCode(2)
                }
                chosen = only
            }
            let specification = try StudySpecification.decode(json: Data(chosen.specification.utf8), source: path)
            return StudyReport(specification: specification, trials: try store.trials(study: chosen.id))
        } catch let error as StoreError {
            printError("error: \(error.message)")
            throw ExitCode(2)
        } catch let error as StudyError {
            printError("error: \(error.message)")
            throw ExitCode(2)
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Summarise a study: trials by state, hypervolume, Pareto front."
        )
        @OptionGroup var selection: StudyFile

        func run() async throws {
            let report = try StudyCommand.load(selection)
            let counts = Dictionary(grouping: report.trials, by: \.state).mapValues(\.count)
            print(
                "Study '\(report.specification.name)': \(report.trials.count) trials ("
                    + TrialState.allCases.map { "\(counts[$0] ?? 0) \($0.rawValue)" }.joined(separator: ", ") + ")"
            )
            let store = try StudyStore(path: selection.file)
            if report.specification.evaluator.steps != nil {
                print(try StudyCommand.stepSummary(store: store, study: StudyCommand.id(of: report, in: store)))
            }
            if let hv = report.hypervolumeHistory.last?.hypervolume { print("Hypervolume \(hv)") }
            print("Pareto front:\n" + report.frontTable)
            let failed = report.trials.filter { $0.state == .failed }
            guard !failed.isEmpty else { return }
            print("Failed trials (\(failed.count)), with their last error:")
            for trial in failed.prefix(20) {
                let last = try store.attempts(trial: trial.id).last { !($0.error ?? "").hasPrefix("the trial ended:") }
                let failure = EvaluationFailure(
                    message: trial.lastError ?? "failed",
                    exitCode: last?.exitCode,
                    stderrTail: last?.stderrTail
                )
                print("  trial \(trial.number) (\(trial.attempts) attempts): " + failure.text(lines: 3))
            }
            if failed.count > 20 { print("  ... and \(failed.count - 20) more (study export has them all)") }
        }
    }

    /// The id of a loaded study in its file.
    static func id(of report: StudyReport, in store: StudyStore) throws -> Int64 {
        guard let study = try store.studies().first(where: { $0.name == report.specification.name }) else {
            throw StoreError(.notFound, "no study '\(report.specification.name)' in '\(store.path)'")
        }
        return study.id
    }

    /// One line on a workflow study's steps: jobs by state, attempts, resumed ones.
    static func stepSummary(store: StudyStore, study: Int64) throws -> String {
        var counts: [StepState: Int] = [:]
        for steps in try store.steps(study: study).values {
            for step in steps { counts[step.state, default: 0] += 1 }
        }
        let attempts = try store.stepAttemptCounts(study: study).values
        let states = StepState.allCases.compactMap { state in counts[state].map { "\($0) \(state.rawValue)" } }
        return "Steps: " + states.joined(separator: ", ")
            + "; \(attempts.reduce(0) { $0 + $1.attempts }) attempts, \(attempts.reduce(0) { $0 + $1.retried }) steps retried, "
            + "\(attempts.reduce(0) { $0 + $1.resumed }) attempts resumed from a checkpoint"
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Export the trials as CSV or JSON (pandas reads both)."
        )
        @OptionGroup var selection: StudyFile
        @Option(help: "csv, json, or ax-csv (the columns of Ax's exp_to_df).") var format: String = "csv"
        @Option(help: "Write to this file instead of standard output.") var output: String?

        func validate() throws {
            guard ["csv", "json", "ax-csv"].contains(format) else {
                throw ValidationError("--format must be csv, json or ax-csv, got '\(format)'")
            }
        }

        func run() async throws {
            var report = try StudyCommand.load(selection)
            if report.specification.evaluator.steps != nil {
                let store = try StudyStore(path: selection.file)
                let study = try StudyCommand.id(of: report, in: store)
                let steps = try store.steps(study: study)
                let attempts = try store.stepAttemptCounts(study: study)
                for trial in report.trials {
                    let trialSteps = steps[trial.id] ?? []
                    let done = trialSteps.filter { $0.state == .completed }.count
                    report.stepSummaries[trial.number] =
                        "\(done)/\(trialSteps.count) completed, \(attempts[trial.id]?.attempts ?? 0) attempts"
                }
            }
            let text = format == "csv" ? report.csv : format == "json" ? report.json : report.axCSV
            if let output {
                do {
                    try text.write(toFile: output, atomically: true, encoding: .utf8)
                } catch {
                    printError("error: cannot write '\(output)': \(error.localizedDescription)")
                    throw ExitCode(1)
                }
            } else {
                print(text, terminator: "")
            }
        }
    }

    struct ImportAx: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import-ax",
            abstract: "Import an Ax experiment (JSON as Ax serialises it) and its trials into a new study file.",
            discussion: """
                The result is an ordinary study: continue it with `paretopilot optimize --resume --db OUT \
                --evaluator 'CMD'`. What cannot be carried over is reported; so are thresholds that no \
                trial satisfies, with the inferred reference point offered instead.
                """
        )
        @Argument(help: "The experiment JSON.") var experiment: String
        @Option(help: "A CSV in the layout of Ax's exp_to_df with the metric values (else data_by_trial is used).")
        var data: String?
        @Option(help: "The study file to create.") var out: String
        @Flag(
            help:
                "Use the inferred reference point (worst value + 10% of the range) instead of the objective thresholds."
        )
        var inferReference = false

        func run() async throws {
            do {
                let json = try Data(contentsOf: URL(fileURLWithPath: experiment))
                let table = try data.map { try String(contentsOfFile: $0, encoding: .utf8) }
                var imported = try AxImport.parse(
                    experiment: json,
                    source: experiment,
                    table: table,
                    tableSource: data ?? "data"
                )
                if inferReference { imported.useInferredReference() }
                let path = try imported.write(to: out)
                let completed = imported.trials.filter { $0.status == "COMPLETED" && !$0.metrics.isEmpty }.count
                print(
                    "Imported '\(imported.specification.name)' into \(path): \(imported.trials.count) trials (\(completed) completed), "
                        + "\(imported.specification.parameters.count) parameters, objectives "
                        + imported.specification.objectives.map { "\($0.name) (\($0.direction.rawValue))" }.joined(
                            separator: ", "
                        )
                )
                for warning in imported.warnings { print("warning: \(warning)") }
            } catch let error as StudyError {
                printError("error: \(error.message)")
                throw ExitCode(2)
            } catch let error as StoreError {
                printError("error: \(error.message)")
                throw ExitCode(1)
            } catch let error as CocoaError {
                printError("error: \(error.localizedDescription)")
                throw ExitCode(2)
            }
        }
    }

    struct Plot: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Write SVG plots: the Pareto front (pairwise for three or more objectives) and hypervolume against trials."
        )
        @OptionGroup var selection: StudyFile
        @Option(help: "Directory for the SVG files.") var output: String = "."

        func run() async throws {
            let report = try StudyCommand.load(selection)
            do {
                try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
                for (name, svg) in StudyPlots(report: report).files {
                    let path = (output as NSString).appendingPathComponent(name)
                    try svg.write(toFile: path, atomically: true, encoding: .utf8)
                    print(path)
                }
            } catch {
                printError("error: cannot write plots to '\(output)': \(error.localizedDescription)")
                throw ExitCode(1)
            }
        }
    }
}
