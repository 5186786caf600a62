import Foundation
import Memberwise
import StudyModel

/// One attempt as the distribution layer sees it: who holds it, until when, and how it ended.
public struct AttemptRecord: Sendable, Equatable {
    public var id: Int64
    public var trialID: Int64
    public var studyID: Int64
    public var trialNumber: Int
    public var number: Int
    public var state: AttemptState
    /// The pilot (or client) that holds or held the attempt.
    public var worker: String?
    /// Lease deadline, Unix seconds; `nil` for attempts without a lease (ask/tell, in-process).
    public var leaseExpiresAt: Double?
    public var error: String?
    public var exitCode: Int32?
    /// Outputs recorded by this attempt, if it completed.
    public var outputs: [String: Double]?
    public var parameters: [Double]
    /// Seconds from start to completion, for a completed attempt.
    public var duration: Double? = nil
    /// The tail of the evaluator's stderr, for a failed attempt that ran a process.
    public var stderrTail: String? = nil
    /// The workflow step this attempt runs, for a workflow evaluator: its row and job.
    public var stepID: Int64? = nil
    public var step: WorkflowJob? = nil
    /// Whether the attempt resumed from its step's checkpoint.
    public var resumed = false
}

/// A trial's attempts as a listing shows them.
@MemberwiseInit
public struct AttemptSummary: Sendable, Equatable {
    /// The attempts' job ids, oldest first.
    public var jobs: [Int64] = []
    /// The pilot (or client) of the latest attempt that named one.
    public var worker: String?
    /// Seconds the completed attempt ran.
    public var duration: Double?
    /// The stderr tail of the latest failed attempt that ran a process.
    public var stderrTail: String?
}

/// A log line of an attempt (defined with the vocabulary the wire protocol shares).
public typealias LogLine = StudyModel.LogLine

extension StudyStore {
    // MARK: Queue

    /// Adds pending trials for `designs` in one transaction, numbered after the existing ones.
    ///
    /// For a workflow evaluator, each trial gets its steps (one per step and fan-out element):
    /// those without dependencies queued, the others waiting.
    public func createTrials(
        study: Int64,
        designs: [[Double]],
        workflow: Workflow? = nil
    ) throws(StoreError) -> [TrialRecord] {
        try connection.transaction { () throws(StoreError) -> [TrialRecord] in
            var next =
                try connection.query(
                    "SELECT COALESCE(MAX(number), -1) + 1 FROM trials WHERE study_id = ?",
                    [.integer(study)]
                )[0][0].integer ?? 0
            let now = Self.now()
            var records: [TrialRecord] = []
            for design in designs {
                try connection.query(
                    "INSERT INTO trials (study_id, number, parameters, state, created_at, updated_at, queued) VALUES (?, ?, ?, 'pending', ?, ?, 1)",
                    [.integer(study), .integer(next), .text(Self.encode(design)), .text(now), .text(now)]
                )
                let id = connection.lastInsertedRowID
                if let workflow { try insertSteps(trial: id, study: study, workflow: workflow) }
                records.append(
                    TrialRecord(
                        id: id,
                        number: Int(next),
                        parameters: design,
                        state: .pending,
                        attempts: 0,
                        outputs: nil,
                        lastError: nil
                    )
                )
                next += 1
            }
            return records
        }
    }

    /// Trials waiting for a worker: pending ones and running ones whose last attempt failed and may
    /// be retried (no open attempt), oldest first.
    public func queuedTrials(study: Int64, limit: Int) throws(StoreError) -> [(id: Int64, number: Int)] {
        try connection.query(
            "SELECT id, number FROM trials WHERE study_id = ? AND queued = 1 ORDER BY number LIMIT ?",
            [.integer(study), .integer(Int64(limit))]
        ).map { ($0[0].integer ?? 0, Int($0[1].integer ?? 0)) }
    }

    /// How many trials wait for a worker, counting up to `limit`.
    public func queuedCount(study: Int64, limit: Int) throws(StoreError) -> Int {
        Int(
            try connection.query(
                "SELECT COUNT(*) FROM (SELECT 1 FROM trials WHERE study_id = ? AND queued = 1 LIMIT ?)",
                [.integer(study), .integer(Int64(limit))]
            )[0][0].integer ?? 0
        )
    }

    /// Leases the given queued trials to `worker` until `expiresAt` (Unix seconds), all in one
    /// transaction: each gets a new `leased` attempt and moves to `running`. Trials that are no longer
    /// queued (another caller took them) are skipped. Returns the attempts created.
    public func lease(
        trials: [Int64],
        worker: String,
        expiresAt: Double
    ) throws(StoreError) -> [AttemptRecord] {
        try connection.transaction { () throws(StoreError) -> [AttemptRecord] in
            var leased: [AttemptRecord] = []
            let now = Date().timeIntervalSince1970
            for trial in trials {
                guard
                    let row = try connection.query(
                        """
                        SELECT t.state, t.study_id, t.number, t.parameters,
                               (SELECT COUNT(*) FROM attempts a WHERE a.trial_id = t.id AND a.state IN ('leased', 'running')),
                               (SELECT COALESCE(MAX(number), 0) + 1 FROM attempts a WHERE a.trial_id = t.id)
                        FROM trials t WHERE t.id = ?
                        """,
                        [.integer(trial)]
                    ).first,
                    let state = row[0].text.flatMap(TrialState.init(rawValue:)),
                    state == .pending || state == .running, row[4].integer == 0
                else { continue }
                let number = row[5].integer ?? 1
                try connection.query(
                    "INSERT INTO attempts (trial_id, number, state, started_at, worker, lease_expires_at, started_unix) VALUES (?, ?, 'leased', ?, ?, ?, ?)",
                    [.integer(trial), .integer(number), .text(Self.now()), .text(worker), .real(expiresAt), .real(now)]
                )
                let attempt = connection.lastInsertedRowID
                try connection.query(
                    "UPDATE trials SET state = 'running', updated_at = ?, queued = 0 WHERE id = ?",
                    [.text(Self.now()), .integer(trial)]
                )
                leased.append(
                    AttemptRecord(
                        id: attempt,
                        trialID: trial,
                        studyID: row[1].integer ?? 0,
                        trialNumber: Int(row[2].integer ?? 0),
                        number: Int(number),
                        state: .leased,
                        worker: worker,
                        leaseExpiresAt: expiresAt,
                        parameters: Self.decodeDoubles(row[3].text)
                    )
                )
            }
            return leased
        }
    }

    /// Extends the lease of an open attempt and marks it running. Returns the attempt as stored
    /// after the update (unchanged if it was no longer open).
    public func renewLease(attempt: Int64, until expiresAt: Double) throws(StoreError) -> AttemptRecord {
        try connection.query(
            "UPDATE attempts SET state = 'running', lease_expires_at = ? WHERE id = ? AND state IN ('leased', 'running')",
            [.real(expiresAt), .integer(attempt)]
        )
        return try attemptRecord(attempt)
    }

    /// Attempts leased to `worker` before `before` (Unix seconds) that it never started (no
    /// heartbeat yet): their lease answer was lost on the way.
    public func unstartedLeases(worker: String, before: Double) throws(StoreError) -> [AttemptRecord] {
        let ids = try connection.query(
            "SELECT id FROM attempts WHERE state = 'leased' AND worker = ? AND started_unix < ? ORDER BY id",
            [.text(worker), .real(before)]
        ).compactMap { $0[0].integer }
        var records: [AttemptRecord] = []
        for id in ids { records.append(try attemptRecord(id)) }
        return records
    }

    /// Open attempts whose lease ended before `now` (Unix seconds).
    public func expiredAttempts(now: Double) throws(StoreError) -> [AttemptRecord] {
        let ids = try connection.query(
            "SELECT id FROM attempts WHERE state IN ('leased', 'running') AND lease_expires_at IS NOT NULL AND lease_expires_at < ?",
            [.real(now)]
        ).compactMap { $0[0].integer }
        var records: [AttemptRecord] = []
        for id in ids { records.append(try attemptRecord(id)) }
        return records
    }

    /// Attempts of a trial that count against its cap (released ones do not).
    public func countedAttempts(trial: Int64) throws(StoreError) -> Int {
        Int(
            try connection.query(
                "SELECT COUNT(*) FROM attempts WHERE trial_id = ? AND released = 0",
                [.integer(trial)]
            )[0][0].integer ?? 0
        )
    }

    /// One attempt with its trial, study and, if it completed, its outputs.
    public func attemptRecord(_ attempt: Int64) throws(StoreError) -> AttemptRecord {
        guard
            let row = try connection.query(
                """
                SELECT a.id, a.trial_id, t.study_id, t.number, a.number, a.state, a.worker, a.lease_expires_at,
                       a.error, a.exit_code, o.outputs, t.parameters, a.duration, a.stderr_tail,
                       a.step_id, s.name, s.element, a.resumed
                FROM attempts a JOIN trials t ON t.id = a.trial_id
                LEFT JOIN observations o ON o.trial_id = a.trial_id AND o.attempt_id = a.id
                LEFT JOIN steps s ON s.id = a.step_id
                WHERE a.id = ?
                """,
                [.integer(attempt)]
            ).first
        else { throw StoreError(.notFound, "no job \(attempt)") }
        return AttemptRecord(
            id: row[0].integer ?? 0,
            trialID: row[1].integer ?? 0,
            studyID: row[2].integer ?? 0,
            trialNumber: Int(row[3].integer ?? 0),
            number: Int(row[4].integer ?? 0),
            state: row[5].text.flatMap(AttemptState.init(rawValue:)) ?? .failed,
            worker: row[6].text,
            leaseExpiresAt: row[7].double,
            error: row[8].text,
            exitCode: row[9].integer.map { Int32(truncatingIfNeeded: $0) },
            outputs: row[10].text.flatMap {
                try? JSONDecoder().decode([String: Double].self, from: Data($0.utf8))
            },
            parameters: Self.decodeDoubles(row[11].text),
            duration: row[12].double,
            stderrTail: row[13].text,
            stepID: row[14].integer,
            step: row[15].text.map { name in
                WorkflowJob(step: name, element: row[16].integer.flatMap { $0 >= 0 ? Int($0) : nil })
            },
            resumed: (row[17].integer ?? 0) != 0
        )
    }

    /// The number of a study's trials in each state.
    public func trialStateCounts(study: Int64) throws(StoreError) -> [TrialState: Int] {
        var counts: [TrialState: Int] = [:]
        for row in try connection.query(
            "SELECT state, COUNT(*) FROM trials WHERE study_id = ? GROUP BY state",
            [.integer(study)]
        ) {
            if let state = row[0].text.flatMap(TrialState.init(rawValue:)) { counts[state] = Int(row[1].integer ?? 0) }
        }
        return counts
    }

    /// The state of one trial.
    public func trialStateOf(_ trial: Int64) throws(StoreError) -> TrialState {
        guard
            let state = try connection.query("SELECT state FROM trials WHERE id = ?", [.integer(trial)]).first?[0].text
                .flatMap(TrialState.init(rawValue:))
        else { throw StoreError(.notFound, "no trial \(trial)") }
        return state
    }

    /// The open (leased or running) attempt of each trial of a study that has one: trial id to attempt id.
    public func openAttempts(study: Int64) throws(StoreError) -> [Int64: Int64] {
        var open: [Int64: Int64] = [:]
        for row in try connection.query(
            """
            SELECT a.trial_id, a.id FROM attempts a JOIN trials t ON t.id = a.trial_id
            WHERE t.study_id = ? AND a.state IN ('leased', 'running')
            """,
            [.integer(study)]
        ) {
            if let trial = row[0].integer, let attempt = row[1].integer { open[trial] = attempt }
        }
        return open
    }

    /// What a trial listing shows of every trial's attempts (one query for the whole study): trial id
    /// to its summary.
    public func attemptSummaries(study: Int64) throws(StoreError) -> [Int64: AttemptSummary] {
        var summaries: [Int64: AttemptSummary] = [:]
        for row in try connection.query(
            """
            SELECT a.trial_id, a.id, a.worker, a.state, a.duration, a.stderr_tail
            FROM attempts a JOIN trials t ON t.id = a.trial_id
            WHERE t.study_id = ? ORDER BY a.trial_id, a.number
            """,
            [.integer(study)]
        ) {
            guard let trial = row[0].integer, let attempt = row[1].integer else { continue }
            var summary = summaries[trial] ?? AttemptSummary()
            summary.jobs.append(attempt)
            summary.worker = row[2].text ?? summary.worker
            let state = row[3].text.flatMap(AttemptState.init(rawValue:))
            if state == .completed { summary.duration = row[4].double }
            if state == .failed, let tail = row[5].text { summary.stderrTail = tail }
            summaries[trial] = summary
        }
        return summaries
    }

    /// Every open (leased or running) attempt of every study, by job id.
    public func openAttemptRecords() throws(StoreError) -> [AttemptRecord] {
        let ids = try connection.query(
            "SELECT id FROM attempts WHERE state IN ('leased', 'running') ORDER BY id"
        ).compactMap { $0[0].integer }
        var records: [AttemptRecord] = []
        for id in ids { records.append(try attemptRecord(id)) }
        return records
    }

    /// The attempts of one trial, oldest first.
    public func attempts(trial: Int64) throws(StoreError) -> [AttemptRecord] {
        let ids = try connection.query(
            "SELECT id FROM attempts WHERE trial_id = ? ORDER BY number",
            [.integer(trial)]
        ).compactMap { $0[0].integer }
        var records: [AttemptRecord] = []
        for id in ids { records.append(try attemptRecord(id)) }
        return records
    }

    /// The id of a study's trial by number.
    public func trialID(study: Int64, number: Int) throws(StoreError) -> Int64 {
        guard
            let id = try connection.query(
                "SELECT id FROM trials WHERE study_id = ? AND number = ?",
                [.integer(study), .integer(Int64(number))]
            ).first?[0].integer
        else { throw StoreError(.notFound, "no trial \(number) in study \(study)") }
        return id
    }

    /// Durations in seconds of a study's latest `limit` completed attempts, oldest first.
    public func completedDurations(study: Int64, limit: Int) throws(StoreError) -> [Double] {
        try connection.query(
            """
            SELECT a.duration FROM attempts a JOIN trials t ON t.id = a.trial_id
            WHERE t.study_id = ? AND a.state = 'completed' AND a.duration IS NOT NULL
            ORDER BY a.id DESC LIMIT ?
            """,
            [.integer(study), .integer(Int64(limit))]
        ).compactMap { $0[0].double }.reversed()
    }

    // MARK: Logs

    /// Appends log lines to an attempt in one transaction.
    public func appendLogs(attempt: Int64, lines: [(stream: String, text: String)]) throws(StoreError) {
        let now = Date().timeIntervalSince1970
        try connection.transaction { () throws(StoreError) in
            for line in lines {
                try connection.query(
                    "INSERT INTO logs (attempt_id, stream, line, at) VALUES (?, ?, ?, ?)",
                    [.integer(attempt), .text(line.stream), .text(line.text), .real(now)]
                )
            }
        }
    }

    /// Log lines of an attempt after the line `after` (exclusive), oldest first.
    public func logs(attempt: Int64, after: Int64 = 0, limit: Int = 10_000) throws(StoreError) -> [LogLine] {
        try connection.query(
            "SELECT id, stream, line, at FROM logs WHERE attempt_id = ? AND id > ? ORDER BY id LIMIT ?",
            [.integer(attempt), .integer(after), .integer(Int64(limit))]
        ).map {
            LogLine(id: $0[0].integer ?? 0, stream: $0[1].text ?? "", text: $0[2].text ?? "", at: $0[3].double ?? 0)
        }
    }

    /// Parses a JSON array of numbers as this store writes it (`[0.5,1,2e-05]`), falling back to
    /// the JSON decoder for anything else (spaces, `null`).
    static func decodeDoubles(_ text: String?) -> [Double] {
        guard let text, text.first == "[", text.last == "]" else { return [] }
        let body = text.dropFirst().dropLast()
        if body.isEmpty { return [] }
        var values: [Double] = []
        for part in body.split(separator: ",", omittingEmptySubsequences: false) {
            guard let value = Double(part) else {
                return (try? JSONDecoder().decode([Double].self, from: Data(text.utf8))) ?? []
            }
            values.append(value)
        }
        return values
    }
}
