import Engine
import Foundation
import Store
import Studies
import StudyModel
import Testing

/// Workflows run locally through the engine: the same step lifecycle pilots get.
@Suite("Workflow evaluators run locally: order, fan-out, per-step retries, infeasible designs")
struct WorkflowTests {
    /// A study file's workflow with steps `a -> b (fan-out over 3 elements) -> c (objectives)`, each
    /// step logging its start and end to `order.log` in the trial directory. `b` runs `bCommand`
    /// before printing its output; `a` runs `aCommand` first.
    func study(
        budget: Int,
        aCommand: String = "true",
        aFailure: StepFailureMeaning = .error,
        bCommand: String = "true",
        bAttempts: Int = 2
    ) throws -> StudySpecification {
        let log = #"echo "$PARETOPILOT_STEP${PARETOPILOT_ELEMENT_INDEX:-} $1" >> order.log"#
        func shell(_ body: String) -> String { "sh -c '\(body.replacingOccurrences(of: "'", with: "'\\''"))' step" }
        var a = WorkflowStep(
            name: "a",
            command: shell(
                "set -- start; \(log); \(aCommand) || exit $?; set -- end; \(log); echo '{\"geometry\": \"ok\"}'"
            )
        )
        a.onFailure = aFailure
        var b = WorkflowStep(
            name: "b",
            command: shell(
                #"set -- start; \#(log); cat > /dev/null; \#(bCommand); set -- end; \#(log); echo "{\"value\": $PARETOPILOT_ELEMENT}""#
            ),
            after: ["a"],
            fanOut: [.number(10), .number(20), .number(30)]
        )
        b.maxAttempts = bAttempts
        let c = WorkflowStep(
            name: "c",
            command: shell(
                #"set -- start; \#(log); cat > c.stdin; n=$(ls .checkpoints | grep -c '^b\.'); echo "{\"f\": $n, \"g\": 1}""#
            ),
            after: ["b"],
            objectives: true
        )
        var evaluator = StudySpecification.Evaluator()
        evaluator.steps = try Workflow(steps: [c, b, a])
        var specification = StudySpecification(
            name: "wf",
            parameters: [.float("x", 0, 1)],
            objectives: [.init(name: "f"), .init(name: "g")],
            evaluator: evaluator,
            budget: budget,
            maxAttempts: 1,
            strategy: .sobol
        )
        specification = try specification.resolved()
        return specification
    }

    /// Runs the study locally; returns the engine, the study id and the work directory.
    func run(_ specification: StudySpecification, workers: Int = 3) async throws -> (StudyEngine, Int64, String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("wf-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let engine = try StudyEngine(store: StudyStore(path: directory + "/study.sqlite"))
        let runtime = try engine.createStudy(specification)
        let runner = LocalStudyRunner(engine: engine, study: runtime.id, evaluator: nil, workDirectory: directory)
        _ = try await runner.run(workers: workers) { _ in }
        return (engine, runtime.id, directory)
    }

    func orderLog(_ directory: String, trial: Int) throws -> [String] {
        try String(contentsOfFile: "\(directory)/wf/trial-\(trial)/order.log", encoding: .utf8)
            .split(separator: "\n").map(String.init)
    }

    @Test("Steps run after their dependencies, every fan-out element once, and later steps read earlier outputs")
    func orderAndFanOut() async throws {
        let (engine, study, directory) = try await run(try self.study(budget: 2))
        let trials = try engine.store.trials(study: study)
        #expect(trials.map(\.state) == [.completed, .completed])
        for trial in trials {
            #expect(trial.outputs == ["f": 3, "g": 1])
            let steps = try engine.store.steps(trial: trial.id)
            #expect(steps.map(\.job.label) == ["a", "b[0]", "b[1]", "b[2]", "c"])
            #expect(steps.allSatisfy { $0.state == .completed })
            #expect(try engine.store.attempts(trial: trial.id).count == 5)
            let log = try orderLog(directory, trial: trial.number)
            let position = { (line: String) in log.firstIndex(of: line) ?? -1 }
            #expect(log.filter { $0.hasPrefix("a ") }.count == 2)
            for element in 0..<3 {
                #expect(position("a end") < position("b\(element) start"))
                #expect(position("b\(element) end") < position("c start"))
                #expect(log.filter { $0 == "b\(element) start" }.count == 1)
            }
            let stdin = try Data(contentsOf: URL(fileURLWithPath: "\(directory)/wf/trial-\(trial.number)/c.stdin"))
            let request = try JSONDecoder().decode([String: JSONValue].self, from: stdin)
            guard case .object(let inputs)? = request["steps"] else {
                Issue.record("c got no step outputs: \(request)")
                continue
            }
            #expect(inputs["a"] == .object(["geometry": .string("ok")]))
            #expect(inputs["b"] == .array([10, 20, 30].map { .object(["value": .number($0)]) }))
        }
    }

    @Test("A step killed with SIGKILL mid-run runs again alone, from its checkpoint directory; earlier steps do not")
    func killedStepRerunsAlone() async throws {
        let once =
            #"if [ "$PARETOPILOT_ELEMENT_INDEX" = 1 ] && [ ! -f "$PARETOPILOT_CHECKPOINT_DIR/half" ]; then touch "$PARETOPILOT_CHECKPOINT_DIR/half"; kill -9 $$; fi"#
        let (engine, study, directory) = try await run(try self.study(budget: 1, bCommand: once))
        let trial = try #require(try engine.store.trials(study: study).first)
        #expect(trial.state == .completed)
        let steps = try engine.store.steps(trial: trial.id)
        let attempts = try engine.store.stepAttempts(trial: trial.id)
        for step in steps {
            let expected = step.job.label == "b[1]" ? 2 : 1
            #expect(attempts[step.id]?.count == expected, "\(step.job.label)")
        }
        let retried = try #require(steps.first { $0.job.label == "b[1]" }.flatMap { attempts[$0.id] })
        // The shell that ran the step reports its child's SIGKILL as status 128 + 9.
        let error = retried[0].error ?? ""
        #expect(
            retried[0].state == .failed && (error.contains("killed by signal 9") || error.contains("exit code 137"))
        )
        #expect(retried[0].resumed == false && retried[1].resumed == true && retried[1].state == .completed)
        #expect(try orderLog(directory, trial: 0).filter { $0.hasPrefix("a ") } == ["a start", "a end"])
    }

    @Test("A step that fails its last attempt fails the trial with its name and stderr; the steps after it never run")
    func lastAttemptFailsTrial() async throws {
        let broken =
            #"if [ "$PARETOPILOT_ELEMENT_INDEX" = 2 ]; then echo "G4Exception: geant4 crashed" >&2; exit 1; fi"#
        var specification = try self.study(budget: 1, bCommand: broken, bAttempts: 2)
        specification.maxFailureRate = 1
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("wf-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let engine = try StudyEngine(store: StudyStore(path: directory + "/study.sqlite"))
        let runtime = try engine.createStudy(specification)
        let runner = LocalStudyRunner(engine: engine, study: runtime.id, evaluator: nil, workDirectory: directory)
        var failures: [EvaluationFailure] = []
        _ = try await runner.run(workers: 3) { progress in
            if case .failed(let failure) = progress.event { failures.append(failure) }
        }
        let trial = try #require(try engine.store.trials(study: runtime.id).first)
        #expect(trial.state == .failed)
        #expect(trial.lastError?.contains("step 'b[2]' failed: exit code 1") == true)
        #expect(failures.count == 1 && failures.first?.stderrTail?.contains("geant4 crashed") == true)
        let steps = Dictionary(uniqueKeysWithValues: try engine.store.steps(trial: trial.id).map { ($0.job.label, $0) })
        #expect(steps["b[2]"]?.state == .failed && steps["c"]?.state == .skipped)
        #expect(try engine.store.stepAttempts(trial: trial.id)[steps["b[2]"]!.id]?.count == 2)
        #expect(try orderLog(directory, trial: 0).contains("c start") == false)
    }

    @Test("A step whose failure means infeasible records the design as infeasible, for the feasibility model")
    func infeasibleDesigns() async throws {
        let overlap = #"awk -v x="$PARETOPILOT_PARAM_X" 'BEGIN { exit !(x > 0.5) }' && exit 3; true"#
        let specification = try self.study(budget: 6, aCommand: overlap, aFailure: .infeasible)
        let (engine, study, _) = try await run(specification)
        let trials = try engine.store.trials(study: study)
        let infeasible = trials.filter { $0.state == .infeasible }
        #expect(trials.count == 6 && !infeasible.isEmpty && infeasible.count < 6)
        #expect(infeasible.allSatisfy { $0.parameters[0] > 0.5 })
        #expect(trials.filter { $0.state == .completed }.allSatisfy { $0.parameters[0] <= 0.5 })
        let runtime = try engine.runtime(String(study))
        #expect(runtime.stopReason == nil && runtime.failedCount == 0)
        #expect(runtime.infeasibleCount == infeasible.count)
        #expect(runtime.observations.infeasibleInputs == infeasible.map(\.parameters))
        // Each trial has one result; an infeasible one skipped the steps after its check.
        #expect(try engine.store.results(study: study, after: 0).count == 6)
        for trial in infeasible {
            #expect(try engine.store.steps(trial: trial.id).filter { $0.state == .skipped }.count == 4)
        }
        // Reopened from the file, the study sees the same infeasible designs.
        let reopened = try StudyEngine(store: engine.store)
        #expect(try reopened.runtime(String(study)).observations.infeasibleInputs.count == infeasible.count)
    }

    @Test("An expired lease of a step queues that step again; a repeated report changes nothing")
    func expiredStepLease() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("wf-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let engine = try StudyEngine(store: StudyStore(path: directory + "/study.sqlite"))
        var specification = try study(budget: 1)
        specification.maxAttempts = 2
        let runtime = try engine.createStudy(specification)
        let trial = try engine.storeCandidates(engine.candidateRequest(runtime.id, count: 1).compute())[0]
        let first = try #require(try engine.leaseSteps(runtime.id, worker: "p1", limit: 5, expiresAt: 1).first)
        #expect(first.step?.label == "a")
        #expect(try engine.reapExpiredLeases(now: 2).map(\.id) == [first.id])
        #expect(try engine.store.trialStateOf(trial.id) == .running)
        let second = try #require(try engine.leaseSteps(runtime.id, worker: "p2", limit: 5, expiresAt: 1e12).first)
        #expect(second.stepID == first.stepID && second.id != first.id)
        #expect(try engine.record(.step(output: nil, resumed: false), for: second, retry: true) == .stepCompleted)
        let done = try engine.store.attemptRecord(second.id)
        #expect(try engine.record(.step(output: nil, resumed: false), for: done, retry: true) == .unchanged)
        // The three fan-out elements of b are queued now, not c.
        #expect(try engine.store.queuedStepCount(study: runtime.id) == 3)
    }
}

@Suite("Workflow definitions are checked when parsed, naming the step")
struct WorkflowDefinitionTests {
    static let bad: [(json: String, field: String, words: String)] = [
        (
            #"[{"name": "a", "command": "x", "after": ["b"], "objectives": true}]"#, "steps[0].after",
            "'b', which is not a step"
        ),
        (
            #"[{"name": "a", "command": "x", "after": ["b"]}, {"name": "b", "command": "y", "after": ["a"]}, {"name": "c", "command": "z", "objectives": true}]"#,
            "steps[0].after", "cycle"
        ),
        (#"[{"name": "a", "command": "x"}]"#, "steps", "no step is marked"),
        (
            #"[{"name": "a", "command": "x", "objectives": true}, {"name": "b", "command": "y", "objectives": true}]"#,
            "steps", "'a', 'b'"
        ),
        (
            #"[{"name": "a", "command": "x", "objectives": true, "fan_out": [1, 2]}]"#, "steps[0].fan_out",
            "cannot be fanned out"
        ),
        (
            #"[{"name": "a", "command": "x", "objectives": true}, {"name": "a", "command": "y"}]"#, "steps[1].name",
            "defined twice"
        ),
        (#"[{"name": "a", "command": "x", "objectives": true, "after": ["a"]}]"#, "steps[0].after", "itself"),
        (#"[{"name": "a b", "command": "x", "objectives": true}]"#, "steps[0].name", "letters, digits"),
        (
            #"[{"name": "a", "command": "x", "objectives": true, "max_attempts": 0}]"#, "steps[0].max_attempts",
            "at least 1"
        ),
        (#"[{"name": "a", "command": "x", "objectives": true, "fan_out": []}]"#, "steps[0].fan_out", "1 to 10000"),
        (
            #"[{"name": "a", "command": "x", "objectives": true, "on_failure": "ignore"}]"#, "steps[0].on_failure",
            "error, infeasible"
        ),
        (#"[{"name": "a", "command": "x", "objectives": true, "retries": 2}]"#, "steps[0].retries", "unknown field"),
    ]

    @Test("A bad workflow is refused with the field and the step named", arguments: bad.indices)
    func refused(_ index: Int) throws {
        let (steps, field, words) = Self.bad[index]
        let json =
            #"{"name": "s", "parameters": [{"name": "x", "type": "float", "lower": 0, "upper": 1}], "objectives": [{"name": "f"}], "evaluator": {"steps": \#(steps)}}"#
        do {
            _ = try StudySpecification.decode(json: Data(json.utf8), source: "study.json")
            Issue.record("accepted: \(steps)")
        } catch {
            #expect(error.field == "evaluator.\(field)", "\(error.message)")
            #expect(error.message.contains(words), "\(error.message)")
        }
    }

    @Test("Steps are kept in dependency order and round-trip through JSON")
    func orderAndRoundTrip() throws {
        let json =
            #"[{"name": "report", "command": "r", "after": ["sim"], "objectives": true}, {"name": "sim", "command": "s", "fan_out": ["pi", "kaon"], "after": ["check"]}, {"name": "check", "command": "c", "on_failure": "infeasible"}]"#
        let workflow = try JSONDecoder().decode(Workflow.self, from: Data(json.utf8))
        #expect(workflow.steps.map(\.name) == ["check", "sim", "report"])
        #expect(workflow.jobs.map(\.label) == ["check", "sim[0]", "sim[1]", "report"])
        #expect(workflow.objectivesStep == "report" && workflow.hasInfeasibleSteps)
        let again = try JSONDecoder().decode(Workflow.self, from: JSONEncoder().encode(workflow))
        #expect(again == workflow)
    }
}
