import BatonModel
import GRDB
import Synchronization

/// The coordinator's source connections: stored in SQLite, and held in memory so that job
/// dispatch and the trigger watcher resolve a repository without a database read.
package final class SourceConnections: Sendable {
    private let database: DatabasePool
    private let cache: Mutex<[String: SourceConnection]>

    init(database: DatabasePool) throws {
        self.database = database
        let rows = try database.read { db in
            try Row.fetchAll(db, sql: "SELECT name, definition FROM connection").map { ($0["name"] as String, $0["definition"] as String) }
        }
        var loaded: [String: SourceConnection] = [:]
        for (name, json) in rows {
            loaded[name] = try Store.decode(SourceConnection.self, json, table: "connection", key: name)
        }
        cache = Mutex(loaded)
    }

    package var all: [SourceConnection] {
        cache.withLock { $0.values.sorted { $0.name < $1.name } }
    }

    package func named(_ name: String) -> SourceConnection? {
        cache.withLock { $0[name] }
    }

    /// Creates or replaces the connection of that name.
    package func save(_ connection: SourceConnection) async throws {
        let json = try Store.encode(connection)
        try await database.write { db in
            try db.execute(sql: "INSERT OR REPLACE INTO connection (name, definition) VALUES (?, ?)", arguments: [connection.name, json])
        }
        cache.withLock { $0[connection.name] = connection }
    }

    /// Deletes it; false when there was none.
    package func delete(_ name: String) async throws -> Bool {
        try await database.write { db in
            try db.execute(sql: "DELETE FROM connection WHERE name = ?", arguments: [name])
        }
        return cache.withLock { $0.removeValue(forKey: name) != nil }
    }

    /// The repository URL and branch of a git source action; nil for other action types, which
    /// every job dispatch asks about, so those return before taking the lock.
    package func repository(for type: ActionTypeID, configuration: [String: String]) -> Result<(url: String, branch: String), SourceResolutionError>? {
        guard SourceConnection.isGitSource(type) else { return nil }
        return cache.withLock { Array($0.values) }.repository(for: type, configuration: configuration)
    }
}
