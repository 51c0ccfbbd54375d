import BatonModel
import Crypto
import Foundation
import GRDB
import Testing
@testable import BatonStore

@Suite struct StoreTests {
    static func temporaryDirectory() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("baton-store-\(UUID().uuidString.prefix(8))")
    }

    static func declaration(_ name: String) -> PipelineDeclaration {
        PipelineDeclaration(name: name, stages: [
            StageDeclaration(name: "Source", actions: [ActionDeclaration(name: "Fetch", actionTypeId: .init(category: "Source", owner: "AWS", provider: "S3", version: "1"))]),
            StageDeclaration(name: "Build", actions: [ActionDeclaration(name: "Make", actionTypeId: .commands, commands: ["make"])]),
        ])
    }

    @Test func pipelinesAndTheirVersionsSurviveReopening() async throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let t0 = Timestamp(secondsSince1970: 1000)
        do {
            let store = try Store(directory: directory)
            var declaration = Self.declaration("p")
            declaration.version = 1
            try await store.createPipeline(PipelineRecord(declaration: declaration, created: t0, updated: t0))
            await #expect(throws: StoreError.self) {
                try await store.createPipeline(PipelineRecord(declaration: declaration, created: t0, updated: t0))
            }
            declaration.version = 2
            declaration.stages[1].actions[0].commands = ["make test"]
            try await store.updatePipeline(PipelineRecord(declaration: declaration, created: t0, updated: t0.adding(seconds: 5)))
        }
        let reopened = try Store(directory: directory)
        let pipelines = try await reopened.pipelines()
        #expect(pipelines.map(\.name) == ["p"])
        #expect(pipelines.first?.version == 2)
        #expect(pipelines.first?.updated == t0.adding(seconds: 5))
        let first = try await reopened.pipelineVersion(named: "p", version: 1)
        #expect(first?.stages[1].actions[0].commands == ["make"])
    }

    /// Every commit is fsynced (FULL), so an accepted result survives a power loss, not only a
    /// crashed process. (GRDB's pool sets NORMAL when it turns WAL on, after `prepareDatabase`.)
    @Test func commitsAreSyncedToDiskOnTheWritingConnection() async throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try Store(directory: directory)
        #expect(try await store.commitSynchronousMode() == 2)
        let reopened = try Store(directory: directory)
        #expect(try await reopened.commitSynchronousMode() == 2)
    }

    @Test func aCommitIsAllOrNothingAndReadableAfterReopening() async throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try Store(directory: directory)
        let t0 = Timestamp(secondsSince1970: 1000)
        var execution = PipelineExecution(id: ExecutionID(rawValue: "e-1"), pipeline: Self.declaration("p"), version: 1, trigger: .startPipelineExecution, at: t0)
        try await store.commit([.execution(execution)])
        execution.status = .succeeded
        try await store.commit([.execution(execution)])
        let reopened = try Store(directory: directory)
        #expect(try await reopened.executions(pipeline: "p").map(\.status) == [.succeeded])
        #expect(try await reopened.executions(activeOnly: true).isEmpty)
    }

    @Test func aGroupCommitWritesTheLastStateOfEachRow() async throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try Store(directory: directory)
        let t0 = Timestamp(secondsSince1970: 1000)
        var first = PipelineExecution(id: ExecutionID(rawValue: "e-1"), pipeline: Self.declaration("p"), version: 1, trigger: .startPipelineExecution, at: t0)
        let other = PipelineExecution(id: ExecutionID(rawValue: "e-2"), pipeline: Self.declaration("p"), version: 1, trigger: .startPipelineExecution, at: t0.adding(seconds: 1))
        var changes: [StoreChange] = [.execution(first), .execution(other)]
        first.status = .failed
        changes.append(.execution(first))
        first.status = .succeeded
        changes.append(.execution(first))
        let kept = Store.latest(changes)
        #expect(kept.count == 2)
        try await store.commit(changes)
        let stored = try await store.executions(pipeline: "p")
        #expect(stored.map(\.id.rawValue) == ["e-2", "e-1"])
        #expect(stored.map(\.status) == [.inProgress, .succeeded])
    }

    static func job(_ id: String, status: JobRecord.Status = .queued) -> JobRecord {
        let context = PipelineContext(pipelineName: "p", stageName: "Build", actionName: "Make", actionExecutionID: ActionExecutionID(rawValue: "a-\(id)"), executionID: ExecutionID(rawValue: "e-1"))
        return JobRecord(id: JobID(rawValue: id), executionID: ExecutionID(rawValue: "e-1"), stageName: "Build", actionName: "Make", status: status, attempt: 1,
                         data: JobData(actionTypeId: .commands, configuration: [:], pipelineContext: context, inputArtifacts: [], outputArtifacts: [], commands: ["make"]))
    }

    /// A job's row is written once, when it is created. Its status and accepted result are what
    /// `job_open` and `job_end` say, and what reads return; a group commit of many results then
    /// writes a few narrow rows instead of rewriting many wide ones where they lie.
    @Test func aJobsRowIsWrittenOnceAndItsEndIsListedApart() async throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try Store(directory: directory)
        try await store.commit([.job(Self.job("j-1")), .job(Self.job("j-2"))])
        // Created and ended in one group commit: the row first, then its status.
        try await store.commit([.jobStatus(JobID(rawValue: "j-1"), .succeeded, resultID: "r-1"), .job(Self.job("j-3")), .jobStatus(JobID(rawValue: "j-3"), .cancelled, resultID: nil)])

        let reopened = try Store(directory: directory)
        let ended = try #require(try await reopened.job(JobID(rawValue: "j-1")))
        #expect(ended.status == .succeeded && ended.resultID == "r-1")
        #expect(ended.data.commands == ["make"])
        #expect(try await reopened.job(JobID(rawValue: "j-2"))?.status == .queued)
        #expect(try await reopened.job(JobID(rawValue: "j-3"))?.status == .cancelled)
        #expect(try await reopened.queuedJobs().map(\.id.rawValue) == ["j-2"])
        #expect(try await reopened.job(JobID(rawValue: "j-9")) == nil)

        let database = try DatabaseQueue(path: directory.appendingPathComponent("baton.sqlite").path)
        let (rows, open, ends) = try await database.read { db in
            (try Row.fetchAll(db, sql: "SELECT status, created = updated AS unchanged FROM job").map { ($0["status"] as String, $0["unchanged"] as Bool) },
             try String.fetchAll(db, sql: "SELECT id FROM job_open"),
             try Row.fetchAll(db, sql: "SELECT id, status, result_id FROM job_end ORDER BY id").map { "\($0["id"] as String) \($0["status"] as String) \(($0["result_id"] as String?) ?? "-")" })
        }
        #expect(rows.count == 3 && rows.allSatisfy { $0.0 == "Queued" && $0.1 }, "rows rewritten: \(rows)")
        #expect(open == ["j-2"])
        #expect(ends == ["j-1 Succeeded r-1", "j-3 Cancelled -"])

        // A job set back to queued is open again, with no end.
        try await reopened.commit([.jobStatus(JobID(rawValue: "j-3"), .queued, resultID: nil)])
        #expect(try await reopened.queuedJobs().map(\.id.rawValue) == ["j-2", "j-3"])
        let requeued = try #require(try await reopened.job(JobID(rawValue: "j-3")))
        #expect(requeued.status == .queued && requeued.resultID == nil)
    }

    /// A store made before jobs' ends were listed apart keeps every job's status and result.
    @Test func anOlderStoresJobsKeepTheirStatusAcrossTheMigration() async throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        do {
            let old = try DatabaseQueue(path: directory.appendingPathComponent("baton.sqlite").path)
            try Migrations.migrator.migrate(old, upTo: "v5: resource tags and webhooks")
            try await old.write { db in
                // j-4 was created before j-2: queued jobs come oldest first.
                for (id, status, result, created) in [("j-1", "Succeeded", "r-1", 1.0), ("j-2", "Queued", nil, 4.0), ("j-3", "Failed", "r-3", 3.0), ("j-4", "Queued", nil, 2.0)] as [(String, String, String?, Double)] {
                    try db.execute(sql: """
                        INSERT INTO job (id, execution_id, stage, action, status, attempt, data, result_id, created, updated)
                        VALUES (?, 'e-1', 'Build', 'Make', ?, 1, ?, ?, ?, ?)
                        """, arguments: [id, status, String(decoding: Self.job(id).recordJSON(), as: UTF8.self), result, created, created + 1])
                }
            }
        }
        let store = try Store(directory: directory)
        #expect(try await store.queuedJobs().map(\.id.rawValue) == ["j-4", "j-2"])
        let succeeded = try #require(try await store.job(JobID(rawValue: "j-1")))
        #expect(succeeded.status == .succeeded && succeeded.resultID == "r-1")
        let failed = try #require(try await store.job(JobID(rawValue: "j-3")))
        #expect(failed.status == .failed && failed.resultID == "r-3")
        // And they go on from there.
        try await store.commit([.jobStatus(JobID(rawValue: "j-2"), .succeeded, resultID: "r-2")])
        #expect(try await store.queuedJobs().map(\.id.rawValue) == ["j-4"])
        #expect(try await store.job(JobID(rawValue: "j-2"))?.resultID == "r-2")
    }

    /// Only active executions are in an index by status, so an execution that ends leaves a small
    /// index; `activeOnly`'s lookups must still use it rather than read every row (SQLite uses a
    /// partial index only where the query's condition matches the index's, and a bound status
    /// would not).
    @Test func activeExecutionsAreLookedUpInAnIndexOfThemAlone() async throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try Store(directory: directory)
        var running = PipelineExecution(id: ExecutionID(rawValue: "e-1"), pipeline: Self.declaration("p"), version: 1, trigger: .startPipelineExecution, at: Timestamp(secondsSince1970: 1))
        #expect(running.status == .inProgress)
        try await store.commit([.execution(running)])
        #expect(try await store.executions(activeOnly: true).count == 1)
        running.status = .succeeded
        try await store.commit([.execution(running)])

        let database = try DatabaseQueue(path: directory.appendingPathComponent("baton.sqlite").path)
        let (plan, indexed) = try await database.read { db in
            (try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN SELECT id, record FROM execution WHERE \(Store.activeExecutionsCondition) ORDER BY start_time DESC").map { $0["detail"] as String },
             try Int.fetchOne(db, sql: "SELECT count(*) FROM execution INDEXED BY execution_active WHERE \(Store.activeExecutionsCondition)"))
        }
        #expect(plan.contains { $0.contains("USING INDEX execution_active") }, "\(plan)")
        // The ended execution left the index.
        #expect(indexed == 0)
        #expect(try await store.executions(activeOnly: true).isEmpty)
        #expect(try await store.executions().count == 1)
    }

    @Test func executionsArePagedByPositionWithoutRepeatsWhenMoreStart() async throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try Store(directory: directory)
        let t0 = Timestamp(secondsSince1970: 1000)
        func execution(_ id: String, _ pipeline: String, at seconds: Double) -> PipelineExecution {
            PipelineExecution(id: ExecutionID(rawValue: id), pipeline: Self.declaration(pipeline), version: 1, trigger: .startPipelineExecution, at: t0.adding(seconds: seconds))
        }
        // 250 of "p", three at each start time (ties are broken by the order they were stored),
        // and some of "q" in between.
        var changes: [StoreChange] = []
        for index in 0..<250 {
            changes.append(.execution(execution("p-\(index)", "p", at: Double(index / 3))))
            if index % 10 == 0 { changes.append(.execution(execution("q-\(index)", "q", at: Double(index / 3)))) }
        }
        try await store.commit(changes)
        let everything = try await store.executions(pipeline: "p").map(\.id.rawValue)
        #expect(everything.count == 250 && everything.first == "p-249" && everything.last == "p-0")

        var paged: [String] = []
        var cursor: ExecutionCursor?
        var pages = 0
        repeat {
            let page = try await store.executions(pipeline: "p", after: cursor, limit: 100)
            paged += page.map(\.execution.id.rawValue)
            cursor = page.count == 100 ? page.last?.cursor : nil
            pages += 1
            // Executions that start (newer) or whose records change between two pages move nothing.
            try await store.commit([.execution(execution("p-new-\(pages)", "p", at: 500 + Double(pages)))])
            if var first = page.first?.execution {
                first.status = .succeeded
                try await store.commit([.execution(first)])
            }
        } while cursor != nil && pages < 10
        #expect(paged == everything)
        #expect(pages == 3)

        let token = try #require(ExecutionCursor(token: ExecutionCursor(startTime: 1000.125, row: 42).token))
        #expect(token == ExecutionCursor(startTime: 1000.125, row: 42))
        for garbage in ["", "1_", "_1", "x_1", "1_x", "inf_1", "1_2_3"] {
            #expect(ExecutionCursor(token: garbage) == nil, "\(garbage)")
        }
    }

    @Test func retentionReadsExactlyTheExecutionsItsPolicyKeepsAndTheirArtifacts() async throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try Store(directory: directory)
        let statuses: [PipelineExecutionStatus] = [.inProgress, .stopping, .succeeded, .failed, .stopped, .superseded, .cancelled]
        // SplitMix64: the same "random" history every run.
        var seed: UInt64 = 0x5EED
        func next(_ bound: Int) -> Int {
            seed &+= 0x9E37_79B9_7F4A_7C15
            var z = seed
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Int((z ^ (z >> 31)) % UInt64(bound))
        }
        var all: [PipelineExecution] = []
        for index in 0..<400 {
            // Start times with ties. Few unfinished, fewer succeeded, so that each rule of the
            // policy keeps some execution that no other rule keeps.
            var execution = PipelineExecution(
                id: ExecutionID(rawValue: "e-\(index)"), pipeline: Self.declaration(["p", "q", "r"][next(3)]), version: 1,
                trigger: .startPipelineExecution, at: Timestamp(secondsSince1970: 1000 + Double(next(150))))
            let roll = next(40)
            execution.status = roll < 3 ? statuses[next(2)] : roll < 5 ? .succeeded : statuses[3 + next(4)]
            // Artifacts where retention looks for them: the execution's source, an action's
            // output and its log. Some digests are shared between executions.
            func digest(_ value: Int) -> ArtifactDigest { ArtifactDigest(hex: String(format: "%064x", value))! }
            execution.artifacts["Src"] = ArtifactReference(name: "Src", digest: digest(next(500)), size: 1)
            if next(2) == 0 {
                execution.stages[1].actions[0].outputArtifacts = [ArtifactReference(name: "Out", digest: digest(1000 + index), size: 2)]
                execution.stages[1].actions[0].logArtifact = ArtifactReference(name: "log", digest: digest(2000 + index), size: 3)
            }
            all.append(execution)
        }
        try await store.commit(all.map { .execution($0) })

        let newest = 3, cutoff = 1147.0
        var expected: Set<String> = []
        for pipeline in ["p", "q", "r"] {
            // Newest first: by start time, then the later stored.
            let mine = all.enumerated().filter { $0.element.pipelineName == pipeline }
                .sorted { ($0.element.startTime.secondsSince1970, $0.offset) > ($1.element.startTime.secondsSince1970, $1.offset) }
                .map(\.element)
            expected.formUnion(mine.prefix(newest).map(\.id.rawValue))
            expected.formUnion(mine.filter { !$0.status.isTerminal || $0.startTime.secondsSince1970 >= cutoff }.map(\.id.rawValue))
            if let succeeded = mine.first(where: { $0.status == .succeeded }) { expected.insert(succeeded.id.rawValue) }
        }
        let retained = try await store.artifactsRetained(newest: newest, startedSince: cutoff)
        #expect(Set(retained.executionIDs.map(\.rawValue)) == expected)
        #expect(expected.count < all.count / 2, "the policy keeps a part of the history, not all of it (\(expected.count) of \(all.count))")
        var digests: Set<ArtifactDigest> = []
        for execution in all where expected.contains(execution.id.rawValue) {
            digests.formUnion(execution.artifacts.values.map(\.digest))
            for action in execution.stages.flatMap(\.actions) {
                digests.formUnion(action.outputArtifacts.map(\.digest))
                if let log = action.logArtifact { digests.insert(log.digest) }
            }
        }
        #expect(retained.digests == digests)
    }

    @Test func anUploadIsStoredOnlyWhenItsDigestAndSizeMatch() throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try Store(directory: directory)
        let bytes = Array("artifact bytes".utf8)
        let digest = ArtifactDigest(SHA256.hash(data: bytes))

        let good = try store.artifacts.beginUpload(id: "u1", digest: digest, size: Int64(bytes.count))
        try bytes.withUnsafeBytes { try good.append(UnsafeRawBufferPointer(rebasing: $0[0..<5]), at: 0) }
        try bytes.withUnsafeBytes { try good.append(UnsafeRawBufferPointer(rebasing: $0[5...]), at: 5) }
        try good.finish()
        #expect(store.artifacts.size(of: digest) == Int64(bytes.count))

        var corrupted = bytes
        corrupted[0] ^= 1
        let wrong = ArtifactDigest(SHA256.hash(data: Array("other".utf8)))
        let bad = try store.artifacts.beginUpload(id: "u2", digest: wrong, size: Int64(corrupted.count))
        try corrupted.withUnsafeBytes { try bad.append($0) }
        #expect(throws: StagedUpload.Failure.self) { try bad.finish() }
        #expect(store.artifacts.size(of: wrong) == nil)

        let outOfOrder = try store.artifacts.beginUpload(id: "u3", digest: digest, size: Int64(bytes.count))
        #expect(throws: StagedUpload.Failure.self) {
            try bytes.withUnsafeBytes { try outOfOrder.append($0, at: 3) }
        }
        let staging = try FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent("artifacts/staging").path)
        #expect(staging.filter { $0.hasPrefix("u2") }.isEmpty)
    }

    @Test func anUploadWhoseDigestComesAtItsEndIsCheckedAgainstIt() throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try Store(directory: directory)
        let bytes = Array("hashed while sent".utf8)
        let digest = ArtifactDigest(SHA256.hash(data: bytes))
        let other = ArtifactDigest(SHA256.hash(data: Array("other".utf8)))
        func staged(_ id: String, digest: ArtifactDigest? = nil) throws -> StagedUpload {
            let upload = try store.artifacts.beginUpload(id: id, digest: digest, size: Int64(bytes.count))
            try bytes.withUnsafeBytes { try upload.append($0, at: 0) }
            return upload
        }

        #expect(try staged("late").finish(declaredAtEnd: digest) == digest)
        #expect(store.artifacts.size(of: digest) == Int64(bytes.count))

        let wrong = #expect(throws: StagedUpload.Failure.self) { try staged("wrong").finish(declaredAtEnd: other) }
        #expect(wrong?.description == "declared \(other) but the bytes hash to \(digest)")
        #expect(store.artifacts.size(of: other) == nil)

        let none = #expect(throws: StagedUpload.Failure.self) { try staged("none").finish() }
        #expect(none?.description == "neither PUT_BEGIN nor PUT_END gave the upload's SHA-256")

        let conflicting = #expect(throws: StagedUpload.Failure.self) { try staged("both", digest: digest).finish(declaredAtEnd: other) }
        #expect(conflicting?.description == "PUT_BEGIN declared \(digest) but PUT_END \(other)")

        let staging = try FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent("artifacts/staging").path)
        #expect(staging.isEmpty, "\(staging)")
    }

    /// Stores `bytes` through an upload that declares their digest, and returns it.
    static func storeObject(_ bytes: [UInt8], in store: Store) throws -> ArtifactDigest {
        let digest = ArtifactDigest(SHA256.hash(data: bytes))
        let upload = try store.artifacts.beginUpload(id: "u", digest: digest, size: Int64(bytes.count))
        try bytes.withUnsafeBytes { try upload.append($0) }
        try upload.finish()
        return digest
    }

    @Test func storedObjectsReadBackInChunks() throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try Store(directory: directory)
        let bytes = (0..<10_000).map { UInt8(truncatingIfNeeded: $0) }
        let digest = try Self.storeObject(bytes, in: store)
        #expect(store.artifacts.size(of: digest) == 10_000)
        var buffer = [UInt8](repeating: 0, count: 4096)
        let read = try buffer.withUnsafeMutableBytes { try store.artifacts.read(digest, at: 8192, into: $0) }
        #expect(read == 10_000 - 8192)
        #expect(Array(buffer[0..<read]) == Array(bytes[8192...]))
        let missing = ArtifactDigest(hex: String(repeating: "0", count: 64))!
        #expect(throws: StoreError.self) { try buffer.withUnsafeMutableBytes { try store.artifacts.read(missing, at: 0, into: $0) } }
    }

    /// Retention's grace period counts from an object's last use: touching one makes it new again.
    @Test func touchingAnObjectMakesItRecentAndLeavesAMissingOneMissing() throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try Store(directory: directory)
        let bytes = Array("kept\n".utf8)
        let digest = try Self.storeObject(bytes, in: store)
        let path = store.artifacts.url(for: digest).path
        #expect(path.hasSuffix("/objects/\(digest.hex.prefix(2))/\(digest.hex)"))
        let old = Date(timeIntervalSinceNow: -30 * 86_400)
        try FileManager.default.setAttributes([.modificationDate: old], ofItemAtPath: path)
        let before = store.artifacts.storedObjects().first { $0.digest == digest }
        #expect(before.map { abs($0.modified.timeIntervalSince(old)) < 1 } == true)

        store.artifacts.touch(digest)
        let after = store.artifacts.storedObjects().first { $0.digest == digest }
        #expect(after.map { abs($0.modified.timeIntervalSinceNow) < 60 } == true, "\(String(describing: after))")

        let missing = ArtifactDigest(hex: String(repeating: "1", count: 64))!
        store.artifacts.touch(missing)
        #expect(store.artifacts.size(of: missing) == nil)
        #expect(store.artifacts.storedObjects().count == 1)
    }
}
