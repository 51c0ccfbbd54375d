import GRDB

/// Tags of pipelines and webhooks (TagResource, UntagResource, ListTagsForResource), by ARN.
package final class ResourceTags: Sendable {
    private let database: DatabasePool

    init(database: DatabasePool) {
        self.database = database
    }

    /// The resource's tags, by key.
    package func tags(of arn: String) async throws -> [(key: String, value: String)] {
        try await database.read { db in
            try Row.fetchAll(db, sql: "SELECT key, value FROM tag WHERE arn = ? ORDER BY key", arguments: [arn]).map { ($0["key"] as String, $0["value"] as String) }
        }
    }

    /// Adds the tags, replacing the values of keys it already has; throws `TagLimit` when the
    /// resource would end with more than `limit` tags, changing nothing.
    package func tag(_ arn: String, with tags: [(key: String, value: String)], limit: Int) async throws {
        try await database.write { db in
            for tag in tags {
                try db.execute(sql: "INSERT OR REPLACE INTO tag (arn, key, value) VALUES (?, ?, ?)", arguments: [arn, tag.key, tag.value])
            }
            let count = try Int.fetchOne(db, sql: "SELECT count(*) FROM tag WHERE arn = ?", arguments: [arn]) ?? 0
            if count > limit { throw TagLimit(count: count, limit: limit) }
        }
    }

    package func untag(_ arn: String, keys: [String]) async throws {
        try await database.write { db in
            for key in keys { try db.execute(sql: "DELETE FROM tag WHERE arn = ? AND key = ?", arguments: [arn, key]) }
        }
    }

    package func removeAll(of arn: String) async throws {
        try await database.write { db in try db.execute(sql: "DELETE FROM tag WHERE arn = ?", arguments: [arn]) }
    }

    package struct TagLimit: Error {
        package let count: Int
        package let limit: Int
    }
}
