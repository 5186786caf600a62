import CSQLite
import Foundation

/// A value stored in or read from SQLite.
public enum SQLiteValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)

    public var double: Double? {
        switch self {
        case .real(let v): v
        case .integer(let v): Double(v)
        default: nil
        }
    }

    public var integer: Int64? {
        if case .integer(let v) = self { return v }
        return nil
    }

    public var text: String? {
        if case .text(let v) = self { return v }
        return nil
    }
}

/// One SQLite connection (C API), serialised by its owner: open in WAL mode with a busy timeout,
/// prepared statements with bound parameters, and transactions that roll back on error.
final class SQLiteConnection {
    private var handle: OpaquePointer?
    let path: String

    /// Opens (creating if needed) the database at `path`. Without `autoCheckpoint` the write-ahead
    /// log is never copied back by this connection's commits (a ``WALCheckpointer`` does it).
    init(path: String, autoCheckpoint: Bool = true) throws(StoreError) {
        self.path = path
        var db: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX
        let status = sqlite3_open_v2(path, &db, flags, nil)
        guard status == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close(db)
            throw StoreError(.cannotOpen, "cannot open database '\(path)': \(message)")
        }
        handle = db
        sqlite3_busy_timeout(db, 10_000)
        try enableWriteAheadLog(db, deadline: Date().timeIntervalSince1970 + 10)
        try execute("PRAGMA synchronous = NORMAL")
        try execute("PRAGMA foreign_keys = ON")
        if !autoCheckpoint { try execute("PRAGMA wal_autocheckpoint = 0") }
    }

    /// Switches the file to WAL mode (persistent in the file, so later opens find it set). Changing
    /// the mode needs an exclusive lock and SQLite answers `SQLITE_BUSY` at once, without its busy
    /// handler, when another connection opening the same new file holds a shared one: retried here
    /// with a short sleep until `deadline`.
    private func enableWriteAheadLog(_ db: OpaquePointer, deadline: TimeInterval) throws(StoreError) {
        var pause: useconds_t = 1_000
        while true {
            let status = sqlite3_exec(db, "PRAGMA journal_mode = WAL", nil, nil, nil)
            if status == SQLITE_OK { return }
            guard status & 0xff == SQLITE_BUSY || status & 0xff == SQLITE_LOCKED,
                Date().timeIntervalSince1970 < deadline
            else {
                throw StoreError(.sqlite, "\(lastError) (in: PRAGMA journal_mode = WAL)")
            }
            usleep(pause)
            pause = min(pause * 2, 50_000)
        }
    }

    /// Prepared statements by SQL text, reused across calls (parsing costs more than running them).
    private var statements: [String: OpaquePointer] = [:]
    /// Open transactions: the outermost is BEGIN/COMMIT, the inner ones savepoints.
    private var transactionDepth = 0

    deinit {
        for statement in statements.values { sqlite3_finalize(statement) }
        sqlite3_close_v2(handle)
    }

    private func prepared(_ sql: String) throws(StoreError) -> OpaquePointer {
        if let statement = statements[sql] { return statement }
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(handle, sql, -1, &statement, nil) == SQLITE_OK, let statement else {
            throw StoreError(.sqlite, "\(lastError) (in: \(sql.prefix(120)))")
        }
        if statements.count > 256 {
            for old in statements.values { sqlite3_finalize(old) }
            statements = [:]
        }
        statements[sql] = statement
        return statement
    }

    private var lastError: String { handle.map { String(cString: sqlite3_errmsg($0)) } ?? "closed" }

    /// Runs SQL without results (several statements allowed).
    func execute(_ sql: String) throws(StoreError) {
        var message: UnsafeMutablePointer<CChar>?
        if sqlite3_exec(handle, sql, nil, nil, &message) != SQLITE_OK {
            let text = message.map { String(cString: $0) } ?? lastError
            sqlite3_free(message)
            throw StoreError(.sqlite, "\(text) (in: \(sql.prefix(120)))")
        }
    }

    /// Runs one statement with parameters and returns its rows.
    @discardableResult
    func query(_ sql: String, _ parameters: [SQLiteValue] = []) throws(StoreError) -> [[SQLiteValue]] {
        let statement = try prepared(sql)
        defer {
            sqlite3_reset(statement)
            sqlite3_clear_bindings(statement)
        }
        let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
        for (index, value) in parameters.enumerated() {
            let position = Int32(index + 1)
            switch value {
            case .null: sqlite3_bind_null(statement, position)
            case .integer(let v): sqlite3_bind_int64(statement, position, v)
            case .real(let v): sqlite3_bind_double(statement, position, v)
            case .text(let v): sqlite3_bind_text(statement, position, v, -1, transient)
            }
        }
        var rows: [[SQLiteValue]] = []
        while true {
            let status = sqlite3_step(statement)
            if status == SQLITE_DONE { break }
            guard status == SQLITE_ROW else {
                let code: StoreError.Code = status == SQLITE_CONSTRAINT ? .constraint : .sqlite
                throw StoreError(code, "\(lastError) (in: \(sql.prefix(120)))")
            }
            let columns = sqlite3_column_count(statement)
            var row: [SQLiteValue] = []
            row.reserveCapacity(Int(columns))
            for column in 0..<columns {
                switch sqlite3_column_type(statement, column) {
                case SQLITE_INTEGER: row.append(.integer(sqlite3_column_int64(statement, column)))
                case SQLITE_FLOAT: row.append(.real(sqlite3_column_double(statement, column)))
                case SQLITE_TEXT: row.append(.text(String(cString: sqlite3_column_text(statement, column))))
                default: row.append(.null)
                }
            }
            rows.append(row)
        }
        return rows
    }

    /// The rowid of the last insert.
    var lastInsertedRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// Runs `body` in one `BEGIN IMMEDIATE` transaction: committed if it returns, rolled back if it throws.
    /// Runs `body` in a transaction (`BEGIN IMMEDIATE`), or, inside another one, in a savepoint, so
    /// that store operations compose into one atomic change.
    func transaction<T>(_ body: () throws(StoreError) -> T) throws(StoreError) -> T {
        let depth = transactionDepth
        try execute(depth == 0 ? "BEGIN IMMEDIATE" : "SAVEPOINT nested\(depth)")
        transactionDepth += 1
        defer { transactionDepth -= 1 }
        do {
            let result = try body()
            try execute(depth == 0 ? "COMMIT" : "RELEASE nested\(depth)")
            return result
        } catch {
            if depth == 0 {
                try? execute("ROLLBACK")
            } else {
                try? execute("ROLLBACK TO nested\(depth)")
                try? execute("RELEASE nested\(depth)")
            }
            throw error
        }
    }
}

/// An error of the store, with a code, a message, and the SQLite text where there is one.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case cannotOpen
        case sqlite
        case constraint
        case notFound
        case invalidTransition
        case invalidInput
        case schemaTooNew
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
