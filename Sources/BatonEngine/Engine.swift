import BatonModel
import BatonStore
import Foundation
import Logging

// BatonEngine: the coordinator's decisions. `Engine` is the only writer of pipeline state: each
// request becomes a step of a pure `ExecutionStateMachine`, the step's changes are committed to
// the store in one transaction, and only then are its effects carried out (jobs handed to the
// dispatcher). That order is what lets a killed coordinator lose no accepted result.

/// How a job result was received.
package enum JobResultDisposition: Sendable, Equatable {
    /// Recorded now, durably.
    case accepted
    /// The same result was recorded before; nothing changed.
    case duplicate
    /// The job already ended with a different result, or no longer exists.
    case stale
}

package actor Engine {
    private let store: Store
    private let logger: Logger
    private let now: @Sendable () -> Timestamp
    private let newID: @Sendable () -> String
    private var pipelines: [String: PipelineRecord] = [:]
    private var active: [ExecutionID: ExecutionStateMachine] = [:]
    private var openJobs: [JobID: JobRecord] = [:]
    /// The action types pipelines may use.
    package private(set) var actionTypes = ActionTypeRegistry.builtIn
    private let dispatchContinuation: AsyncStream<JobRecord>.Continuation

    /// Jobs ready for a worker, in the order they became ready.
    package nonisolated let dispatches: AsyncStream<JobRecord>

    package init(
        store: Store,
        logger: Logger,
        now: @escaping @Sendable () -> Timestamp = { Timestamp(secondsSince1970: Date().timeIntervalSince1970) },
        newID: @escaping @Sendable () -> String = { UUID().uuidString.lowercased() }
    ) {
        self.store = store
        self.logger = logger
        self.now = now
        self.newID = newID
        (dispatches, dispatchContinuation) = AsyncStream.makeStream()
    }

    /// Loads pipelines and unfinished executions from the store and queues their open jobs again.
    package func recover() async throws {
        for record in try await store.pipelines() { pipelines[record.name] = record }
        for execution in try await store.executions(activeOnly: true) {
            guard let declaration = try await declaration(of: execution) else {
                logger.warning("execution's pipeline version is gone; leaving it as it is", metadata: ["execution.id": "\(execution.id)"])
                continue
            }
            active[execution.id] = ExecutionStateMachine(execution: execution, declaration: declaration)
        }
        for job in try await store.jobs(status: .queued) where active[job.executionID] != nil {
            openJobs[job.id] = job
            dispatchContinuation.yield(job)
        }
        if !active.isEmpty {
            logger.info("recovered unfinished executions", metadata: ["executions": "\(active.count)", "jobs": "\(openJobs.count)"])
        }
    }

    // MARK: - Pipelines

    package func createPipeline(_ declaration: PipelineDeclaration) async throws -> PipelineRecord {
        var declaration = declaration
        declaration.version = 1
        do { try declaration.validate(actionTypes: actionTypes) } catch { throw EngineError.invalidPipeline(error) }
        guard pipelines[declaration.name] == nil else { throw EngineError.pipelineNameInUse(declaration.name) }
        let time = now()
        let record = PipelineRecord(declaration: declaration, created: time, updated: time)
        do {
            try await store.createPipeline(record)
        } catch StoreError.pipelineNameInUse(let name) {
            throw EngineError.pipelineNameInUse(name)
        }
        pipelines[record.name] = record
        logger.info("pipeline created", metadata: ["pipeline.name": "\(record.name)"])
        return record
    }

    package func updatePipeline(_ declaration: PipelineDeclaration) async throws -> PipelineRecord {
        guard var record = pipelines[declaration.name] else { throw EngineError.pipelineNotFound(declaration.name) }
        var declaration = declaration.restoringSecrets(from: record.declaration, actionTypes: actionTypes)
        declaration.version = record.version + 1
        do { try declaration.validate(actionTypes: actionTypes) } catch { throw EngineError.invalidPipeline(error) }
        record.declaration = declaration
        record.updated = now()
        try await store.updatePipeline(record)
        pipelines[record.name] = record
        logger.info("pipeline updated", metadata: ["pipeline.name": "\(record.name)", "pipeline.version": "\(record.version)"])
        return record
    }

    package func deletePipeline(named name: String) async throws {
        try await store.deletePipeline(named: name)
        pipelines[name] = nil
    }

    package func pipeline(named name: String, version: Int? = nil) async throws -> PipelineRecord {
        guard let record = pipelines[name] else { throw EngineError.pipelineNotFound(name) }
        guard let version, version != record.version else { return record }
        guard let old = try await store.pipelineVersion(named: name, version: version) else {
            throw EngineError.pipelineVersionNotFound(name, version)
        }
        return PipelineRecord(declaration: old, created: record.created, updated: record.updated)
    }

    package func allPipelines() -> [PipelineRecord] {
        pipelines.values.sorted { $0.name < $1.name }
    }

    // MARK: - Executions

    package func startExecution(
        of pipelineName: String, trigger: ExecutionTrigger, variables overrides: [String: String] = [:]
    ) async throws -> ExecutionID {
        guard let record = pipelines[pipelineName] else { throw EngineError.pipelineNotFound(pipelineName) }
        let values: [String: String]
        do {
            values = try record.declaration.pipelineVariableValues(overrides)
        } catch {
            throw EngineError.invalidPipeline(error)
        }
        let time = now()
        let execution = PipelineExecution(
            id: ExecutionID(rawValue: newID()), pipeline: record.declaration, version: record.version, trigger: trigger,
            variables: values, at: time)
        var machine = ExecutionStateMachine(execution: execution, declaration: record.declaration)
        let effects = machine.start(at: time, newID: newID)
        try await commit(machine, effects)
        logger.info("execution started", metadata: ["pipeline.name": "\(pipelineName)", "execution.id": "\(execution.id)"])
        return execution.id
    }

    package func execution(_ id: ExecutionID, of pipelineName: String) async throws -> PipelineExecution {
        guard pipelines[pipelineName] != nil else { throw EngineError.pipelineNotFound(pipelineName) }
        if let machine = active[id], machine.execution.pipelineName == pipelineName { return machine.execution }
        let stored = try await store.executions(pipeline: pipelineName)
        guard let execution = stored.first(where: { $0.id == id }) else {
            throw EngineError.executionNotFound(id, pipeline: pipelineName)
        }
        return execution
    }

    /// Executions of a pipeline, newest first.
    package func executions(of pipelineName: String) async throws -> [PipelineExecution] {
        guard pipelines[pipelineName] != nil else { throw EngineError.pipelineNotFound(pipelineName) }
        return try await store.executions(pipeline: pipelineName)
    }

    // MARK: - Job results

    package func job(_ id: JobID) -> JobRecord? {
        openJobs[id]
    }

    package func jobSucceeded(_ id: JobID, resultID: String, outputs: ActionOutputs) async throws -> JobResultDisposition {
        try await record(id, resultID: resultID, status: .succeeded) { machine, job, time in
            machine.actionSucceeded(stage: job.stageName, action: job.actionName, outputs: outputs, at: time, newID: newID)
        } artifacts: { time in outputs.artifacts.map { StoreChange.artifact($0, at: time) } }
    }

    package func jobFailed(_ id: JobID, resultID: String, failure: FailureDetails) async throws -> JobResultDisposition {
        try await record(id, resultID: resultID, status: .failed) { machine, job, time in
            machine.actionFailed(stage: job.stageName, action: job.actionName, failure: failure, at: time, newID: newID)
        } artifacts: { _ in [] }
    }

    private func record(
        _ id: JobID,
        resultID: String,
        status: JobRecord.Status,
        step: (inout ExecutionStateMachine, JobRecord, Timestamp) -> [EngineEffect],
        artifacts: (Timestamp) -> [StoreChange]
    ) async throws -> JobResultDisposition {
        guard var job = openJobs[id] else {
            // Not open: either finished before (a retransmission) or unknown.
            if let stored = try await store.job(id), stored.resultID == resultID { return .duplicate }
            return .stale
        }
        guard var machine = active[job.executionID] else { return .stale }
        let time = now()
        let effects = step(&machine, job, time)
        job.status = status
        job.resultID = resultID
        try await commit(machine, effects, extra: artifacts(time) + [.job(job)])
        openJobs[id] = nil
        return .accepted
    }

    /// Commits a step's state, then performs its effects.
    private func commit(_ machine: ExecutionStateMachine, _ effects: [EngineEffect], extra: [StoreChange] = []) async throws {
        let changes = extra + [.execution(machine.execution)] + machine.createdJobs.map(StoreChange.job)
        try await store.commit(changes)
        active[machine.execution.id] = machine
        for effect in effects {
            switch effect {
            case .dispatch(let job):
                openJobs[job.id] = job
                dispatchContinuation.yield(job)
            case .executionFinished(let id, let status):
                active[id] = nil
                logger.info("execution finished", metadata: ["execution.id": "\(id)", "execution.status": "\(status.rawValue)"])
            }
        }
    }

    private func declaration(of execution: PipelineExecution) async throws -> PipelineDeclaration? {
        if let current = pipelines[execution.pipelineName], current.version == execution.pipelineVersion {
            return current.declaration
        }
        return try await store.pipelineVersion(named: execution.pipelineName, version: execution.pipelineVersion)
    }
}
