import Foundation
import StudyModel

/// The state of one job of a trial's workflow (a step, or one fan-out element of it):
/// `waiting -> queued -> running -> completed`, back to `queued` for a retry, `failed` after its
/// last attempt, `skipped` when its trial ended first.
public enum StepState: String, Sendable, Codable, CaseIterable {
    case waiting, queued, running, completed, failed, skipped

    /// Whether the step has its final state.
    public var isFinished: Bool { self == .completed || self == .failed || self == .skipped }
}

/// One job of a trial's workflow as stored.
public struct StepRecord: Sendable, Equatable {
    public var id: Int64
    public var trialID: Int64
    public var job: WorkflowJob
    public var state: StepState
    /// The JSON object the step printed last, once it completed.
    public var output: JSONValue?
}

/// How a trial ends when one of its steps ends it.
public enum TrialEnding: Sendable, Equatable {
    /// The step failed its last attempt: the trial fails.
    case failed
    /// The step declared the design infeasible.
    case infeasible
}

extension StudyStore {
    /// Inserts the steps of a new trial (inside the caller's transaction).
    func insertSteps(trial: Int64, study: Int64, workflow: Workflow) throws(StoreError) {
        for step in workflow.steps {
            let state: StepState = step.after.isEmpty ? .queued : .waiting
            for index in 0..<step.jobCount {
                try connection.query(
                    "INSERT INTO steps (trial_id, study_id, name, element, state) VALUES (?, ?, ?, ?, ?)",
                    [
                        .integer(trial), .integer(study), .text(step.name),
                        .integer(step.fanOut == nil ? -1 : Int64(index)), .text(state.rawValue),
                    ]
                )
            }
        }
    }

    private static func stepRecord(_ row: [SQLiteValue]) -> StepRecord {
        StepRecord(
            id: row[0].integer ?? 0,
            trialID: row[1].integer ?? 0,
            job: WorkflowJob(step: row[2].text ?? "", element: row[3].integer.flatMap { $0 >= 0 ? Int($0) : nil }),
            state: row[4].text.flatMap(StepState.init(rawValue:)) ?? .failed,
            output: row[5].text.flatMap { JSONValue(json: $0) }
        )
    }

    /// The steps of one trial, in the order they were created (the workflow's dependency order).
    public func steps(trial: Int64) throws(StoreError) -> [StepRecord] {
        try connection.query(
            "SELECT id, trial_id, name, element, state, output FROM steps WHERE trial_id = ? ORDER BY id",
            [.integer(trial)]
        ).map(Self.stepRecord)
    }

    /// The steps of every trial of a study (one query): trial id to its steps.
    public func steps(study: Int64) throws(StoreError) -> [Int64: [StepRecord]] {
        var steps: [Int64: [StepRecord]] = [:]
        for row in try connection.query(
            "SELECT id, trial_id, name, element, state, output FROM steps WHERE study_id = ? ORDER BY id",
            [.integer(study)]
        ) {
            let record = Self.stepRecord(row)
            steps[record.trialID, default: []].append(record)
        }
        return steps
    }

    /// Queued steps of a study, of one step name or any, oldest trial first.
    public func queuedSteps(study: Int64, step: String? = nil, limit: Int) throws(StoreError) -> [Int64] {
        if let step {
            return try connection.query(
                "SELECT id FROM steps WHERE study_id = ? AND state = 'queued' AND name = ? ORDER BY trial_id, id LIMIT ?",
                [.integer(study), .text(step), .integer(Int64(limit))]
            ).compactMap { $0[0].integer }
        }
        return try connection.query(
            "SELECT id FROM steps WHERE study_id = ? AND state = 'queued' ORDER BY trial_id, id LIMIT ?",
            [.integer(study), .integer(Int64(limit))]
        ).compactMap { $0[0].integer }
    }

    /// How many steps of a study are queued.
    public func queuedStepCount(study: Int64) throws(StoreError) -> Int {
        Int(
            try connection.query(
                "SELECT COUNT(*) FROM steps WHERE study_id = ? AND state = 'queued'",
                [.integer(study)]
            )[0][0].integer ?? 0
        )
    }

    /// Leases queued steps to `worker` in one transaction: each gets a new attempt (`leased` with a
    /// deadline, or `running` without one for a local worker) and moves to `running`, and so does
    /// its trial. Steps no longer queued are skipped. Returns the attempts created.
    public func leaseSteps(
        _ steps: [Int64],
        worker: String,
        expiresAt: Double?
    ) throws(StoreError) -> [AttemptRecord] {
        try connection.transaction { () throws(StoreError) -> [AttemptRecord] in
            var attempts: [Int64] = []
            let now = Date().timeIntervalSince1970
            for step in steps {
                guard
                    let row = try connection.query(
                        """
                        SELECT s.trial_id, t.state, (SELECT COALESCE(MAX(number), 0) + 1 FROM attempts a WHERE a.trial_id = s.trial_id)
                        FROM steps s JOIN trials t ON t.id = s.trial_id WHERE s.id = ? AND s.state = 'queued'
                        """,
                        [.integer(step)]
                    ).first, let trial = row[0].integer,
                    let state = row[1].text.flatMap(TrialState.init(rawValue:)), state == .pending || state == .running
                else { continue }
                try connection.query(
                    "INSERT INTO attempts (trial_id, number, state, started_at, worker, lease_expires_at, started_unix, step_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        .integer(trial), .integer(row[2].integer ?? 1), .text(expiresAt == nil ? "running" : "leased"),
                        .text(Self.now()), .text(worker), expiresAt.map { .real($0) } ?? .null, .real(now),
                        .integer(step),
                    ]
                )
                attempts.append(connection.lastInsertedRowID)
                try connection.query("UPDATE steps SET state = 'running' WHERE id = ?", [.integer(step)])
                if state == .pending { try setTrialState(trial, .running, queued: false) }
            }
            var records: [AttemptRecord] = []
            for attempt in attempts { records.append(try attemptRecord(attempt)) }
            return records
        }
    }

    /// Attempts of one step that count against its cap (released ones do not).
    public func countedAttempts(step: Int64) throws(StoreError) -> Int {
        Int(
            try connection.query(
                "SELECT COUNT(*) FROM attempts WHERE step_id = ? AND released = 0",
                [.integer(step)]
            )[0][0].integer ?? 0
        )
    }

    /// A study's step attempts per trial in one query: trial id to the number of step attempts, of
    /// those that resumed from a checkpoint, and of steps that took more than one.
    public func stepAttemptCounts(
        study: Int64
    ) throws(StoreError) -> [Int64: (attempts: Int, resumed: Int, retried: Int)] {
        var counts: [Int64: (attempts: Int, resumed: Int, retried: Int)] = [:]
        for row in try connection.query(
            """
            SELECT a.trial_id, COUNT(*), SUM(a.resumed) FROM attempts a JOIN trials t ON t.id = a.trial_id
            WHERE t.study_id = ? AND a.step_id IS NOT NULL GROUP BY a.trial_id, a.step_id
            """,
            [.integer(study)]
        ) {
            guard let trial = row[0].integer else { continue }
            let attempts = Int(row[1].integer ?? 0)
            var count = counts[trial] ?? (0, 0, 0)
            count.attempts += attempts
            count.resumed += Int(row[2].integer ?? 0)
            if attempts > 1 { count.retried += 1 }
            counts[trial] = count
        }
        return counts
    }

    /// Every attempt of a study's workflow steps, by step id, oldest first.
    public func stepAttempts(trial: Int64) throws(StoreError) -> [Int64: [AttemptRecord]] {
        var attempts: [Int64: [AttemptRecord]] = [:]
        for record in try self.attempts(trial: trial) {
            guard let step = record.stepID else { continue }
            attempts[step, default: []].append(record)
        }
        return attempts
    }

    /// Records a completed step attempt in one transaction: the attempt and its step complete with
    /// the step's `output`; the steps in `queue` (waiting ones whose dependencies are now done) are
    /// queued; and with `trialOutputs` (the last step of the trial) the trial completes with them.
    /// Returns the attempt's duration in seconds.
    @discardableResult
    public func completeStepAttempt(
        _ attempt: Int64,
        output: JSONValue?,
        resumed: Bool = false,
        queue: [Int64],
        trialOutputs: [String: Double]?
    ) throws(StoreError) -> Double? {
        try connection.transaction { () throws(StoreError) -> Double? in
            let trial = try markCompleted(attempt, resumed: resumed)
            try connection.query(
                "UPDATE steps SET state = 'completed', output = ? WHERE id = (SELECT step_id FROM attempts WHERE id = ?)",
                [output.map { .text($0.json) } ?? .null, .integer(attempt)]
            )
            for step in queue {
                try connection.query(
                    "UPDATE steps SET state = 'queued' WHERE id = ? AND state = 'waiting'",
                    [.integer(step)]
                )
            }
            if let trialOutputs {
                let message = "completed by its last step, job \(attempt)"
                try recordCompletion(trial, by: attempt, outputs: trialOutputs, message: message)
            }
            return try duration(of: attempt)
        }
    }

    /// Records a failed step attempt in one transaction. With `retry` the step is queued again;
    /// otherwise it fails, and with `ending` its trial ends (failed or infeasible): the steps not
    /// finished are skipped and their open attempts failed, so their pilots are told to stop.
    public func failStepAttempt(
        _ attempt: Int64,
        error: String,
        exitCode: Int32? = nil,
        stderrTail: String? = nil,
        resumed: Bool = false,
        retry: Bool,
        released: Bool = false,
        ending: TrialEnding?
    ) throws(StoreError) {
        try connection.transaction { () throws(StoreError) in
            let (trial, state) = try attemptInfo(attempt)
            guard state.isOpen else {
                throw StoreError(.invalidTransition, "attempt \(attempt) is \(state.rawValue); it cannot fail")
            }
            try markFailed(
                attempt,
                error: error,
                exitCode: exitCode,
                stderrTail: stderrTail,
                released: released,
                resumed: resumed
            )
            let stepState: StepState = retry ? .queued : .failed
            try connection.query(
                "UPDATE steps SET state = ? WHERE id = (SELECT step_id FROM attempts WHERE id = ?)",
                [.text(stepState.rawValue), .integer(attempt)]
            )
            guard let ending else { return }
            try connection.query(
                """
                UPDATE attempts SET state = 'failed', finished_at = ?, error = ?
                WHERE trial_id = ? AND state IN ('leased', 'running')
                """,
                [.text(Self.now()), .text("the trial ended: \(error)"), .integer(trial)]
            )
            try connection.query(
                "UPDATE steps SET state = 'skipped' WHERE trial_id = ? AND state IN ('waiting', 'queued', 'running')",
                [.integer(trial)]
            )
            switch ending {
            case .failed:
                try setTrialState(trial, .failed, queued: false)
                try logResult(trial: trial, kind: "trial_failed", message: error)
            case .infeasible:
                try setTrialState(trial, .infeasible, queued: false)
                try logResult(trial: trial, kind: "trial_infeasible", message: error)
            }
        }
    }
}
