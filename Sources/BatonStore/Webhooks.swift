import BatonModel
import GRDB

/// The coordinator's PutWebhook webhooks, by name; a delivery finds its webhook by URL token.
package final class Webhooks: Sendable {
    private let records: NamedRecords<WebhookRecord>

    init(database: DatabasePool) throws {
        records = try NamedRecords(database: database, table: "webhook", column: "record")
    }

    package var all: [WebhookRecord] { records.all }

    package func named(_ name: String) -> WebhookRecord? { records.named(name) }

    package func withToken(_ token: String) -> WebhookRecord? { records.first { $0.urlToken == token } }

    package func save(_ record: WebhookRecord) async throws { try await records.save(record, as: record.definition.name) }

    /// Deletes it; deleting one that does not exist succeeds, as on CodePipeline.
    package func delete(_ name: String) async throws { try await records.delete(name) }
}
