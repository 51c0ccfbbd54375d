import BatonJSON
import BatonModel
import Foundation
import GRDB

// BatonStore: the coordinator's durable state. One SQLite database in WAL mode holds pipelines,
// their versions, executions, jobs and artifact metadata; `ArtifactFiles` holds artifact bytes,
// content-addressed, beside it. Every change the engine makes lands in one transaction.

/// One change to commit; the engine hands a batch of them to `commit` as one transaction.
package enum StoreChange: Sendable {
    case execution(PipelineExecution)
    /// A job just created (its id new to the store): its row, with the record as JSON, listed as
    /// open (or ended, if created ended). Later changes to it are `jobStatus`.
    case job(JobRecord)
    /// A stored job's new status and accepted result. Its row is not written again: an open job
    /// is listed in `job_open`, an ended one in `job_end` with its result, and reads take the
    /// status and result from there.
    case jobStatus(JobID, JobRecord.Status, resultID: String?)
    case artifact(ArtifactReference, at: Timestamp)
    case runtime(pipeline: String, PipelineRuntimeState)
    case clientToken(pipeline: String, token: String, execution: ExecutionID)
    case customActionType(ActionType)
    case deleteCustomActionType(ActionTypeID)
    case deleteArtifact(ArtifactDigest)
}

package final class Store: Sendable {
    private let database: DatabasePool
    package let artifacts: ArtifactFiles
    package let connections: SourceConnections
    package let tags: ResourceTags
    package let webhooks: Webhooks

    /// Opens (creating if needed) the store in `directory` and brings its schema up to date.
    package init(directory: URL) throws {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw StoreError.io(path: directory.path, reason: "cannot create the data directory: \(error.localizedDescription)")
        }
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            // A new database gets 8 KiB pages: an execution's record (about 4 KiB with ten
            // actions) then fits in one page instead of spilling into an overflow chain that
            // every update rewrites, and a commit writes fewer WAL frames (docs/performance-history.md,
            // session 18). An existing database keeps its page size; WAL cannot change it.
            try db.execute(sql: "PRAGMA page_size = 8192")
            try db.execute(sql: "PRAGMA cache_size = -16384")
        }
        database = try DatabasePool(path: directory.appendingPathComponent("baton.sqlite").path, configuration: configuration)
        // WAL with synchronous=NORMAL is durable across process crashes; FULL adds power-loss
        // durability for each commit at the cost of an fsync each, and an accepted result must
        // survive both. It is set here, on the one connection that writes, and not in
        // `prepareDatabase`: the pool turns WAL on after that has run, and sets NORMAL as it does
        // (until session 11 every commit ran with NORMAL for that reason).
        try database.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        try Migrations.migrator.migrate(database)
        artifacts = try ArtifactFiles(root: directory.appendingPathComponent("artifacts"))
        connections = try SourceConnections(database: database)
        tags = ResourceTags(database: database)
        webhooks = try Webhooks(database: database)
    }

    // MARK: Pipelines

    package func createPipeline(_ record: PipelineRecord) async throws {
        let json = try Self.encode(record.declaration)
        try await database.write { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM pipeline WHERE name = ?", arguments: [record.name]) == true {
                throw StoreError.pipelineNameInUse(record.name)
            }
            try db.execute(
                sql: "INSERT INTO pipeline (name, version, declaration, created, updated) VALUES (?, ?, ?, ?, ?)",
                arguments: [record.name, record.version, json, record.created.secondsSince1970, record.updated.secondsSince1970])
            try db.execute(
                sql: "INSERT INTO pipeline_version (name, version, declaration, created) VALUES (?, ?, ?, ?)",
                arguments: [record.name, record.version, json, record.updated.secondsSince1970])
        }
    }

    package func updatePipeline(_ record: PipelineRecord) async throws {
        let json = try Self.encode(record.declaration)
        try await database.write { db in
            try db.execute(
                sql: "UPDATE pipeline SET version = ?, declaration = ?, updated = ? WHERE name = ?",
                arguments: [record.version, json, record.updated.secondsSince1970, record.name])
            guard db.changesCount == 1 else { throw StoreError.pipelineNotFound(record.name) }
            try db.execute(
                sql: "INSERT OR REPLACE INTO pipeline_version (name, version, declaration, created) VALUES (?, ?, ?, ?)",
                arguments: [record.name, record.version, json, record.updated.secondsSince1970])
        }
    }

    package func deletePipeline(named name: String) async throws {
        try await database.write { db in
            try db.execute(sql: "DELETE FROM pipeline WHERE name = ?", arguments: [name])
            try db.execute(sql: "DELETE FROM pipeline_version WHERE name = ?", arguments: [name])
            try db.execute(sql: "DELETE FROM pipeline_runtime WHERE name = ?", arguments: [name])
        }
    }

    package func pipelines() async throws -> [PipelineRecord] {
        let rows = try await database.read { db in
            try Row.fetchAll(db, sql: "SELECT name, declaration, created, updated FROM pipeline ORDER BY name").map { row in
                (name: row["name"] as String, declaration: row["declaration"] as String, created: row["created"] as Double, updated: row["updated"] as Double)
            }
        }
        return try rows.map { row in
            PipelineRecord(
                declaration: try Self.decode(PipelineDeclaration.self, row.declaration, table: "pipeline", key: row.name),
                created: Timestamp(secondsSince1970: row.created),
                updated: Timestamp(secondsSince1970: row.updated))
        }
    }

    package func pipelineVersion(named name: String, version: Int) async throws -> PipelineDeclaration? {
        let json = try await database.read { db in
            try String.fetchOne(db, sql: "SELECT declaration FROM pipeline_version WHERE name = ? AND version = ?", arguments: [name, version])
        }
        return try json.map { try Self.decode(PipelineDeclaration.self, $0, table: "pipeline_version", key: "\(name)@\(version)") }
    }

    /// SQLite's `synchronous` setting on the connection that commits: 2 is FULL.
    package func commitSynchronousMode() async throws -> Int {
        try await database.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1 }
    }

    // MARK: Executions and jobs

    /// Applies every change in one transaction: all of them are durable when this returns, or none.
    package func commit(_ changes: [StoreChange]) async throws {
        guard !changes.isEmpty else { return }
        var encoded: [EncodedStatement] = []
        encoded.reserveCapacity(changes.count + changes.count / 2)
        for change in Self.latest(changes) { try EncodedStatement.append(change, to: &encoded) }
        try await database.write { [encoded] db in
            for statement in encoded { try statement.apply(db) }
        }
    }

    /// The changes without those a later change to the same row supersedes: a group commit holds
    /// many steps of one execution, and only its last state needs encoding and writing.
    static func latest(_ changes: [StoreChange]) -> [StoreChange] {
        guard changes.count > 1 else { return changes }
        // The row a change writes, by the ids it already holds (no new strings).
        enum Written: Hashable {
            case execution(String), job(String), jobStatus(String), runtime(String)
        }
        var seen = Set<Written>(minimumCapacity: changes.count)
        var kept: [StoreChange] = []
        kept.reserveCapacity(changes.count)
        for change in changes.reversed() {
            let key: Written? = switch change {
            case .execution(let execution): .execution(execution.id.rawValue)
            case .job(let job): .job(job.id.rawValue)
            case .jobStatus(let id, _, _): .jobStatus(id.rawValue)
            case .runtime(let pipeline, _): .runtime(pipeline)
            default: nil
            }
            if let key, !seen.insert(key).inserted { continue }
            kept.append(change)
        }
        return kept.reversed()
    }

    /// Written out, not bound, so that SQLite can use the partial index of active executions: it
    /// uses one only where a query's condition matches the index's as written.
    static let activeExecutionsCondition = "status IN ('InProgress', 'Stopping')"

    package func executions(pipeline: String? = nil, activeOnly: Bool = false) async throws -> [PipelineExecution] {
        let rows = try await database.read { db in
            var sql = "SELECT id, record FROM execution"
            var clauses: [String] = []
            var arguments: StatementArguments = []
            if let pipeline {
                clauses.append("pipeline = ?")
                _ = arguments.append(contentsOf: [pipeline])
            }
            if activeOnly { clauses.append(Self.activeExecutionsCondition) }
            if !clauses.isEmpty { sql += " WHERE " + clauses.joined(separator: " AND ") }
            sql += " ORDER BY start_time DESC, rowid DESC"
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in (id: row["id"] as String, record: row["record"] as String) }
        }
        return try rows.map { row in
            try Self.decode(PipelineExecution.self, row.record, table: "execution", key: row.id)
        }
    }

    /// Up to `limit` of a pipeline's executions, newest first, starting after `cursor` (the
    /// position of the last one a previous page returned). Only that page is read and decoded, so
    /// a page costs the same with ten executions stored or a hundred thousand, and executions
    /// started between two pages shift nothing: the next page goes on from the same position.
    package func executions(pipeline: String, after cursor: ExecutionCursor?, limit: Int) async throws -> [(execution: PipelineExecution, cursor: ExecutionCursor)] {
        var sql = "SELECT id, record, start_time, rowid FROM execution WHERE pipeline = ?"
        var arguments: StatementArguments = [pipeline]
        if let cursor {
            sql += " AND (start_time < ? OR (start_time = ? AND rowid < ?))"
            _ = arguments.append(contentsOf: [cursor.startTime, cursor.startTime, cursor.row])
        }
        sql += " ORDER BY start_time DESC, rowid DESC LIMIT ?"
        _ = arguments.append(contentsOf: [max(0, limit)])
        let rows = try await database.read { [sql, arguments] db in
            try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
                (id: row["id"] as String, record: row["record"] as String, cursor: ExecutionCursor(startTime: row["start_time"], row: row["rowid"]))
            }
        }
        return try rows.map { row in
            (try Self.decode(PipelineExecution.self, row.record, table: "execution", key: row.id), row.cursor)
        }
    }

    /// What a retention policy keeps, and only that: each pipeline's newest `newest` executions,
    /// every unfinished one, every one started at or after `startedSince` (seconds since 1970),
    /// and each pipeline's newest succeeded one; and every artifact digest those executions
    /// refer to. The digests are read out of the stored records by SQLite's JSON functions, so a
    /// policy that keeps most of a long history decodes none of it.
    package func artifactsRetained(newest: Int, startedSince: Double) async throws -> RetainedArtifacts {
        let kept = """
            SELECT id, record FROM (
                SELECT id, record, status, start_time,
                    ROW_NUMBER() OVER (PARTITION BY pipeline ORDER BY start_time DESC, rowid DESC) AS position,
                    ROW_NUMBER() OVER (PARTITION BY pipeline, status = 'Succeeded' ORDER BY start_time DESC, rowid DESC) AS position_in_status
                FROM execution)
            WHERE position <= :newest OR \(Self.activeExecutionsCondition) OR start_time >= :since
                OR (status = 'Succeeded' AND position_in_status = 1)
            """
        let arguments: StatementArguments = ["newest": newest, "since": startedSince]
        // The kept executions are picked once: their ids, then every distinct string under a
        // "digest" key in their records (artifact references: the execution's artifacts, each
        // action's outputs and log).
        let rows = try await database.read { db in
            try Row.fetchAll(db, sql: """
                WITH kept AS MATERIALIZED (\(kept))
                SELECT 'execution' AS kind, id AS value FROM kept
                UNION ALL
                SELECT DISTINCT 'digest', tree.value FROM kept, json_tree(kept.record) AS tree
                WHERE tree.key = 'digest' AND tree.type = 'text'
                """, arguments: arguments).map { row in (kind: row["kind"] as String, value: row["value"] as String) }
        }
        return RetainedArtifacts(
            executionIDs: Set(rows.filter { $0.kind == "execution" }.map { ExecutionID(rawValue: $0.value) }),
            digests: Set(rows.filter { $0.kind == "digest" }.compactMap { ArtifactDigest(hex: $0.value) }))
    }

    /// How many executions each pipeline has in each status.
    package func executionCounts() async throws -> [(pipeline: String, status: String, count: Int)] {
        try await database.read { db in
            try Row.fetchAll(db, sql: "SELECT pipeline, status, count(*) AS n FROM execution GROUP BY pipeline, status ORDER BY pipeline, status").map { row in
                (pipeline: row["pipeline"] as String, status: row["status"] as String, count: row["n"] as Int)
            }
        }
    }

    /// Jobs not yet finished, oldest first.
    package func queuedJobs() async throws -> [JobRecord] {
        let rows = try await database.read { db in
            try Row.fetchAll(db, sql: """
                SELECT job.id, job.data, 'Queued' AS status, NULL AS result_id FROM job_open JOIN job ON job.id = job_open.id
                ORDER BY job.created
                """).map(StoredJob.init)
        }
        return try rows.map { try $0.record() }
    }

    package func job(_ id: JobID) async throws -> JobRecord? {
        let row = try await database.read { db in
            // A job is open until `job_end` has it; the row's own status is always its first.
            try Row.fetchOne(db, sql: """
                SELECT job.id, job.data, coalesce(job_end.status, 'Queued') AS status, job_end.result_id
                FROM job LEFT JOIN job_end ON job_end.id = job.id WHERE job.id = ?
                """, arguments: [id.rawValue]).map(StoredJob.init)
        }
        return try row?.record()
    }

    package func runtimeStates() async throws -> [String: PipelineRuntimeState] {
        let rows = try await database.read { db in
            try Row.fetchAll(db, sql: "SELECT name, state FROM pipeline_runtime").map { (name: $0["name"] as String, state: $0["state"] as String) }
        }
        var states: [String: PipelineRuntimeState] = [:]
        for row in rows { states[row.name] = try Self.decode(PipelineRuntimeState.self, row.state, table: "pipeline_runtime", key: row.name) }
        return states
    }

    package func customActionTypes() async throws -> [ActionType] {
        let rows = try await database.read { db in
            try String.fetchAll(db, sql: "SELECT definition FROM custom_action_type ORDER BY category, provider, version")
        }
        return try rows.map { try Self.decode(ActionType.self, $0, table: "custom_action_type", key: "definition") }
    }

    package func execution(forClientToken token: String, pipeline: String) async throws -> ExecutionID? {
        try await database.read { db in
            try String.fetchOne(db, sql: "SELECT execution_id FROM client_token WHERE pipeline = ? AND token = ?", arguments: [pipeline, token])
        }.map(ExecutionID.init(rawValue:))
    }

    package func execution(_ id: ExecutionID) async throws -> PipelineExecution? {
        let json = try await database.read { db in
            try String.fetchOne(db, sql: "SELECT record FROM execution WHERE id = ?", arguments: [id.rawValue])
        }
        return try json.map { try Self.decode(PipelineExecution.self, $0, table: "execution", key: id.rawValue) }
    }

    // MARK: Coding

    static func encode(_ value: some Encodable) throws -> String {
        String(decoding: try StreamingJSONEncoder().encode(value), as: UTF8.self)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ json: String, table: String, key: String) throws -> T {
        do {
            return try TokenJSONDecoder().decode(T.self, from: json)
        } catch {
            throw StoreError.corruptRecord(table: table, key: key, reason: "\(error)")
        }
    }
}

/// A statement of a change, with its JSON already encoded, so the write transaction does no
/// encoding.
private struct EncodedStatement: Sendable {
    let sql: String
    let arguments: StatementArguments

    static func append(_ change: StoreChange, to statements: inout [EncodedStatement]) throws {
        switch change {
        case .execution(let execution):
            statements.append(EncodedStatement(sql: """
                INSERT INTO execution (id, pipeline, status, record, start_time, last_update_time) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET status = excluded.status, record = excluded.record,
                last_update_time = excluded.last_update_time
                """, arguments: [
                execution.id.rawValue, execution.pipelineName, execution.status.rawValue,
                String(decoding: try execution.recordJSON(), as: UTF8.self),
                execution.startTime.secondsSince1970, execution.lastUpdateTime.secondsSince1970,
            ]))
        case .job(let job):
            let now = Date().timeIntervalSince1970
            statements.append(EncodedStatement(sql: """
                INSERT INTO job (id, execution_id, stage, action, status, attempt, data, result_id, created, updated)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET status = excluded.status, attempt = excluded.attempt,
                data = excluded.data, result_id = excluded.result_id, updated = excluded.updated
                """, arguments: [
                job.id.rawValue, job.executionID.rawValue, job.stageName, job.actionName, job.status.rawValue,
                job.attempt, String(decoding: job.recordJSON(), as: UTF8.self), job.resultID, now, now,
            ]))
            appendStatus(of: job.id, job.status, resultID: job.resultID, at: now, new: true, to: &statements)
        case .jobStatus(let id, let status, let resultID):
            appendStatus(of: id, status, resultID: resultID, at: Date().timeIntervalSince1970, new: false, to: &statements)
        case .artifact(let reference, let at):
            statements.append(EncodedStatement(
                sql: "INSERT OR IGNORE INTO artifact (digest, size, created) VALUES (?, ?, ?)",
                arguments: [reference.digest.hex, reference.size, at.secondsSince1970]))
        case .runtime(let pipeline, let state):
            statements.append(EncodedStatement(
                sql: "INSERT INTO pipeline_runtime (name, state) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET state = excluded.state",
                arguments: [pipeline, String(decoding: try state.recordJSON(), as: UTF8.self)]))
        case .clientToken(let pipeline, let token, let execution):
            statements.append(EncodedStatement(
                sql: "INSERT OR IGNORE INTO client_token (pipeline, token, execution_id) VALUES (?, ?, ?)",
                arguments: [pipeline, token, execution.rawValue]))
        case .customActionType(let type):
            statements.append(EncodedStatement(sql: """
                INSERT INTO custom_action_type (category, provider, version, definition) VALUES (?, ?, ?, ?)
                ON CONFLICT (category, provider, version) DO UPDATE SET definition = excluded.definition
                """, arguments: [type.id.category, type.id.provider, type.id.version, try Store.encode(type)]))
        case .deleteArtifact(let digest):
            statements.append(EncodedStatement(sql: "DELETE FROM artifact WHERE digest = ?", arguments: [digest.hex]))
        case .deleteCustomActionType(let id):
            statements.append(EncodedStatement(
                sql: "DELETE FROM custom_action_type WHERE category = ? AND provider = ? AND version = ?",
                arguments: [id.category, id.provider, id.version]))
        }
    }

    /// An open job is listed in `job_open`; an ended one in `job_end`, with its accepted result.
    /// Its row in `job` is not written again. A `new` job is in neither list yet.
    private static func appendStatus(
        of id: JobID, _ status: JobRecord.Status, resultID: String?, at time: Double, new: Bool, to statements: inout [EncodedStatement]
    ) {
        if status == .queued {
            if !new { statements.append(EncodedStatement(sql: "DELETE FROM job_end WHERE id = ?", arguments: [id.rawValue])) }
            statements.append(EncodedStatement(sql: "INSERT OR IGNORE INTO job_open (id) VALUES (?)", arguments: [id.rawValue]))
        } else {
            if !new { statements.append(EncodedStatement(sql: "DELETE FROM job_open WHERE id = ?", arguments: [id.rawValue])) }
            statements.append(EncodedStatement(
                sql: "INSERT OR REPLACE INTO job_end (id, status, result_id, ended) VALUES (?, ?, ?, ?)",
                arguments: [id.rawValue, status.rawValue, resultID, time]))
        }
    }

    func apply(_ db: Database) throws {
        // The same few statements run in every transaction: parse each once per connection.
        try db.cachedStatement(sql: sql).execute(arguments: arguments)
    }
}

/// A job as read: the record as created, with the status and result its listing gives.
private struct StoredJob: Sendable {
    let id: String
    let data: String
    let status: String
    let resultID: String?

    init(_ row: Row) {
        id = row["id"]
        data = row["data"]
        status = row["status"]
        resultID = row["result_id"]
    }

    func record() throws -> JobRecord {
        var record = try Store.decode(JobRecord.self, data, table: "job", key: id)
        guard let status = JobRecord.Status(rawValue: status) else {
            throw StoreError.corruptRecord(table: "job", key: id, reason: "unknown status '\(status)'")
        }
        record.status = status
        record.resultID = resultID
        return record
    }
}
