import BayesianOptimization
import Foundation
import Store
import Studies

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
            var text =
                "\nStudy '\(report.specification.name)' in \(database): \(completed) completed, \(failed) failed.\n"
            if let hv = report.hypervolumeHistory.last?.hypervolume, let reference = report.reference {
                text +=
                    "Hypervolume \(hv) (reference point \(reference.map { String(format: "%.4g", $0) }.joined(separator: ", ")), objectives minimised).\n"
            }
            text += "Pareto front (\(report.paretoTrials.count) designs):\n" + report.frontTable + "\n"
            text += "Export with: paretopilot study export \(database) --format csv"
            return text
        }

        public var summaryJSON: String {
            let object: [String: Any] = [
                "study": report.specification.name,
                "database": database,
                "completed": report.trials.filter { $0.state == .completed }.count,
                "failed": report.trials.filter { $0.state == .failed }.count,
                "hypervolume": report.hypervolumeHistory.last?.hypervolume ?? 0,
                "pareto_trials": report.paretoTrials,
            ]
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
            return String(decoding: data, as: UTF8.self)
        }
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
        let evaluator = try StudyRunner.evaluator(for: specification)
        let runner = StudyRunner(store: store, study: study, specification: specification, evaluator: evaluator)
        let builtin = specification.evaluator.problem != nil
        let trials = try await runner.run(
            budget: specification.budget ?? 40,
            workers: specification.workers ?? (builtin ? 4 : 1),
            maxAttempts: specification.maxAttempts ?? 3,
            seed: specification.seed ?? 0,
            progress: progress
        )
        return Outcome(database: store.path, report: StudyReport(specification: specification, trials: trials))
    }
}

extension StudyProgress {
    /// A plain progress line.
    public var line: String {
        var text = "trial \(trial) \(event) | \(completed) done, \(failed) failed, \(running) running of \(budget)"
        if let hypervolume { text += " | HV \(String(format: "%.6g", hypervolume))" }
        return text
    }

    /// A one-line progress bar with an ETA.
    public var bar: String {
        let done = completed + failed
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
        var object: [String: Any] = [
            "event": event, "trial": trial, "completed": completed, "failed": failed, "running": running,
            "budget": budget, "elapsed_s": elapsed,
        ]
        if let hypervolume { object["hypervolume"] = hypervolume }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
