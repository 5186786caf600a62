import CSQLite
import Foundation

/// Copies a database's write-ahead log back into the database on a thread of its own, with its own
/// connection (`PRAGMA wal_checkpoint(PASSIVE)`: it never blocks writers), so that the connection
/// serving requests never pays for a checkpoint and its fsync in the middle of a commit.
public final class WALCheckpointer: @unchecked Sendable {
    private let connection: SQLiteConnection
    private let interval: Double
    private let condition = NSCondition()
    private var stopped = false
    private var finished = false

    /// Starts checkpointing `path` every `interval` seconds.
    public init(path: String, interval: Double = 1) throws(StoreError) {
        connection = try SQLiteConnection(path: path)
        self.interval = interval
        Thread.detachNewThread { [self] in loop() }
    }

    private func loop() {
        condition.lock()
        while !stopped {
            _ = condition.wait(until: Date().addingTimeInterval(interval))
            if stopped { break }
            condition.unlock()
            try? connection.execute("PRAGMA wal_checkpoint(PASSIVE)")
            condition.lock()
        }
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    /// Stops the thread after a last checkpoint that also truncates the log when nobody writes.
    public func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        while !finished { condition.wait() }
        condition.unlock()
        try? connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    }
}
