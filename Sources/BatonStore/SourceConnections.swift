import BatonModel
import GRDB

/// The coordinator's source connections: stored in SQLite, and held in memory so that job
/// dispatch and the trigger watcher resolve a repository without a database read.
package final class SourceConnections: Sendable {
    private let records: NamedRecords<SourceConnection>

    init(database: DatabasePool) throws {
        records = try NamedRecords(database: database, table: "connection", column: "definition")
    }

    package var all: [SourceConnection] { records.all }

    package func named(_ name: String) -> SourceConnection? { records.named(name) }

    /// Creates or replaces the connection of that name.
    package func save(_ connection: SourceConnection) async throws { try await records.save(connection, as: connection.name) }

    /// Deletes it; false when there was none.
    package func delete(_ name: String) async throws -> Bool { try await records.delete(name) }

    /// The repository URL and branch of a git source action; nil for other action types, which
    /// every job dispatch asks about, so those return before taking the lock.
    package func repository(for type: ActionTypeID, configuration: [String: String]) -> Result<(url: String, branch: String), SourceResolutionError>? {
        guard SourceConnection.isGitSource(type) else { return nil }
        return records.unordered.repository(for: type, configuration: configuration)
    }
}
