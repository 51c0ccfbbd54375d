import BatonModel
import GRDB
import Synchronization

/// The coordinator's PutWebhook webhooks: stored in SQLite and held in memory, so a delivery is
/// matched to its webhook without a database read.
package final class Webhooks: Sendable {
    private let database: DatabasePool
    private let cache: Mutex<[String: WebhookRecord]>

    init(database: DatabasePool) throws {
        self.database = database
        let rows = try database.read { db in
            try Row.fetchAll(db, sql: "SELECT name, record FROM webhook").map { ($0["name"] as String, $0["record"] as String) }
        }
        var loaded: [String: WebhookRecord] = [:]
        for (name, json) in rows { loaded[name] = try Store.decode(WebhookRecord.self, json, table: "webhook", key: name) }
        cache = Mutex(loaded)
    }

    package var all: [WebhookRecord] {
        cache.withLock { $0.values.sorted { $0.definition.name < $1.definition.name } }
    }

    package func named(_ name: String) -> WebhookRecord? {
        cache.withLock { $0[name] }
    }

    package func withToken(_ token: String) -> WebhookRecord? {
        cache.withLock { $0.values.first { $0.urlToken == token } }
    }

    package func save(_ record: WebhookRecord) async throws {
        let json = try Store.encode(record)
        try await database.write { db in
            try db.execute(sql: "INSERT OR REPLACE INTO webhook (name, record) VALUES (?, ?)", arguments: [record.definition.name, json])
        }
        cache.withLock { $0[record.definition.name] = record }
    }

    /// Deletes it; deleting one that does not exist succeeds, as on CodePipeline.
    package func delete(_ name: String) async throws {
        try await database.write { db in try db.execute(sql: "DELETE FROM webhook WHERE name = ?", arguments: [name]) }
        _ = cache.withLock { $0.removeValue(forKey: name) }
    }
}
