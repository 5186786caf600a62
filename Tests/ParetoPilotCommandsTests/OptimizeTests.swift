import Foundation
import ParetoPilotCommands
import Store
import Studies
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Helpers to run the real `paretopilot` binary and scripts in a scratch directory.
enum Scratch {
    static func directory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("paretopilot-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Writes an executable shell script.
    static func script(_ body: String, in directory: URL, name: String = "evaluate.sh") throws -> String {
        let path = directory.appendingPathComponent(name).path
        try ("#!/bin/sh\n" + body).write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o755)
        return path
    }

    /// Waits for a process to end, killing it (and failing the test) past `seconds`.
    static func wait(for process: Process, seconds: Double) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning {
            if Date() > deadline {
                kill(process.processIdentifier, SIGKILL)
                Issue.record("process \(process.processIdentifier) did not finish within \(seconds) s")
                return
            }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
    }

    /// The `paretopilot` executable built next to the tests.
    static var binary: String? {
        let candidates = [
            Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("paretopilot"),
            Bundle.main.bundleURL.appendingPathComponent("paretopilot"),
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent()
                .appendingPathComponent(".build/debug/paretopilot"),
        ]
        return candidates.map(\.path).first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}

/// Two objectives of two parameters from the environment, computed by awk: x² + y² and (x-1)² + y.
let twoObjectiveScript = """
    cat > /dev/null
    awk -v x="$PARETOPILOT_PARAM_X" -v y="$PARETOPILOT_PARAM_Y" 'BEGIN { printf("{\\"f1\\": %.17g, \\"f2\\": %.17g}\\n", x*x + y*y, (x-1)*(x-1) + y) }'
    """

@Suite("paretopilot optimize and study", .serialized)
struct OptimizeTests {
    func store(_ path: String) throws -> (StudyStore, Int64) {
        let store = try StudyStore(path: path)
        guard let study = try store.studies().first else { throw StoreError(.notFound, "'\(path)' holds no study yet") }
        return (store, study.id)
    }

    @Test("The built-in ToyTracker study runs to its budget and reports a front")
    func toyTracker() async throws {
        let directory = try Scratch.directory()
        var job = OptimizeJob()
        job.objectives = ["resolution", "cost"]
        job.budget = 14
        job.database = directory.appendingPathComponent("toy.sqlite").path
        let outcome = try await StudyExecution.run(job) { _ in }
        #expect(outcome.report.trials.count == 14)
        #expect(outcome.report.trials.allSatisfy { $0.state == .completed })
        #expect(!outcome.report.paretoTrials.isEmpty)
        #expect(outcome.report.hypervolumeHistory.last!.hypervolume > 0)
        let csv = outcome.report.csv.split(separator: "\n")
        #expect(csv.count == 15)
        #expect(csv[0].hasPrefix("trial,state,attempts,layers,outer_radius_m"))
        #expect(try JSONSerialization.jsonObject(with: Data(outcome.report.json.utf8)) is [[String: Any]])
        // Running again on the same file without --resume is refused, and the file is untouched.
        await #expect(throws: StudyError.self) { try await StudyExecution.run(job) { _ in } }
        job.resume = true
        job.budget = 16
        let resumed = try await StudyExecution.run(job) { _ in }
        #expect(resumed.report.trials.count == 16)
        #expect(Array(resumed.report.trials.prefix(14)) == outcome.report.trials)
        let plots = StudyPlots(report: resumed.report).files
        #expect(plots.map(\.0).contains("hypervolume.svg") && plots.allSatisfy { $0.1.hasPrefix("<svg") })
    }

    @Test(
        "An evaluator that always fails stops the study after five trials with its stderr's last lines, exit 1",
        .enabled(if: Scratch.binary != nil, "the paretopilot executable is not built next to the tests")
    )
    func alwaysFailingEvaluatorStopsEarly() async throws {
        let binary = try #require(Scratch.binary)
        let directory = try Scratch.directory()
        let script = try Scratch.script(
            "cat > /dev/null\necho 'Traceback (most recent call last):' >&2\necho 'ZeroDivisionError: division by zero' >&2\nexit 1\n",
            in: directory
        )
        let database = directory.appendingPathComponent("broken.sqlite").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = [
            "optimize", "--evaluator", script, "--objectives", "f", "--parameter", "x=0:1", "--budget", "60",
            "--workers", "4", "--db", database,
        ]
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        try await Scratch.wait(for: process, seconds: 60)
        let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 1)
        #expect(message.contains("the first 5 trials all failed"))
        #expect(message.contains("ZeroDivisionError: division by zero"))
        #expect(printed.contains("ZeroDivisionError"))
        let (store, study) = try store(database)
        let trials = try store.trials(study: study)
        #expect(trials.count <= 5)
        #expect(trials.allSatisfy { $0.state == .failed })
        // `study show` lists the failed trials with their last error.
        let show = Process()
        show.executableURL = URL(fileURLWithPath: binary)
        show.arguments = ["study", "show", database]
        let shown = Pipe()
        show.standardOutput = shown
        try show.run()
        try await Scratch.wait(for: show, seconds: 30)
        let text = String(decoding: shown.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(text.contains("Failed trials (\(trials.count))"))
        #expect(text.contains("ZeroDivisionError"))
    }

    @Test(
        "An external evaluator that sometimes fails and one that hangs: attempts are retried or failed, the search goes on"
    )
    func externalEvaluator() async throws {
        let directory = try Scratch.directory()
        // Fails on the first attempt of trials 2 and 5, always on trial 3; hangs on trial 4.
        let script = try Scratch.script(
            """
            marker="\(directory.path)/seen-$PARETOPILOT_TRIAL"
            case "$PARETOPILOT_TRIAL" in
              2|5) if [ ! -e "$marker" ]; then touch "$marker"; echo "transient failure" >&2; exit 3; fi ;;
              3) echo "permanent failure" >&2; exit 4 ;;
              4) sleep 30 ;;
            esac
            \(twoObjectiveScript)
            """,
            in: directory
        )
        var job = OptimizeJob()
        job.evaluatorCommand = script
        job.objectives = ["f1", "f2"]
        job.parameters = ["x=0:1", "y=0:1"]
        job.timeout = 1
        job.budget = 8
        job.workers = 2
        job.maxAttempts = 2
        job.strategy = "sobol"
        job.database = directory.appendingPathComponent("external.sqlite").path
        let outcome = try await StudyExecution.run(job) { _ in }
        let trials = outcome.report.trials
        #expect(trials.count == 8)
        #expect(trials[2].state == .completed && trials[2].attempts == 2)
        #expect(trials[3].state == .failed && trials[3].attempts == 2 && trials[3].lastError == "exit code 4")
        #expect(trials[4].state == .failed && trials[4].lastError?.hasPrefix("timed out") == true)
        #expect(trials.filter { $0.state == .completed }.count == 6)
        let x = trials[0].parameters[0]
        let y = trials[0].parameters[1]
        #expect(abs(trials[0].outputs!["f1"]! - (x * x + y * y)) < 1e-12)
    }

    @Test(
        "Bad input is rejected before anything runs, naming the problem",
        arguments: [
            (["--objectives", "nonsense"], "nonsense"),
            (["--evaluator", "/nonexistent/sim", "--objectives", "f", "--parameter", "x=0:1"], "not executable"),
            (["--evaluator", "true", "--objectives", "f", "--parameter", "x=1:0"], "not below"),
            (["--evaluator", "true", "--objectives", "f"], "--parameter"),
            (["--objectives", "resolution,cost", "--constraint", "cost<=-5"], "satisf"),
            (["--study", "/nonexistent/study.json"], "cannot read"),
        ]
    )
    func badInput(arguments: [String], expected: String) async throws {
        let directory = try Scratch.directory()
        var job = OptimizeJob()
        var iterator = arguments.makeIterator()
        while let flag = iterator.next() {
            let value = iterator.next()!
            switch flag {
            case "--objectives": job.objectives = value.split(separator: ",").map(String.init)
            case "--evaluator": job.evaluatorCommand = value
            case "--parameter": job.parameters.append(value)
            case "--constraint": job.constraints.append(value)
            case "--study": job.studyFile = value
            default: Issue.record("unknown flag \(flag)")
            }
        }
        job.database = directory.appendingPathComponent("bad.sqlite").path
        await #expect {
            try await StudyExecution.run(job) { _ in }
        } throws: { error in
            (error as? StudyError)?.message.contains(expected) == true
        }
        #expect(!FileManager.default.fileExists(atPath: job.database!))
    }

    @Test(
        "A study killed with SIGKILL mid-run and resumed keeps every completed observation once",
        .enabled(if: Scratch.binary != nil, "the paretopilot executable is not built next to the tests")
    )
    func killAndResume() async throws {
        let binary = try #require(Scratch.binary)
        let directory = try Scratch.directory()
        let script = try Scratch.script("sleep 0.2\n" + twoObjectiveScript, in: directory)
        let database = directory.appendingPathComponent("killed.sqlite").path
        let arguments = [
            "optimize", "--evaluator", script, "--objectives", "f1,f2", "--parameter", "x=0:1", "--parameter", "y=0:1",
            "--budget", "12", "--workers", "2", "--strategy", "sobol", "--db", database,
        ]
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        // Wait until a few trials are committed, then kill without warning.
        let deadline = Date().addingTimeInterval(30)
        var completedBefore = 0
        while Date() < deadline {
            try await Task.sleep(nanoseconds: 100_000_000)
            if FileManager.default.fileExists(atPath: database), let (store, study) = try? store(database) {
                completedBefore = (try? store.trials(study: study).filter { $0.state == .completed }.count) ?? 0
                if completedBefore >= 3 { break }
            }
        }
        kill(process.processIdentifier, SIGKILL)
        try await Scratch.wait(for: process, seconds: 60)
        let (before, study) = try store(database)
        let snapshot = try before.trials(study: study).filter { $0.state == .completed }
        #expect(snapshot.count >= 3 && snapshot.count < 12)

        let resume = Process()
        resume.executableURL = URL(fileURLWithPath: binary)
        resume.arguments = ["optimize", "--resume", "--db", database]
        resume.standardOutput = FileHandle.nullDevice
        try resume.run()
        try await Scratch.wait(for: resume, seconds: 120)
        #expect(resume.terminationStatus == 0)
        let final = try StudyStore(path: database).trials(study: study)
        #expect(final.count == 12)
        #expect(final.allSatisfy { $0.state == .completed })
        for trial in snapshot {
            #expect(final.first { $0.id == trial.id }?.outputs == trial.outputs)
        }
        #expect(Set(final.map(\.number)).count == 12)
    }
}

@Suite("Linear constraints between parameters")
struct ParameterConstraintTests {
    @Test("Every trial satisfies x + y <= 1 and 0.2 <= x - y, with the initial design and the acquisition")
    func linearConstraints() async throws {
        let directory = try Scratch.directory()
        let script = try Scratch.script(twoObjectiveScript, in: directory)
        var job = OptimizeJob()
        job.evaluatorCommand = script
        job.objectives = ["f1", "f2"]
        job.parameters = ["x=0:1", "y=0:1"]
        job.parameterConstraints = ["x + y <= 1", "x - y >= 0.2"]
        job.budget = 9
        job.workers = 3
        job.database = directory.appendingPathComponent("linear.sqlite").path
        let outcome = try await StudyExecution.run(job) { _ in }
        #expect(outcome.report.trials.count == 9)
        for trial in outcome.report.trials {
            let (x, y) = (trial.parameters[0], trial.parameters[1])
            #expect(x + y <= 1 + 1e-9 && x - y >= 0.2 - 1e-9, "trial \(trial.number): \(x), \(y)")
        }
    }

    @Test(
        "Unknown names, log-scale parameters and impossible constraints are rejected",
        arguments: [
            ("z + y <= 1", "no parameter named 'z'"),
            ("x + y", "expected"),
            ("x + y <= -3", "no design satisfies"),
        ]
    )
    func bad(constraint: String, expected: String) async throws {
        let directory = try Scratch.directory()
        var job = OptimizeJob()
        job.evaluatorCommand = "true"
        job.objectives = ["f1", "f2"]
        job.parameters = ["x=0:1", "y=0:1"]
        job.parameterConstraints = [constraint]
        job.database = directory.appendingPathComponent("bad.sqlite").path
        await #expect {
            try await StudyExecution.run(job) { _ in }
        } throws: { error in
            "\(error)".contains(expected)
        }
    }
}
