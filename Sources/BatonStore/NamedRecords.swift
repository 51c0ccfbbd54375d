import GRDB
import Synchronization

/// Records kept by name as JSON in a two-column table, and held in memory so that lookups on
/// busy paths (job dispatch, webhook deliveries) need no database read. Source connections and
/// PutWebhook webhooks are kept this way.
final class NamedRecords<Record: Codable & Sendable>: Sendable {
    private let database: DatabasePool
    private let table: String
    private let column: String
    private let cache: Mutex<[String: Record]>

    init(database: DatabasePool, table: String, column: String) throws {
        self.database = database
        self.table = table
        self.column = column
        let rows = try database.read { db in
            try Row.fetchAll(db, sql: "SELECT name, \(column) FROM \(table)").map { ($0["name"] as String, $0[column] as String) }
        }
        var loaded: [String: Record] = [:]
        for (name, json) in rows { loaded[name] = try Store.decode(Record.self, json, table: table, key: name) }
        cache = Mutex(loaded)
    }

    /// Every record, ordered by name.
    var all: [Record] {
        cache.withLock { $0.sorted { $0.key < $1.key }.map(\.value) }
    }

    /// Every record, in no order (cheaper, for lookups that search them all).
    var unordered: [Record] {
        cache.withLock { Array($0.values) }
    }

    func named(_ name: String) -> Record? {
        cache.withLock { $0[name] }
    }

    func first(where matches: (Record) -> Bool) -> Record? {
        cache.withLock { $0.values.first(where: matches) }
    }

    /// Creates or replaces the record of that name.
    func save(_ record: Record, as name: String) async throws {
        let json = try Store.encode(record)
        let sql = "INSERT OR REPLACE INTO \(table) (name, \(column)) VALUES (?, ?)"
        try await database.write { db in try db.execute(sql: sql, arguments: [name, json]) }
        cache.withLock { $0[name] = record }
    }

    /// Deletes it; false when there was none.
    @discardableResult
    func delete(_ name: String) async throws -> Bool {
        let sql = "DELETE FROM \(table) WHERE name = ?"
        try await database.write { db in try db.execute(sql: sql, arguments: [name]) }
        return cache.withLock { $0.removeValue(forKey: name) != nil }
    }
}
