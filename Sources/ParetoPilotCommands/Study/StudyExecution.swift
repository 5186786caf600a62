import Engine
import Evaluation
import Foundation
import Store
import Studies
import StudyModel
import Wire

/// Runs an ``OptimizeJob``: opens or creates the study file, runs the study, reports.
public enum StudyExecution {
    /// The result of a run.
    public struct Outcome: Sendable {
        public var database: String
        public var report: StudyReport

        public var summaryText: String {
            let trials = report.trials
            let completed = trials.filter { $0.state == .completed }.count
            let failed = trials.filter { $0.state == .failed }.count
            let infeasible = trials.filter { $0.state == .infeasible }.count
            var text =
                "\nStudy '\(report.specification.name)' in \(database): \(completed) completed, \(failed) failed"
                + (infeasible > 0 ? ", \(infeasible) infeasible.\n" : ".\n")
            if let hv = report.hypervolumeHistory.last?.hypervolume, let reference = report.reference {
                text +=
                    "Hypervolume \(hv) (reference point \(reference.map { String(format: "%.4g", $0) }.joined(separator: ", ")), objectives minimised).\n"
            }
            text += "Pareto front (\(report.paretoTrials.count) designs):\n" + report.frontTable + "\n"
            text += "Export with: paretopilot study export \(database) --format csv"
            return text
        }

        public var summaryJSON: String {
            let summary = OptimizeSummary(
                study: report.specification.name,
                database: database,
                completed: report.trials.filter { $0.state == .completed }.count,
                failed: report.trials.filter { $0.state == .failed }.count,
                infeasible: report.trials.filter { $0.state == .infeasible }.count,
                hypervolume: report.hypervolumeHistory.last?.hypervolume ?? 0,
                paretoTrials: report.paretoTrials
            )
            return StudyExecution.jsonLine(summary)
        }
    }

    /// The last JSON line of `optimize --json`.
    struct OptimizeSummary: Encodable {
        var study: String
        var database: String
        var completed: Int
        var failed: Int
        var infeasible: Int
        var hypervolume: Double
        var paretoTrials: [Int]

        enum CodingKeys: String, CodingKey {
            case study, database, completed, failed, infeasible, hypervolume
            case paretoTrials = "pareto_trials"
        }
    }

    /// A value as one line of JSON with sorted keys.
    static func jsonLine(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // A percentile of no samples is NaN: written as "nan" rather than failing the whole line.
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "inf",
            negativeInfinity: "-inf",
            nan: "nan"
        )
        return String(decoding: (try? encoder.encode(value)) ?? Data("{}".utf8), as: UTF8.self)
    }

    /// Runs the job; `progress` is called after every finished evaluation.
    public static func run(_ job: OptimizeJob, progress: @escaping (StudyProgress) -> Void) async throws -> Outcome {
        let store: StudyStore
        let specification: StudySpecification
        let study: Int64
        if job.resume {
            guard let path = job.database else { throw StudyError("--resume needs --db FILE", field: "db") }
            guard FileManager.default.fileExists(atPath: path) else {
                throw StudyError("--resume: there is no study file '\(path)'", field: "db")
            }
            store = try StudyStore(path: path)
            guard let stored = try store.studies().first else {
                throw StudyError("'\(path)' holds no study", field: "db")
            }
            var loaded = try StudySpecification.decode(json: Data(stored.specification.utf8), source: path)
            if let maxAttempts = job.maxAttempts { loaded.maxAttempts = maxAttempts }
            if let budget = job.budget { loaded.budget = budget }
            if let workers = job.workers { loaded.workers = workers }
            if let command = job.evaluatorCommand {
                try CommandEvaluator.checkRunnable(command)
                loaded.evaluator = .init(command: command, timeout: job.timeout ?? loaded.evaluator.timeout)
            }
            specification = loaded
            study = stored.id
        } else {
            specification = try job.specification()
            let path = job.database ?? "\(specification.name).sqlite"
            if FileManager.default.fileExists(atPath: path) {
                throw StudyError(
                    "'\(path)' already exists: continue it with --resume --db \(path), or choose another --db",
                    field: "db"
                )
            }
            store = try StudyStore(path: path)
            study = try store.createStudy(name: specification.name, specification: specification.json)
        }
        let evaluator = try LocalStudyRunner.evaluator(for: specification)
        let engine = try StudyEngine(store: store)
        if job.resume {
            try engine.updateSpecification(study, specification)
            engine.runtimes[study]?.resetFailurePolicy()
        }
        let directory = URL(fileURLWithPath: store.path).deletingLastPathComponent().path
        let runner = LocalStudyRunner(
            engine: engine,
            study: study,
            evaluator: evaluator,
            workDirectory: "\(directory)/work"
        )
        let trials = try await runner.run(workers: specification.resolvedWorkers, progress: progress)
        return Outcome(database: store.path, report: StudyReport(specification: specification, trials: trials))
    }
}

extension StudyProgress {
    /// A plain progress line; a trial's final failure shows the last lines of its stderr.
    public var line: String {
        var text =
            "trial \(trial) \(event.summary) | \(completed) done, \(failed) failed, "
            + (infeasible > 0 ? "\(infeasible) infeasible, " : "") + "\(running) running of \(budget)"
        if let hypervolume { text += " | HV \(String(format: "%.6g", hypervolume))" }
        if case .failed(let failure) = event, failure.stderrTail != nil {
            text += "\n" + failure.text().split(separator: "\n").dropFirst().joined(separator: "\n")
        }
        return text
    }

    /// A one-line progress bar with an ETA.
    public var bar: String {
        let done = completed + failed + infeasible
        let fraction = budget > 0 ? Double(done) / Double(budget) : 1
        let width = 24
        let filled = Int(fraction * Double(width))
        let eta = done > 0 ? elapsed / Double(done) * Double(max(budget - done, 0)) : 0
        var text = "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "]"
        text += " \(done)/\(budget)  failed \(failed)"
        if let hypervolume { text += "  HV \(String(format: "%.6g", hypervolume))" }
        text += String(format: "  %.0fs, ETA %.0fs", elapsed, eta)
        return text
    }

    /// One JSON object.
    public var jsonLine: String {
        let failure = event.failure.map {
            FailurePayload(message: $0.message, exitCode: $0.exitCode, stderrTail: $0.stderrTail)
        }
        return StudyExecution.jsonLine(
            ProgressLine(
                event: event.name,
                trial: trial,
                completed: completed,
                failed: failed,
                running: running,
                budget: budget,
                elapsed: elapsed,
                hypervolume: hypervolume,
                failure: failure
            )
        )
    }
}

/// One line of `optimize --json` per finished evaluation.
struct ProgressLine: Encodable {
    var event: String
    var trial: Int
    var completed: Int
    var failed: Int
    var running: Int
    var budget: Int
    var elapsed: Double
    var hypervolume: Double?
    var failure: FailurePayload?

    enum CodingKeys: String, CodingKey {
        case event, trial, completed, failed, running, budget, hypervolume, failure
        case elapsed = "elapsed_s"
    }
}
