import Foundation
import StudyModel

/// The state of a trial. A trial only moves forward: `pending -> running -> completed | failed`;
/// a retry is a new attempt of the same (still running) trial.
public typealias TrialState = StudyModel.TrialState

/// The state of one attempt at evaluating a trial: `leased -> running -> completed | failed`.
///
/// An attempt handed to a pilot starts `leased` (reserved, with a lease that expires unless the pilot
/// heartbeats) and becomes `running` at its first heartbeat; an attempt run in-process or handed to
/// an ask/tell client starts `running`. A leased or running attempt whose lease expires is failed by
/// the reaper, and its trial gets a new attempt.
public enum AttemptState: String, Sendable, Codable {
    case leased, running, completed, failed

    /// Whether the attempt is still open (leased or running).
    public var isOpen: Bool { self == .leased || self == .running }
}

/// A trial as stored, with its latest observation.
public struct TrialRecord: Sendable, Equatable {
    public var id: Int64
    public var number: Int
    public var parameters: [Double]
    public var state: TrialState
    public var attempts: Int
    /// Outputs of the completed attempt, by name (objectives and other metrics).
    public var outputs: [String: Double]?
    public var lastError: String?
    /// Free-form text attached to the trial (for instance `arm_name` and `generation_method` from Ax).
    public var metadata: [String: String]? = nil
}

/// Studies, trials, attempts, observations and events in one SQLite file (WAL mode).
///
/// Every state transition is one transaction, so killing the process at any moment loses nothing
/// that was completed. The schema is versioned; opening applies the migrations it lacks and refuses
/// a file written by a newer ParetoPilot.
public final class StudyStore {
    let connection: SQLiteConnection
    /// The schema version this build writes.
    public static let schemaVersion = 9

    /// Opens or creates the store at `path`. A server passes `autoCheckpoint: false` and runs a
    /// ``WALCheckpointer``, so that no request waits for the log to be copied into the database.
    public init(path: String, autoCheckpoint: Bool = true) throws(StoreError) {
        connection = try SQLiteConnection(path: path, autoCheckpoint: autoCheckpoint)
        try migrate()
    }

    /// The file's path.
    public var path: String { connection.path }

    private func migrate() throws(StoreError) {
        try connection.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)"
        )
        let current = try connection.query("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")[0][0].integer ?? 0
        if current > Int64(Self.schemaVersion) {
            throw StoreError(
                .schemaTooNew,
                "'\(path)' has schema version \(current); this ParetoPilot reads up to \(Self.schemaVersion)"
            )
        }
        let migrations: [Int: String] = [
            1: """
            CREATE TABLE studies (
                id INTEGER PRIMARY KEY,
                name TEXT NOT NULL UNIQUE,
                specification TEXT NOT NULL,
                created_at TEXT NOT NULL
            );
            CREATE TABLE trials (
                id INTEGER PRIMARY KEY,
                study_id INTEGER NOT NULL REFERENCES studies(id),
                number INTEGER NOT NULL,
                parameters TEXT NOT NULL,
                state TEXT NOT NULL CHECK (state IN ('pending', 'running', 'completed', 'failed')),
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL,
                UNIQUE (study_id, number)
            );
            CREATE TABLE attempts (
                id INTEGER PRIMARY KEY,
                trial_id INTEGER NOT NULL REFERENCES trials(id),
                number INTEGER NOT NULL,
                state TEXT NOT NULL CHECK (state IN ('running', 'completed', 'failed')),
                started_at TEXT NOT NULL,
                finished_at TEXT,
                exit_code INTEGER,
                error TEXT,
                stderr_tail TEXT,
                UNIQUE (trial_id, number)
            );
            CREATE TABLE observations (
                trial_id INTEGER PRIMARY KEY REFERENCES trials(id),
                attempt_id INTEGER NOT NULL REFERENCES attempts(id),
                outputs TEXT NOT NULL,
                recorded_at TEXT NOT NULL
            );
            CREATE TABLE events (
                id INTEGER PRIMARY KEY,
                study_id INTEGER NOT NULL REFERENCES studies(id),
                trial_id INTEGER REFERENCES trials(id),
                kind TEXT NOT NULL,
                message TEXT NOT NULL,
                at TEXT NOT NULL
            );
            CREATE INDEX trials_by_study ON trials(study_id, state);
            CREATE INDEX attempts_by_trial ON attempts(trial_id);
            """,
            // Version 2: free-form text metadata per trial (for instance the arm name and generation
            // method of a trial imported from Ax).
            2: "ALTER TABLE trials ADD COLUMN metadata TEXT",
            // Version 3: the distribution layer. Attempts gain the `leased` state, the pilot holding
            // them, a lease deadline and timings (the table is rebuilt: SQLite cannot alter a CHECK);
            // trials a `queued` flag (waiting for a worker: pending, or failed and to be retried) so
            // the queue is read through an index; log lines per attempt; hashed API tokens.
            3: """
            CREATE TABLE attempts_v3 (
                id INTEGER PRIMARY KEY,
                trial_id INTEGER NOT NULL REFERENCES trials(id),
                number INTEGER NOT NULL,
                state TEXT NOT NULL CHECK (state IN ('leased', 'running', 'completed', 'failed')),
                started_at TEXT NOT NULL,
                finished_at TEXT,
                exit_code INTEGER,
                error TEXT,
                stderr_tail TEXT,
                worker TEXT,
                lease_expires_at REAL,
                started_unix REAL,
                duration REAL,
                released INTEGER NOT NULL DEFAULT 0,
                UNIQUE (trial_id, number)
            );
            INSERT INTO attempts_v3 (id, trial_id, number, state, started_at, finished_at, exit_code, error, stderr_tail)
                SELECT id, trial_id, number, state, started_at, finished_at, exit_code, error, stderr_tail FROM attempts;
            DROP TABLE attempts;
            ALTER TABLE attempts_v3 RENAME TO attempts;
            CREATE INDEX attempts_by_trial ON attempts(trial_id, state);
            CREATE INDEX attempts_by_lease ON attempts(state, lease_expires_at);
            CREATE TABLE logs (
                id INTEGER PRIMARY KEY,
                attempt_id INTEGER NOT NULL REFERENCES attempts(id),
                stream TEXT NOT NULL,
                line TEXT NOT NULL,
                at REAL NOT NULL
            );
            CREATE INDEX logs_by_attempt ON logs(attempt_id, id);
            ALTER TABLE trials ADD COLUMN queued INTEGER NOT NULL DEFAULT 0;
            UPDATE trials SET queued = 1 WHERE state = 'pending' OR (state = 'running' AND NOT EXISTS (
                SELECT 1 FROM attempts a WHERE a.trial_id = trials.id AND a.state IN ('leased', 'running')));
            CREATE INDEX trials_queued ON trials(study_id, queued, number);
            CREATE TABLE tokens (
                id INTEGER PRIMARY KEY,
                digest TEXT NOT NULL UNIQUE,
                role TEXT NOT NULL CHECK (role IN ('admin', 'client', 'pilot')),
                study_id INTEGER REFERENCES studies(id),
                name TEXT NOT NULL,
                created_at TEXT NOT NULL,
                revoked_at TEXT
            );
            """,
            // Version 4: the leases a pilot holds, found without scanning every open attempt.
            4: "CREATE INDEX attempts_by_worker ON attempts(worker, state)",
            // Version 5: every finished trial has a `trial_completed` or `trial_failed` event, written in
            // the transaction that finished it, so the result stream reads events in order (older files
            // get theirs here, in trial order).
            5: """
            INSERT INTO events (study_id, trial_id, kind, message, at)
                SELECT t.study_id, t.id, 'trial_completed', 'recorded before schema version 5', t.updated_at
                FROM trials t WHERE t.state = 'completed' ORDER BY t.updated_at, t.id;
            INSERT INTO events (study_id, trial_id, kind, message, at)
                SELECT t.study_id, t.id, 'trial_failed', 'recorded before schema version 5', t.updated_at
                FROM trials t WHERE t.state = 'failed' AND NOT EXISTS (
                    SELECT 1 FROM events e WHERE e.trial_id = t.id AND e.kind = 'trial_failed')
                ORDER BY t.updated_at, t.id;
            CREATE INDEX events_by_study ON events(study_id, kind, id);
            """,
            // Version 6: viewer tokens (read one study or all, nothing else; the dashboard's role).
            6: """
            CREATE TABLE tokens_v6 (
                id INTEGER PRIMARY KEY,
                digest TEXT NOT NULL UNIQUE,
                role TEXT NOT NULL CHECK (role IN ('admin', 'client', 'pilot', 'viewer')),
                study_id INTEGER REFERENCES studies(id),
                name TEXT NOT NULL,
                created_at TEXT NOT NULL,
                revoked_at TEXT
            );
            INSERT INTO tokens_v6 (id, digest, role, study_id, name, created_at, revoked_at)
                SELECT id, digest, role, study_id, name, created_at, revoked_at FROM tokens;
            DROP TABLE tokens;
            ALTER TABLE tokens_v6 RENAME TO tokens;
            """,
            // Version 7: token lifetimes (expiry, and the lifetime a renewal gives the new token).
            7: """
            ALTER TABLE tokens ADD COLUMN expires_at REAL;
            ALTER TABLE tokens ADD COLUMN lifetime REAL;
            """,
            // Version 8: who created, told or changed what, and from where.
            8: """
            CREATE TABLE audit (
                id INTEGER PRIMARY KEY,
                at TEXT NOT NULL,
                actor TEXT NOT NULL,
                role TEXT NOT NULL,
                action TEXT NOT NULL,
                study TEXT,
                target TEXT,
                address TEXT
            );
            CREATE INDEX audit_by_study ON audit(study, id);
            """,
            // Version 9: workflow evaluators. A trial may be `infeasible` (a step declared the design
            // so; the table is rebuilt for the CHECK); its steps (one row per step and fan-out
            // element) carry their own queue and output; an attempt may belong to a step and
            // records whether it resumed from a checkpoint.
            9: """
            CREATE TABLE trials_v9 (
                id INTEGER PRIMARY KEY,
                study_id INTEGER NOT NULL REFERENCES studies(id),
                number INTEGER NOT NULL,
                parameters TEXT NOT NULL,
                state TEXT NOT NULL CHECK (state IN ('pending', 'running', 'completed', 'failed', 'infeasible')),
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL,
                metadata TEXT,
                queued INTEGER NOT NULL DEFAULT 0,
                UNIQUE (study_id, number)
            );
            INSERT INTO trials_v9 (id, study_id, number, parameters, state, created_at, updated_at, metadata, queued)
                SELECT id, study_id, number, parameters, state, created_at, updated_at, metadata, queued FROM trials;
            DROP TABLE trials;
            ALTER TABLE trials_v9 RENAME TO trials;
            CREATE INDEX trials_by_study ON trials(study_id, state);
            CREATE INDEX trials_queued ON trials(study_id, queued, number);
            CREATE TABLE steps (
                id INTEGER PRIMARY KEY,
                trial_id INTEGER NOT NULL REFERENCES trials(id),
                study_id INTEGER NOT NULL REFERENCES studies(id),
                name TEXT NOT NULL,
                element INTEGER NOT NULL DEFAULT -1,
                state TEXT NOT NULL CHECK (state IN ('waiting', 'queued', 'running', 'completed', 'failed', 'skipped')),
                output TEXT,
                UNIQUE (trial_id, name, element)
            );
            CREATE INDEX steps_queued ON steps(study_id, state, name, trial_id);
            CREATE INDEX steps_by_trial ON steps(trial_id);
            ALTER TABLE attempts ADD COLUMN step_id INTEGER REFERENCES steps(id);
            ALTER TABLE attempts ADD COLUMN resumed INTEGER NOT NULL DEFAULT 0;
            CREATE INDEX attempts_by_step ON attempts(step_id);
            """,
        ]
        for version in (Int(current) + 1)...max(Int(current) + 1, Self.schemaVersion)
        where version <= Self.schemaVersion {
            guard let sql = migrations[version] else { continue }
            // Rebuilding a table that others reference needs foreign keys off (outside the transaction),
            // then a check that every reference still resolves before the migration commits.
            try connection.execute("PRAGMA foreign_keys = OFF")
            defer { try? connection.execute("PRAGMA foreign_keys = ON") }
            try connection.transaction { () throws(StoreError) in
                // Another process may have applied it since the version was read (two processes
                // opening a new file at once): the transaction holds the write lock, so read again.
                let applied =
                    try connection.query(
                        "SELECT COUNT(*) FROM schema_migrations WHERE version = ?",
                        [.integer(Int64(version))]
                    )[0][0].integer ?? 0
                guard applied == 0 else { return }
                try connection.execute(sql)
                let broken = try connection.query("PRAGMA foreign_key_check")
                guard broken.isEmpty else {
                    throw StoreError(.sqlite, "migration to version \(version) left \(broken.count) broken references")
                }
                try connection.query(
                    "INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)",
                    [.integer(Int64(version)), .text(Self.now())]
                )
            }
        }
    }

    /// The current UTC time as ISO 8601 with milliseconds (`2026-11-26T18:43:07.123Z`), formatted
    /// with `gmtime_r` rather than a date formatter, which costs far more on every transaction.
    static func now() -> String {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        var seconds = spec.tv_sec
        var parts = tm()
        gmtime_r(&seconds, &parts)
        let milliseconds = Int(spec.tv_nsec / 1_000_000)
        func pad(_ value: Int32, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)).\(pad(Int32(milliseconds), 3))Z"
    }

    /// A design as a JSON array (`[0.5,1.0,2e-05]`: Swift's shortest round-trip digits, which JSON
    /// reads as the same doubles); the JSON encoder's text (`null` for a non-finite value) otherwise.
    static func encode(_ values: [Double]) -> String {
        guard values.allSatisfy(\.isFinite) else { return json(values) }
        return "[" + values.map(\.description).joined(separator: ",") + "]"
    }

    /// Outputs as a JSON object with sorted keys, written directly when every key is plain ASCII
    /// that needs no escaping and every value is finite; by the JSON encoder otherwise.
    static func encode(_ outputs: [String: Double]) -> String {
        let plain = outputs.allSatisfy { key, value in
            value.isFinite
                && key.utf8.allSatisfy {
                    $0 >= 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\")
                }
        }
        guard plain else { return json(outputs) }
        let sorted = outputs.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
        return "{" + sorted.map { "\"\($0.key)\":\($0.value.description)" }.joined(separator: ",") + "}"
    }

    /// Any value as JSON text with sorted keys (`null` if it cannot be encoded).
    static func json<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: (try? encoder.encode(value)) ?? Data("null".utf8), as: UTF8.self)
    }

    // MARK: Studies

    /// Creates a study; its name must be new.
    public func createStudy(name: String, specification: String) throws(StoreError) -> Int64 {
        try connection.transaction { () throws(StoreError) -> Int64 in
            do throws(StoreError) {
                try connection.query(
                    "INSERT INTO studies (name, specification, created_at) VALUES (?, ?, ?)",
                    [.text(name), .text(specification), .text(Self.now())]
                )
            } catch {
                if error.code == .constraint {
                    throw StoreError(.invalidInput, "a study named '\(name)' already exists in '\(path)'")
                }
                throw error
            }
            let id = connection.lastInsertedRowID
            try connection.query(
                "INSERT INTO events (study_id, kind, message, at) VALUES (?, 'study_created', ?, ?)",
                [.integer(id), .text(name), .text(Self.now())]
            )
            return id
        }
    }

    /// The studies in the file: id, name, specification.
    /// Replaces a study's specification (a resumed study with a new budget or evaluator).
    public func updateSpecification(study: Int64, specification: String) throws(StoreError) {
        try connection.query(
            "UPDATE studies SET specification = ? WHERE id = ?",
            [.text(specification), .integer(study)]
        )
    }

    public func studies() throws(StoreError) -> [(id: Int64, name: String, specification: String)] {
        try connection.query("SELECT id, name, specification FROM studies ORDER BY id").map {
            ($0[0].integer ?? 0, $0[1].text ?? "", $0[2].text ?? "")
        }
    }

    // MARK: Trials and attempts

    /// Adds a pending trial with the next number.
    public func createTrial(
        study: Int64,
        parameters: [Double],
        metadata: [String: String]? = nil
    ) throws(StoreError) -> TrialRecord {
        try connection.transaction { () throws(StoreError) -> TrialRecord in
            let next =
                try connection.query(
                    "SELECT COALESCE(MAX(number), -1) + 1 FROM trials WHERE study_id = ?",
                    [.integer(study)]
                )[0][0].integer ?? 0
            let now = Self.now()
            try connection.query(
                "INSERT INTO trials (study_id, number, parameters, state, created_at, updated_at, metadata, queued) VALUES (?, ?, ?, 'pending', ?, ?, ?, 1)",
                [
                    .integer(study), .integer(next), .text(Self.encode(parameters)), .text(now), .text(now),
                    metadata.map { .text(Self.json($0)) } ?? .null,
                ]
            )
            return TrialRecord(
                id: connection.lastInsertedRowID,
                number: Int(next),
                parameters: parameters,
                state: .pending,
                attempts: 0,
                outputs: nil,
                lastError: nil,
                metadata: metadata
            )
        }
    }

    /// Starts a new attempt of a pending or running trial whose previous attempt has ended; `worker`
    /// names who runs it (an ask/tell client, for instance).
    public func startAttempt(trial: Int64, worker: String? = nil) throws(StoreError) -> Int64 {
        try connection.transaction { () throws(StoreError) -> Int64 in
            let state = try trialState(trial)
            guard state == .pending || state == .running else {
                throw StoreError(
                    .invalidTransition,
                    "trial \(trial) is \(state.rawValue); it cannot start another attempt"
                )
            }
            let open =
                try connection.query(
                    "SELECT COUNT(*) FROM attempts WHERE trial_id = ? AND state IN ('leased', 'running')",
                    [.integer(trial)]
                )[0][0].integer ?? 0
            guard open == 0 else {
                throw StoreError(.invalidTransition, "trial \(trial) already has a running attempt")
            }
            let number =
                try connection.query(
                    "SELECT COALESCE(MAX(number), 0) + 1 FROM attempts WHERE trial_id = ?",
                    [.integer(trial)]
                )[0][0].integer ?? 1
            try connection.query(
                "INSERT INTO attempts (trial_id, number, state, started_at, started_unix, worker) VALUES (?, ?, 'running', ?, ?, ?)",
                [
                    .integer(trial), .integer(number), .text(Self.now()), .real(Date().timeIntervalSince1970),
                    worker.map { .text($0) } ?? .null,
                ]
            )
            let attempt = connection.lastInsertedRowID
            try connection.query("UPDATE trials SET queued = 0 WHERE id = ?", [.integer(trial)])
            if state == .pending { try setTrialState(trial, .running) }
            return attempt
        }
    }

    /// Records a successful attempt: the attempt and its trial complete, the outputs are stored.
    /// Returns the attempt's duration in seconds, when its start time is known.
    @discardableResult
    public func completeAttempt(_ attempt: Int64, outputs: [String: Double]) throws(StoreError) -> Double? {
        try connection.transaction { () throws(StoreError) -> Double? in
            let trial = try markCompleted(attempt, resumed: false)
            try recordCompletion(trial, by: attempt, outputs: outputs, message: "completed by attempt \(attempt)")
            return try duration(of: attempt)
        }
    }

    /// Marks an open attempt completed, with its duration (inside the caller's transaction); returns its trial.
    /// - Throws: `StoreError.invalidTransition` when the attempt is no longer open.
    func markCompleted(_ attempt: Int64, resumed: Bool) throws(StoreError) -> Int64 {
        let (trial, state) = try attemptInfo(attempt)
        guard state.isOpen else {
            throw StoreError(.invalidTransition, "attempt \(attempt) is \(state.rawValue); it cannot complete")
        }
        try connection.query(
            "UPDATE attempts SET state = 'completed', finished_at = ?, duration = ? - started_unix, resumed = ? WHERE id = ?",
            [.text(Self.now()), .real(Date().timeIntervalSince1970), .integer(resumed ? 1 : 0), .integer(attempt)]
        )
        return trial
    }

    /// The attempt's wall-clock seconds from start to finish, once it has finished.
    func duration(of attempt: Int64) throws(StoreError) -> Double? {
        try connection.query("SELECT duration FROM attempts WHERE id = ?", [.integer(attempt)]).first?[0].double
    }

    /// Records a failed attempt; the trial fails too unless `retry`, in which case it stays running
    /// and the next attempt can start. A `released` attempt was handed back by a pilot that stopped
    /// before running it to the end; it does not count against the trial's attempt cap.
    public func failAttempt(
        _ attempt: Int64,
        error: String,
        exitCode: Int32? = nil,
        stderrTail: String? = nil,
        retry: Bool,
        released: Bool = false
    ) throws(StoreError) {
        try connection.transaction { () throws(StoreError) in
            let (trial, state) = try attemptInfo(attempt)
            guard state.isOpen else {
                throw StoreError(.invalidTransition, "attempt \(attempt) is \(state.rawValue); it cannot fail")
            }
            try markFailed(attempt, error: error, exitCode: exitCode, stderrTail: stderrTail, released: released)
            if retry {
                try connection.query("UPDATE trials SET queued = 1 WHERE id = ?", [.integer(trial)])
            } else {
                try setTrialState(trial, .failed, queued: false)
                try logResult(trial: trial, kind: "trial_failed", message: error)
            }
        }
    }

    /// Marks an open attempt failed (inside the caller's transaction).
    func markFailed(
        _ attempt: Int64,
        error: String,
        exitCode: Int32?,
        stderrTail: String?,
        released: Bool,
        resumed: Bool = false
    ) throws(StoreError) {
        try connection.query(
            "UPDATE attempts SET state = 'failed', finished_at = ?, exit_code = ?, error = ?, stderr_tail = ?, released = ?, resumed = ? WHERE id = ?",
            [
                .text(Self.now()), exitCode.map { .integer(Int64($0)) } ?? .null, .text(error),
                stderrTail.map { .text($0) } ?? .null, .integer(released ? 1 : 0), .integer(resumed ? 1 : 0),
                .integer(attempt),
            ]
        )
    }

    /// Stores a trial's result from `attempt` and completes the trial (inside the caller's transaction).
    func recordCompletion(
        _ trial: Int64,
        by attempt: Int64,
        outputs: [String: Double],
        message: String
    ) throws(StoreError) {
        try connection.query(
            "INSERT INTO observations (trial_id, attempt_id, outputs, recorded_at) VALUES (?, ?, ?, ?)",
            [.integer(trial), .integer(attempt), .text(Self.encode(outputs)), .text(Self.now())]
        )
        try setTrialState(trial, .completed, queued: false)
        try logResult(trial: trial, kind: "trial_completed", message: message)
    }

    /// Records that a trial finished, in the transaction that finished it: the study's result stream
    /// (``results(study:after:limit:)``) reads these events, so every result appears there once.
    func logResult(trial: Int64, kind: String, message: String) throws(StoreError) {
        try connection.query(
            "INSERT INTO events (study_id, trial_id, kind, message, at) SELECT study_id, id, ?, ?, ? FROM trials WHERE id = ?",
            [.text(kind), .text(message), .text(Self.now()), .integer(trial)]
        )
    }

    /// Finished trials in the order they finished: `(sequence, trial id)` with sequence above `after`.
    public func results(
        study: Int64,
        after: Int64,
        limit: Int = 1000
    ) throws(StoreError) -> [(
        sequence: Int64, trial: Int64
    )] {
        try connection.query(
            """
            SELECT id, trial_id FROM events WHERE study_id = ? AND id > ?
            AND kind IN ('trial_completed', 'trial_failed', 'trial_infeasible') ORDER BY id LIMIT ?
            """,
            [.integer(study), .integer(after), .integer(Int64(limit))]
        ).map { ($0[0].integer ?? 0, $0[1].integer ?? 0) }
    }

    /// The sequence number of a study's latest result (0 when it has none).
    public func latestResultSequence(study: Int64) throws(StoreError) -> Int64 {
        try connection.query(
            "SELECT COALESCE(MAX(id), 0) FROM events WHERE study_id = ? AND kind IN ('trial_completed', 'trial_failed', 'trial_infeasible')",
            [.integer(study)]
        )[0][0].integer ?? 0
    }

    /// Fails every attempt left running (by a process that died) so their trials can be retried.
    /// Returns the trials concerned.
    public func recoverInterruptedAttempts(study: Int64) throws(StoreError) -> [Int64] {
        try connection.transaction { () throws(StoreError) -> [Int64] in
            let rows = try connection.query(
                """
                SELECT a.id, a.trial_id, a.step_id FROM attempts a JOIN trials t ON t.id = a.trial_id
                WHERE t.study_id = ? AND a.state IN ('leased', 'running')
                """,
                [.integer(study)]
            )
            for row in rows {
                try connection.query(
                    "UPDATE attempts SET state = 'failed', finished_at = ?, error = 'interrupted: the process running it stopped' WHERE id = ?",
                    [.text(Self.now()), row[0]]
                )
                if row[2].integer != nil {
                    try connection.query(
                        "UPDATE steps SET state = 'queued' WHERE id = ? AND state = 'running'",
                        [row[2]]
                    )
                } else {
                    try connection.query("UPDATE trials SET queued = 1 WHERE id = ?", [row[1]])
                }
            }
            return rows.compactMap { $0[1].integer }
        }
    }

    /// Every trial of a study, in order, with its outputs and attempt count.
    public func trials(study: Int64) throws(StoreError) -> [TrialRecord] {
        try trialRecords(where: "t.study_id = ?", [.integer(study)])
    }

    /// The trials with these ids, in trial order.
    public func trials(ids: [Int64]) throws(StoreError) -> [TrialRecord] {
        guard !ids.isEmpty else { return [] }
        let marks = Array(repeating: "?", count: ids.count).joined(separator: ", ")
        return try trialRecords(where: "t.id IN (\(marks))", ids.map { .integer($0) })
    }

    private func trialRecords(where condition: String, _ values: [SQLiteValue]) throws(StoreError) -> [TrialRecord] {
        let rows = try connection.query(
            """
            SELECT t.id, t.number, t.parameters, t.state, o.outputs,
                   (SELECT COUNT(*) FROM attempts a WHERE a.trial_id = t.id),
                   (SELECT error FROM attempts a WHERE a.trial_id = t.id AND a.state = 'failed'
                    ORDER BY a.error LIKE 'the trial ended:%', a.number DESC LIMIT 1),
                   t.metadata
            FROM trials t LEFT JOIN observations o ON o.trial_id = t.id
            WHERE \(condition) ORDER BY t.number
            """,
            values
        )
        let decoder = JSONDecoder()
        return rows.map { row in
            TrialRecord(
                id: row[0].integer ?? 0,
                number: Int(row[1].integer ?? 0),
                parameters: Self.decodeDoubles(row[2].text),
                state: TrialState(rawValue: row[3].text ?? "") ?? .failed,
                attempts: Int(row[5].integer ?? 0),
                outputs: row[4].text.flatMap { try? decoder.decode([String: Double].self, from: Data($0.utf8)) },
                lastError: row[6].text,
                metadata: row[7].text.flatMap { try? decoder.decode([String: String].self, from: Data($0.utf8)) }
            )
        }
    }

    /// Appends an event to the study's log.
    public func logEvent(study: Int64, trial: Int64? = nil, kind: String, message: String) throws(StoreError) {
        try connection.query(
            "INSERT INTO events (study_id, trial_id, kind, message, at) VALUES (?, ?, ?, ?, ?)",
            [.integer(study), trial.map { .integer($0) } ?? .null, .text(kind), .text(message), .text(Self.now())]
        )
    }

    /// The study's events, oldest first: kind, message, time.
    public func events(study: Int64) throws(StoreError) -> [(kind: String, message: String, at: String)] {
        try connection.query("SELECT kind, message, at FROM events WHERE study_id = ? ORDER BY id", [.integer(study)])
            .map {
                ($0[0].text ?? "", $0[1].text ?? "", $0[2].text ?? "")
            }
    }

    func trialState(_ trial: Int64) throws(StoreError) -> TrialState {
        guard let row = try connection.query("SELECT state FROM trials WHERE id = ?", [.integer(trial)]).first,
            let state = row[0].text.flatMap(TrialState.init(rawValue:))
        else { throw StoreError(.notFound, "no trial \(trial)") }
        return state
    }

    func setTrialState(_ trial: Int64, _ next: TrialState, queued: Bool? = nil) throws(StoreError) {
        let current = try trialState(trial)
        guard current.canMove(to: next) else {
            throw StoreError(
                .invalidTransition,
                "trial \(trial) cannot move from \(current.rawValue) to \(next.rawValue)"
            )
        }
        if let queued {
            try connection.query(
                "UPDATE trials SET state = ?, updated_at = ?, queued = ? WHERE id = ?",
                [.text(next.rawValue), .text(Self.now()), .integer(queued ? 1 : 0), .integer(trial)]
            )
        } else {
            try connection.query(
                "UPDATE trials SET state = ?, updated_at = ? WHERE id = ?",
                [.text(next.rawValue), .text(Self.now()), .integer(trial)]
            )
        }
    }

    func attemptInfo(_ attempt: Int64) throws(StoreError) -> (trial: Int64, state: AttemptState) {
        guard
            let row = try connection.query("SELECT trial_id, state FROM attempts WHERE id = ?", [.integer(attempt)])
                .first,
            let trial = row[0].integer, let state = row[1].text.flatMap(AttemptState.init(rawValue:))
        else { throw StoreError(.notFound, "no attempt \(attempt)") }
        return (trial, state)
    }
}
