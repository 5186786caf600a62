import CSQLite
import Foundation
import Store
import Testing

@Suite("Store migrations")
struct StoreMigrationTests {
    /// The schema of a study file written by ParetoPilot before the distribution layer (version 2).
    static let versionTwo = """
        CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL);
        CREATE TABLE studies (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, specification TEXT NOT NULL,
            created_at TEXT NOT NULL);
        CREATE TABLE trials (id INTEGER PRIMARY KEY, study_id INTEGER NOT NULL REFERENCES studies(id),
            number INTEGER NOT NULL, parameters TEXT NOT NULL,
            state TEXT NOT NULL CHECK (state IN ('pending', 'running', 'completed', 'failed')),
            created_at TEXT NOT NULL, updated_at TEXT NOT NULL, metadata TEXT, UNIQUE (study_id, number));
        CREATE TABLE attempts (id INTEGER PRIMARY KEY, trial_id INTEGER NOT NULL REFERENCES trials(id),
            number INTEGER NOT NULL, state TEXT NOT NULL CHECK (state IN ('running', 'completed', 'failed')),
            started_at TEXT NOT NULL, finished_at TEXT, exit_code INTEGER, error TEXT, stderr_tail TEXT,
            UNIQUE (trial_id, number));
        CREATE TABLE observations (trial_id INTEGER PRIMARY KEY REFERENCES trials(id),
            attempt_id INTEGER NOT NULL REFERENCES attempts(id), outputs TEXT NOT NULL, recorded_at TEXT NOT NULL);
        CREATE TABLE events (id INTEGER PRIMARY KEY, study_id INTEGER NOT NULL REFERENCES studies(id),
            trial_id INTEGER REFERENCES trials(id), kind TEXT NOT NULL, message TEXT NOT NULL, at TEXT NOT NULL);
        CREATE INDEX trials_by_study ON trials(study_id, state);
        CREATE INDEX attempts_by_trial ON attempts(trial_id);
        INSERT INTO schema_migrations VALUES (1, '2026-11-01T00:00:00Z'), (2, '2026-11-01T00:00:00Z');
        INSERT INTO studies VALUES (1, 'old', '{}', '2026-11-01T00:00:00Z');
        INSERT INTO trials VALUES (1, 1, 0, '[0.25,1]', 'completed', 'a', 'a', NULL),
            (2, 1, 1, '[0.5,2]', 'running', 'a', 'a', NULL), (3, 1, 2, '[0.75,3]', 'pending', 'a', 'a', NULL);
        INSERT INTO attempts VALUES (1, 1, 1, 'failed', 'a', 'a', 3, 'exit 3', 'boom'),
            (2, 1, 2, 'completed', 'a', 'a', 0, NULL, NULL), (3, 2, 1, 'failed', 'a', 'a', 1, 'exit 1', NULL);
        INSERT INTO observations VALUES (1, 2, '{"f":1.5}', 'a');
        """

    @Test("A version-2 study file is migrated in place: every trial, attempt and result kept, the queue usable")
    func fromVersionTwo() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("v2-\(UUID().uuidString).sqlite").path
        var db: OpaquePointer?
        #expect(sqlite3_open(path, &db) == SQLITE_OK)
        #expect(sqlite3_exec(db, Self.versionTwo, nil, nil, nil) == SQLITE_OK)
        sqlite3_close(db)

        let store = try StudyStore(path: path)
        let trials = try store.trials(study: 1)
        #expect(trials.map(\.state) == [.completed, .running, .pending])
        #expect(trials[0].outputs == ["f": 1.5])
        #expect(trials[0].attempts == 2 && trials[0].lastError == "exit 3")
        let attempts = try store.attempts(trial: 1)
        #expect(attempts.map(\.state) == [.failed, .completed])
        // The running trial whose attempt failed and the pending one are both waiting for a worker.
        #expect(try store.queuedTrials(study: 1, limit: 10).map(\.number) == [1, 2])
        let leased = try store.lease(trials: [2, 3], worker: "p", expiresAt: Date().timeIntervalSince1970 + 60)
        #expect(leased.map(\.number) == [2, 1])
        #expect(try store.queuedTrials(study: 1, limit: 10).isEmpty)
        // Opening again applies nothing twice.
        _ = try StudyStore(path: path)
    }

    @Test("Processes opening a new file at once all get the current schema, none fails on a migration")
    func concurrentOpening() async throws {
        for round in 0..<20 {
            let path = FileManager.default.temporaryDirectory
                .appendingPathComponent("concurrent-\(round)-\(UUID().uuidString).sqlite").path
            let failures = await withTaskGroup(of: String?.self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        await withCheckedContinuation { (continuation: CheckedContinuation<String?, Never>) in
                            Thread.detachNewThread {
                                do {
                                    _ = try StudyStore(path: path)
                                    continuation.resume(returning: nil)
                                } catch {
                                    continuation.resume(returning: "\(error)")
                                }
                            }
                        }
                    }
                }
                return await group.reduce(into: [String]()) { if let failure = $1 { $0.append(failure) } }
            }
            #expect(failures.isEmpty, "round \(round)")
            let store = try StudyStore(path: path)
            _ = try store.createStudy(name: "s", specification: "{}")
            #expect(try store.studies().count == 1)
        }
    }
}
