import BatonModel
import BatonStore
import Foundation
import Logging
import Synchronization
import Testing
@testable import BatonEngine

@Suite(.timeLimit(.minutes(1))) struct EngineTests {
    static func declaration() -> PipelineDeclaration {
        PipelineDeclaration(name: "p", stages: [
            StageDeclaration(name: "Source", actions: [
                ActionDeclaration(
                    name: "Fetch", actionTypeId: .init(category: "Source", owner: "AWS", provider: "S3", version: "1"),
                    configuration: ["S3Bucket": "b", "S3ObjectKey": "k.zip"], outputArtifacts: [OutputArtifact(name: "Src")]),
            ]),
            StageDeclaration(name: "Build", actions: [ActionDeclaration(name: "Make", actionTypeId: .commands, commands: ["make"], inputArtifacts: ["Src"])]),
        ])
    }

    static func nextJob(_ engine: Engine) async -> JobRecord? {
        var iterator = engine.dispatches.makeAsyncIterator()
        while let command = await iterator.next() {
            if case .run(let job) = command { return job }
        }
        return nil
    }

    @Test func aResultIsAppliedOnceAndRetransmissionsAreDuplicates() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("baton-engine-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: directory) }
        let engine = Engine(store: try Store(directory: directory), logger: Logger(label: "test"))
        _ = try await engine.createPipeline(Self.declaration())
        let id = try await engine.startExecution(of: "p", trigger: .startPipelineExecution)
        let fetch = try #require(await Self.nextJob(engine))
        #expect(fetch.actionName == "Fetch")

        #expect(try await engine.jobSucceeded(fetch.id, resultID: "r1", outputs: ActionOutputs()) == .accepted)
        #expect(try await engine.jobSucceeded(fetch.id, resultID: "r1", outputs: ActionOutputs()) == .duplicate)
        #expect(try await engine.jobFailed(fetch.id, resultID: "r2", failure: FailureDetails(type: .jobFailed, message: "late")) == .stale)
        #expect(try await engine.jobSucceeded(JobID(rawValue: "unknown"), resultID: "r3", outputs: ActionOutputs()) == .stale)

        let make = try #require(await Self.nextJob(engine))
        #expect(make.actionName == "Make")
        #expect(try await engine.jobSucceeded(make.id, resultID: "r4", outputs: ActionOutputs()) == .accepted)
        #expect(try await engine.execution(id, of: "p").status == .succeeded)
    }

    @Test func anObserverSeesEveryEventInOrderAtTheTimeOfItsStep() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("baton-engine-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: directory) }
        let clock = Mutex(Timestamp(secondsSince1970: 1_000))
        let engine = Engine(store: try Store(directory: directory), logger: Logger(label: "test"), now: { clock.withLock { $0 } })
        let seen = Mutex<[(sequence: Int64, what: String, at: Double)]>([])
        engine.events.observe { event, time in
            seen.withLock { $0.append((event.sequence, "\(event.detail.action ?? event.detail.stage ?? "pipeline") \(event.detail.state)", time.secondsSince1970)) }
        }
        _ = try await engine.createPipeline(Self.declaration())
        _ = try await engine.startExecution(of: "p", trigger: .startPipelineExecution)
        let fetch = try #require(await Self.nextJob(engine))
        clock.withLock { $0 = Timestamp(secondsSince1970: 1_002.5) }
        #expect(try await engine.jobSucceeded(fetch.id, resultID: "r1", outputs: ActionOutputs()) == .accepted)

        let events = seen.withLock { $0 }
        #expect(events.map(\.sequence) == Array(1...Int64(events.count)))
        #expect(events.map(\.sequence).last == engine.events.lastSequence)
        let fetchStarted = try #require(events.first { $0.what == "Fetch STARTED" })
        let fetchSucceeded = try #require(events.first { $0.what == "Fetch SUCCEEDED" })
        #expect(fetchStarted.at == 1_000 && fetchSucceeded.at == 1_002.5)
        #expect(fetchStarted.sequence < fetchSucceeded.sequence)
        #expect(events.contains { $0.what == "Make STARTED" && $0.at == 1_002.5 })
    }

    /// The store's indexes on execution and job ids grow at their end only if new ids sort after
    /// old ones.
    @Test func executionAndJobIdentifiersAreTimeOrdered() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("baton-engine-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: directory) }
        let engine = Engine(store: try Store(directory: directory), logger: Logger(label: "test"))
        _ = try await engine.createPipeline(Self.declaration())
        var executions: [String] = []
        var jobs: [String] = []
        // Ids made in one millisecond are in no order; each is made at least a millisecond after
        // the one before.
        for _ in 0..<3 {
            executions.append(try await engine.startExecution(of: "p", trigger: .startPipelineExecution).rawValue)
            let fetch = try #require(await Self.nextJob(engine))
            jobs.append(fetch.id.rawValue)
            try await Task.sleep(for: .milliseconds(2))
            #expect(try await engine.jobSucceeded(fetch.id, resultID: "r\(jobs.count)", outputs: ActionOutputs()) == .accepted)
            let make = try #require(await Self.nextJob(engine))
            jobs.append(make.id.rawValue)
            #expect(try await engine.jobSucceeded(make.id, resultID: "r\(jobs.count)", outputs: ActionOutputs()) == .accepted)
            try await Task.sleep(for: .milliseconds(2))
        }
        for id in executions + jobs {
            let parsed = try #require(UUID(uuidString: id), "\(id) is not a UUID")
            #expect(parsed.uuid.6 >> 4 == 7, "\(id) is not a version-7 UUID")
        }
        #expect(executions.sorted() == executions)
        #expect(jobs.sorted() == jobs)
    }

    @Test func aRestartedEngineQueuesTheJobsThatWereOpen() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("baton-engine-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: directory) }
        let executionID: ExecutionID
        let openJob: JobRecord
        do {
            let engine = Engine(store: try Store(directory: directory), logger: Logger(label: "test"))
            _ = try await engine.createPipeline(Self.declaration())
            executionID = try await engine.startExecution(of: "p", trigger: .startPipelineExecution)
            let fetch = try #require(await Self.nextJob(engine))
            #expect(try await engine.jobSucceeded(fetch.id, resultID: "r1", outputs: ActionOutputs()) == .accepted)
            openJob = try #require(await Self.nextJob(engine))
        }
        // A new engine on the same store, as after a coordinator restart.
        let restarted = Engine(store: try Store(directory: directory), logger: Logger(label: "test"))
        try await restarted.recover()
        let again = try #require(await Self.nextJob(restarted))
        #expect(again.id == openJob.id)
        #expect(again.actionName == "Make")
        // The result accepted before the restart is not applied again.
        let fetchResult = try await restarted.execution(executionID, of: "p").stages[0].actions[0]
        #expect(fetchResult.status == .succeeded)
        #expect(try await restarted.jobSucceeded(again.id, resultID: "r2", outputs: ActionOutputs()) == .accepted)
        #expect(try await restarted.execution(executionID, of: "p").status == .succeeded)
    }

    @Test func anInvalidPipelineIsRefusedWithItsValidationErrors() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("baton-engine-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: directory) }
        let engine = Engine(store: try Store(directory: directory), logger: Logger(label: "test"))
        var declaration = Self.declaration()
        declaration.stages.removeLast()
        await #expect(throws: EngineError.self) { try await engine.createPipeline(declaration) }
        await #expect(throws: EngineError.self) { try await engine.startExecution(of: "p", trigger: .startPipelineExecution) }
    }
}

@Suite(.timeLimit(.minutes(1))) struct EngineVariableTests {
    static func declaration(reference: String) -> PipelineDeclaration {
        var declaration = PipelineDeclaration(name: "vars", stages: [
            StageDeclaration(name: "Source", actions: [
                ActionDeclaration(
                    name: "Fetch", actionTypeId: .init(category: "Source", owner: "AWS", provider: "S3", version: "1"),
                    configuration: ["S3Bucket": "b", "S3ObjectKey": "k.zip"], outputArtifacts: [OutputArtifact(name: "Src")]),
            ]),
            StageDeclaration(name: "Build", actions: [
                ActionDeclaration(name: "Version", actionTypeId: .commands, commands: ["export TAG=1"], inputArtifacts: ["Src"]),
            ]),
            StageDeclaration(name: "Deploy", actions: [
                ActionDeclaration(name: "Use", actionTypeId: .commands, commands: ["echo \(reference) #{variables.Env} #{codepipeline.PipelineExecutionId}"], inputArtifacts: ["Src"]),
            ]),
        ])
        declaration.stages[1].actions[0].namespace = "BuildVars"
        declaration.stages[1].actions[0].outputVariables = ["TAG", "OTHER"]
        declaration.variables = [PipelineVariableDeclaration(name: "Env", defaultValue: "staging")]
        return declaration
    }

    static func engine() throws -> (Engine, URL) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("baton-engine-\(UUID().uuidString.prefix(8))")
        return (Engine(store: try Store(directory: directory), logger: Logger(label: "test")), directory)
    }

    static func next(_ engine: Engine) async throws -> JobRecord {
        try #require(await EngineTests.nextJob(engine))
    }

    @Test func variablesAreResolvedIntoTheJobWhenTheActionStarts() async throws {
        let (engine, directory) = try Self.engine()
        defer { try? FileManager.default.removeItem(at: directory) }
        _ = try await engine.createPipeline(Self.declaration(reference: "#{BuildVars.TAG}"))
        let id = try await engine.startExecution(of: "vars", trigger: .startPipelineExecution, variables: ["Env": "prod"])
        _ = try await engine.jobSucceeded(try await Self.next(engine).id, resultID: "r1", outputs: ActionOutputs())
        _ = try await engine.jobSucceeded(try await Self.next(engine).id, resultID: "r2", outputs: ActionOutputs(variables: ["TAG": "v7", "OTHER": "x"]))
        let use = try await Self.next(engine)
        #expect(use.data.commands == ["echo v7 prod \(id.rawValue)"])
        #expect(try await engine.execution(id, of: "vars").variables == ["Env": "prod"])
    }

    @Test func anUnresolvableVariableFailsTheActionWithoutRunningIt() async throws {
        let (engine, directory) = try Self.engine()
        defer { try? FileManager.default.removeItem(at: directory) }
        // OTHER is declared but the action will not produce it.
        _ = try await engine.createPipeline(Self.declaration(reference: "#{BuildVars.OTHER}"))
        let id = try await engine.startExecution(of: "vars", trigger: .startPipelineExecution)
        _ = try await engine.jobSucceeded(try await Self.next(engine).id, resultID: "r1", outputs: ActionOutputs())
        _ = try await engine.jobSucceeded(try await Self.next(engine).id, resultID: "r2", outputs: ActionOutputs(variables: ["TAG": "v7"]))
        let execution = try await engine.execution(id, of: "vars")
        #expect(execution.status == .failed)
        let use = execution.stages[2].actions[0]
        #expect(use.status == .failed)
        #expect(use.jobID == nil)
        #expect(use.errorDetails?.message.hasPrefix("An action in this pipeline failed because one or more variables could not be resolved: Action name=Use") == true)
    }

    @Test func anUndeclaredVariableIsRefusedAtStart() async throws {
        let (engine, directory) = try Self.engine()
        defer { try? FileManager.default.removeItem(at: directory) }
        _ = try await engine.createPipeline(Self.declaration(reference: "#{BuildVars.TAG}"))
        await #expect(throws: EngineError.self) {
            try await engine.startExecution(of: "vars", trigger: .startPipelineExecution, variables: ["Nope": "x"])
        }
    }
}

@Suite(.timeLimit(.minutes(1))) struct EngineConcurrencyTests {
    /// Results arriving together for parallel actions are all applied: steps that run while an
    /// earlier one awaits its commit build on its state, and commit in the same group.
    @Test func concurrentResultsForParallelActionsAreAllApplied() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("baton-engine-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: directory) }
        let engine = Engine(store: try Store(directory: directory), logger: Logger(label: "test"))
        let width = 20
        let declaration = BatchedResultTests.widePipeline("wide", width: width)
        _ = try await engine.createPipeline(declaration)
        let id = try await engine.startExecution(of: "wide", trigger: .startPipelineExecution)
        var iterator = engine.dispatches.makeAsyncIterator()
        guard case .run(let fetch)? = await iterator.next() else { Issue.record("no source job"); return }
        #expect(try await engine.jobSucceeded(fetch.id, resultID: "r", outputs: ActionOutputs()) == .accepted)
        var jobs: [JobRecord] = []
        while jobs.count < width, case .run(let job)? = await iterator.next() { jobs.append(job) }
        let results = try await withThrowingTaskGroup(of: JobResultDisposition.self) { group in
            for job in jobs {
                group.addTask { try await engine.jobSucceeded(job.id, resultID: "r-\(job.id)", outputs: ActionOutputs()) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.allSatisfy { $0 == .accepted })
        let execution = try await engine.execution(id, of: "wide")
        #expect(execution.status == .succeeded)
        #expect(execution.stages[1].actions.allSatisfy { $0.status == .succeeded })
        // And the same from the store, as a restarted coordinator would see it.
        let stored = try #require(try await Store(directory: directory).execution(id))
        #expect(stored.status == .succeeded)
    }
}

/// `Engine.record`: results that came together are recorded together, each with the disposition
/// it would have had alone.
@Suite(.timeLimit(.minutes(1))) struct BatchedResultTests {
    static func widePipeline(_ name: String, width: Int) -> PipelineDeclaration {
        PipelineDeclaration(name: name, stages: [
            StageDeclaration(name: "Source", actions: [
                ActionDeclaration(
                    name: "Fetch", actionTypeId: .init(category: "Source", owner: "AWS", provider: "S3", version: "1"),
                    configuration: ["S3Bucket": "b", "S3ObjectKey": "k.zip"], outputArtifacts: [OutputArtifact(name: "Src")]),
            ]),
            StageDeclaration(name: "Build", actions: (0..<width).map {
                ActionDeclaration(name: "A\($0)", actionTypeId: .commands, commands: ["true"], inputArtifacts: ["Src"])
            }),
        ])
    }

    /// Two pipelines' parallel actions, their results in one call in an interleaved order, with
    /// a retransmission, a late result under another id and an unknown job among them.
    @Test func resultsOfSeveralPipelinesInOneCallEachGetTheirOwnDisposition() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("baton-engine-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: directory) }
        let engine = Engine(store: try Store(directory: directory), logger: Logger(label: "test"))
        var iterator = engine.dispatches.makeAsyncIterator()
        var executions: [String: ExecutionID] = [:]
        var builds: [String: [JobRecord]] = [:]
        for name in ["left", "right"] {
            _ = try await engine.createPipeline(Self.widePipeline(name, width: 3))
            executions[name] = try await engine.startExecution(of: name, trigger: .startPipelineExecution)
            guard case .run(let fetch)? = await iterator.next() else { Issue.record("no source job"); return }
            // The source alone, through the one-result API: the same path.
            #expect(try await engine.jobSucceeded(fetch.id, resultID: "src-\(name)", outputs: ActionOutputs()) == .accepted)
            while builds[name, default: []].count < 3, case .run(let job)? = await iterator.next() { builds[name, default: []].append(job) }
        }
        let left = try #require(builds["left"]), right = try #require(builds["right"])
        // One job of each pipeline ends first, alone.
        #expect(try await engine.jobSucceeded(left[0].id, resultID: "l0", outputs: ActionOutputs()) == .accepted)

        let batch = [
            JobResult(jobID: right[0].id, resultID: "r0", outcome: .succeeded(ActionOutputs(variables: ["N": "0"]))),
            JobResult(jobID: left[0].id, resultID: "l0", outcome: .succeeded(ActionOutputs())),       // retransmitted
            JobResult(jobID: left[1].id, resultID: "l1", outcome: .succeeded(ActionOutputs())),
            JobResult(jobID: right[1].id, resultID: "r1", outcome: .failed(FailureDetails(type: .jobFailed, message: "exit 1"))),
            JobResult(jobID: left[0].id, resultID: "l0-other", outcome: .succeeded(ActionOutputs())), // a different late result
            JobResult(jobID: JobID(rawValue: "no-such-job"), resultID: "x", outcome: .succeeded(ActionOutputs())),
            JobResult(jobID: left[2].id, resultID: "l2", outcome: .succeeded(ActionOutputs())),
            JobResult(jobID: right[2].id, resultID: "r2", outcome: .succeeded(ActionOutputs())),
        ]
        let dispositions = try await engine.record(batch).map { try $0.get() }
        #expect(dispositions == [.accepted, .duplicate, .accepted, .accepted, .stale, .stale, .accepted, .accepted])

        let leftExecution = try await engine.execution(try #require(executions["left"]), of: "left")
        #expect(leftExecution.status == .succeeded)
        let rightExecution = try await engine.execution(try #require(executions["right"]), of: "right")
        #expect(rightExecution.status == .failed)
        #expect(rightExecution.stages[1].actions.map(\.status) == [.succeeded, .failed, .succeeded])
        // Durable, as a restarted coordinator would read it.
        let store = try Store(directory: directory)
        #expect(try await store.execution(try #require(executions["left"]))?.status == .succeeded)
        #expect(try await store.job(left[1].id)?.resultID == "l1")
        #expect(try await store.job(right[1].id)?.status == .failed)
    }

    /// A continuation in a batch ends its job and queues the action again with the token, as
    /// `jobContinued` does, beside a result of the same pipeline that ends another action.
    @Test func aContinuationInABatchQueuesTheNextJobWithItsToken() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("baton-engine-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: directory) }
        let engine = Engine(store: try Store(directory: directory), logger: Logger(label: "test"))
        var iterator = engine.dispatches.makeAsyncIterator()
        _ = try await engine.createPipeline(Self.widePipeline("cont", width: 2))
        let id = try await engine.startExecution(of: "cont", trigger: .startPipelineExecution)
        guard case .run(let fetch)? = await iterator.next() else { Issue.record("no source job"); return }
        #expect(try await engine.jobSucceeded(fetch.id, resultID: "src", outputs: ActionOutputs()) == .accepted)
        var jobs: [JobRecord] = []
        while jobs.count < 2, case .run(let job)? = await iterator.next() { jobs.append(job) }
        let dispositions = try await engine.record([
            JobResult(jobID: jobs[0].id, resultID: "c", outcome: .continued(token: "page-2", summary: "half", externalExecutionId: nil)),
            JobResult(jobID: jobs[1].id, resultID: "d", outcome: .succeeded(ActionOutputs())),
        ]).map { try $0.get() }
        #expect(dispositions == [.accepted, .accepted])
        guard case .run(let again)? = await iterator.next() else { Issue.record("no continued job"); return }
        #expect(again.actionName == jobs[0].actionName)
        #expect(again.data.continuationToken == "page-2")
        #expect(try await engine.execution(id, of: "cont").status == .inProgress)
        #expect(try await engine.jobSucceeded(again.id, resultID: "e", outputs: ActionOutputs()) == .accepted)
        #expect(try await engine.execution(id, of: "cont").status == .succeeded)
    }
}

@Suite(.timeLimit(.minutes(1))) struct ClientTokenTests {
    @Test func concurrentStartsWithOneTokenStartOneExecution() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("baton-engine-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: directory) }
        let engine = Engine(store: try Store(directory: directory), logger: Logger(label: "test"))
        _ = try await engine.createPipeline(EngineTests.declaration())
        let ids = try await withThrowingTaskGroup(of: ExecutionID.self) { group in
            for _ in 0..<10 {
                group.addTask { try await engine.startExecution(of: "p", trigger: .startPipelineExecution, clientRequestToken: "deploy-7") }
            }
            return try await group.reduce(into: Set<ExecutionID>()) { $0.insert($1) }
        }
        #expect(ids.count == 1)
        #expect(try await engine.executions(of: "p", after: nil, limit: 20).count == 1)
        // After a restart the token still names the same execution.
        let restarted = Engine(store: try Store(directory: directory), logger: Logger(label: "test"))
        try await restarted.recover()
        #expect(try await restarted.startExecution(of: "p", trigger: .startPipelineExecution, clientRequestToken: "deploy-7") == ids.first)
    }
}
