import BatonIdentifiers
import BatonModel
import BatonStore
import BatonTiming
import Foundation
import Logging

// BatonEngine: the coordinator's decisions. `Engine` is the only writer of pipeline state: each
// request becomes a step of a pure `PipelineStateMachine`, the step's changes are committed to
// the store in one transaction, and only then are its effects carried out (jobs handed to the
// dispatcher). That order is what lets a killed coordinator lose no accepted result.

/// How a job result was received.
package enum JobResultDisposition: Sendable, Equatable {
    /// Recorded now, durably.
    case accepted
    /// The same result was recorded before; nothing changed.
    case duplicate
    /// The job already ended with a different result, was withdrawn, or does not exist.
    case stale
}

package actor Engine {
    private let store: Store
    private let commits: CommitQueue
    private let logger: Logger
    /// Set when a commit failed: memory is then ahead of the disk, so the engine refuses every
    /// further step until the coordinator restarts and recovers from what is durable.
    private var halted: (any Error)?
    private let now: @Sendable () -> Timestamp
    private let newID: @Sendable () -> String
    private var pipelines: [String: PipelineRecord] = [:]
    private var machines: [String: PipelineStateMachine] = [:]
    private var openJobs: [JobID: JobRecord] = [:]
    /// Client request tokens of executions started since this process began, by pipeline.
    private var startedTokens: [String: ExecutionID] = [:]
    private let dispatchContinuation: AsyncStream<DispatchCommand>.Continuation
    /// The action types pipelines may use.
    package private(set) var actionTypes = ActionTypeRegistry.builtIn

    /// Jobs to hand out and to withdraw, in the order decided.
    package nonisolated let dispatches: AsyncStream<DispatchCommand>
    /// Manual approvals that began waiting, once that is durable (for notifications).
    package nonisolated let approvals: AsyncStream<ApprovalRequest>
    private let approvalContinuation: AsyncStream<ApprovalRequest>.Continuation
    /// Every state change of executions, stages and actions, once durable.
    package nonisolated let events = EventStream()
    /// Steps in the order they ran, each with its state changes; published in that order as their
    /// commits complete (group commits may complete out of order).
    private var eventOutbox: [Int: (changes: [StateChanges.Change], time: Timestamp)] = [:]
    private var committedSteps = Set<Int>()
    private var nextStep = 0
    private var nextStepToPublish = 0
    /// A finished execution being brought back (retry): what it was, so its events say RESUMED.
    private var resuming: [ExecutionID: PipelineExecution] = [:]
    /// Wakes the timer loop early when a step arms a deadline before the one it sleeps towards.
    private nonisolated let timerAlarm = DeadlineAlarm()

    package init(
        store: Store,
        logger: Logger,
        now: @escaping @Sendable () -> Timestamp = { Timestamp(secondsSince1970: Date().timeIntervalSince1970) },
        newID: (@Sendable () -> String)? = nil
    ) {
        self.store = store
        commits = CommitQueue(store: store)
        self.logger = logger
        self.now = now
        let identifiers = RandomIdentifiers()
        // Time-ordered: the store's indexes on job and execution ids then grow at their end,
        // where random ids would dirty a page of each index anywhere in it per new row.
        self.newID = newID ?? { identifiers.timeOrderedUUID(milliseconds: UInt64(max(0, Date().timeIntervalSince1970 * 1000))) }
        (dispatches, dispatchContinuation) = AsyncStream.makeStream()
        (approvals, approvalContinuation) = AsyncStream.makeStream()
    }

    /// Loads pipelines, their runtime state and unfinished executions from the store, and queues
    /// their open jobs again.
    package func recover() async throws {
        actionTypes = ActionTypeRegistry(custom: try await store.customActionTypes())
        let runtimes = try await store.runtimeStates()
        let records = try await store.pipelines()
        for record in records { pipelines[record.name] = record }
        var active: [String: [ExecutionStateMachine]] = [:]
        for execution in try await store.executions(activeOnly: true) {
            guard let declaration = try await declaration(of: execution) else {
                logger.warning("execution's pipeline version is gone; leaving it as it is", metadata: ["execution.id": "\(execution.id)"])
                continue
            }
            active[execution.pipelineName, default: []].append(ExecutionStateMachine(execution: execution, declaration: declaration))
        }
        for record in records {
            machines[record.name] = PipelineStateMachine(
                declaration: record.declaration, runtime: runtimes[record.name] ?? PipelineRuntimeState(), active: active[record.name] ?? [])
        }
        let activeIDs = Set(active.values.flatMap { $0.map(\.execution.id) })
        for job in try await store.queuedJobs() where activeIDs.contains(job.executionID) {
            openJobs[job.id] = job
            dispatchContinuation.yield(.run(job))
        }
        if !activeIDs.isEmpty {
            logger.info("recovered unfinished executions", metadata: ["executions": "\(activeIDs.count)", "jobs": "\(openJobs.count)"])
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
        machines[record.name] = PipelineStateMachine(declaration: declaration)
        logger.info("pipeline created", metadata: ["pipeline.name": "\(record.name)"])
        return record
    }

    /// Stores the new version; running executions are cancelled as CodePipeline does (E-40).
    package func updatePipeline(_ declaration: PipelineDeclaration) async throws -> PipelineRecord {
        guard var record = pipelines[declaration.name] else { throw EngineError.pipelineNotFound(declaration.name) }
        var declaration = declaration.restoringSecrets(from: record.declaration, actionTypes: actionTypes)
        declaration.version = record.version + 1
        do { try declaration.validate(actionTypes: actionTypes) } catch { throw EngineError.invalidPipeline(error) }
        record.declaration = declaration
        record.updated = now()
        try await store.updatePipeline(record)
        pipelines[record.name] = record
        try await step(record.name) { machine, time in machine.update(to: declaration, at: time, newID: newID) }
        logger.info("pipeline updated", metadata: ["pipeline.name": "\(record.name)", "pipeline.version": "\(record.version)"])
        return record
    }

    package func deletePipeline(named name: String) async throws {
        try await store.deletePipeline(named: name)
        pipelines[name] = nil
        machines[name] = nil
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

    /// Transitions, inbound executions and stage locks of a pipeline.
    package func runtime(of name: String) throws -> (state: PipelineRuntimeState, inbound: [String: [ExecutionID]]) {
        guard let machine = machines[name] else { throw EngineError.pipelineNotFound(name) }
        var inbound: [String: [ExecutionID]] = [:]
        for (index, stage) in machine.declaration.stages.enumerated() { inbound[stage.name] = machine.inbound(at: index) }
        return (machine.runtime, inbound)
    }

    // MARK: - Executions

    /// Starts an execution. A repeated `clientRequestToken` returns the execution it started.
    package func startExecution(
        of pipelineName: String, trigger: ExecutionTrigger, variables overrides: [String: String] = [:], clientRequestToken: String? = nil,
        sourceRevisions: [String: String] = [:]
    ) async throws -> ExecutionID {
        guard let record = pipelines[pipelineName] else { throw EngineError.pipelineNotFound(pipelineName) }
        let tokenKey = clientRequestToken.map { "\(pipelineName)\u{0}\($0)" }
        if let tokenKey, let reserved = startedTokens[tokenKey] { return reserved }
        let values: [String: String]
        do {
            values = try record.declaration.pipelineVariableValues(overrides)
        } catch {
            throw EngineError.invalidPipeline(error)
        }
        let time = now()
        var execution = PipelineExecution(
            id: ExecutionID(rawValue: newID()), pipeline: record.declaration, version: record.version, trigger: trigger,
            variables: values, at: time)
        execution.clientRequestToken = clientRequestToken
        if !sourceRevisions.isEmpty {
            let sources = Set(record.declaration.stages.first?.actions.map(\.name) ?? [])
            if let unknown = sourceRevisions.keys.sorted().first(where: { !sources.contains($0) }) {
                throw EngineError.invalidInput("sourceRevisions names \(unknown), which is not an action of the first stage")
            }
            execution.sourceRevisions = sourceRevisions
        }
        if let tokenKey, let token = clientRequestToken {
            // Reserve the token before the first await, so a concurrent start with it waits on this one.
            startedTokens[tokenKey] = execution.id
            do {
                if let existing = try await store.execution(forClientToken: token, pipeline: pipelineName) {
                    startedTokens[tokenKey] = existing
                    return existing
                }
            } catch {
                startedTokens[tokenKey] = nil
                throw error
            }
        }
        let extra: [StoreChange] = clientRequestToken.map { [.clientToken(pipeline: pipelineName, token: $0, execution: execution.id)] } ?? []
        do {
            try await step(pipelineName, extra: extra) { machine, time in machine.start(execution, at: time, newID: newID) }
        } catch {
            if let tokenKey { startedTokens[tokenKey] = nil }
            throw error
        }
        logger.info("execution started", metadata: ["pipeline.name": "\(pipelineName)", "execution.id": "\(execution.id)"])
        return execution.id
    }

    package func stopExecution(_ id: ExecutionID, of pipelineName: String, abandon: Bool, reason: String?) async throws {
        guard machines[pipelineName] != nil else { throw EngineError.pipelineNotFound(pipelineName) }
        _ = try await execution(id, of: pipelineName)
        try await step(pipelineName) { machine, time in try machine.stop(id, abandon: abandon, reason: reason, at: time, newID: newID) }
    }

    package func retryStage(_ stage: String, of id: ExecutionID, in pipelineName: String, mode: ExecutionStateMachine.RetryMode) async throws {
        guard machines[pipelineName] != nil else { throw EngineError.pipelineNotFound(pipelineName) }
        let execution = try await execution(id, of: pipelineName)
        if machines[pipelineName]?.active[id] == nil { resuming[id] = execution }
        defer { resuming[id] = nil }
        try await step(pipelineName) { machine, time in try machine.retry(execution, stage: stage, mode: mode, at: time, newID: newID) }
    }

    package func setTransition(
        of pipelineName: String, stage: String, type: PipelineStateMachine.TransitionType, enabled: Bool, reason: String?
    ) async throws {
        guard machines[pipelineName] != nil else { throw EngineError.pipelineNotFound(pipelineName) }
        try await step(pipelineName) { machine, time in
            try machine.setTransition(stage: stage, type: type, enabled: enabled, reason: reason, by: nil, at: time, newID: newID)
        }
    }

    package func execution(_ id: ExecutionID, of pipelineName: String) async throws -> PipelineExecution {
        guard let machine = machines[pipelineName] else { throw EngineError.pipelineNotFound(pipelineName) }
        if let active = machine.active[id] { return active.execution }
        guard let stored = try await store.execution(id), stored.pipelineName == pipelineName else {
            throw EngineError.executionNotFound(id, pipeline: pipelineName)
        }
        return stored
    }

    /// The current state of every unfinished execution (of `pipeline`, when given) as events.
    package func eventSnapshot(of pipeline: String? = nil) -> EventSnapshot {
        let sequence = events.lastSequence
        var changes: [StateChanges.Change] = []
        for (name, machine) in machines.sorted(by: { $0.key < $1.key }) where pipeline == nil || pipeline == name {
            let executions = machine.active.values.map(\.execution).sorted { $0.startTime.secondsSince1970 < $1.startTime.secondsSince1970 }
            for execution in executions { changes += StateChanges.between(nil, execution, declaration: machine.declaration) }
        }
        return EventSnapshot(sequence: sequence, events: events.stamp(changes, sequence: sequence, at: now()))
    }

    /// One page of a pipeline's executions, newest first (see `Store.executions(pipeline:after:limit:)`).
    package func executions(of pipelineName: String, after cursor: ExecutionCursor?, limit: Int) async throws -> [(execution: PipelineExecution, cursor: ExecutionCursor)] {
        guard pipelines[pipelineName] != nil else { throw EngineError.pipelineNotFound(pipelineName) }
        return try await store.executions(pipeline: pipelineName, after: cursor, limit: limit)
    }

    // MARK: - Artifact retention

    /// Deletes stored artifacts no execution worth keeping refers to (see `ArtifactRetention`).
    /// Runs inside the engine, so no execution can start using an object while it is judged.
    package func collectArtifacts(_ retention: ArtifactRetention, dryRun: Bool = false) async throws -> ArtifactRetention.Plan {
        let now = Date()
        // The store picks what the policy keeps and reads the digests out of those records
        // itself: this runs inside the engine, and a pipeline's history can be long. Executions
        // in progress add what they hold in memory and may not have stored yet.
        var keep = try await store.artifactsRetained(newest: retention.executions, startedSince: retention.cutoff(now: now)).digests
        for machine in machines.values {
            for active in machine.active.values { keep.formUnion(ArtifactRetention.digests(of: active.execution)) }
        }
        let plan = retention.plan(keeping: keep, objects: store.artifacts.storedObjects(), now: now)
        guard !dryRun else { return plan }
        for object in plan.delete { try store.artifacts.remove(object.digest) }
        try await commits.commit(plan.delete.map { StoreChange.deleteArtifact($0.digest) })
        if !plan.delete.isEmpty {
            logger.info("artifacts collected", metadata: ["artifacts.deleted": "\(plan.delete.count)", "bytes": "\(plan.deletedBytes)"])
        }
        return plan
    }

    // MARK: - Custom action types

    /// CreateCustomActionType: checked, stored, and usable by pipelines at once. Creating the same
    /// definition again is a no-op; a different definition under the same id is refused.
    package func createCustomActionType(_ type: ActionType) async throws -> ActionType {
        try type.validateAsCustom()
        if let existing = actionTypes[type.id] {
            if existing == type { return existing }
            throw EngineError.actionTypeExists(type.id)
        }
        try await commits.commit([.customActionType(type)])
        actionTypes.add(type)
        logger.info("custom action type created", metadata: ["action.type": "\(type.id)"])
        return type
    }

    package func deleteCustomActionType(_ id: ActionTypeID) async throws {
        guard id.owner == "Custom", actionTypes[id] != nil else { throw EngineError.actionTypeNotFound(id) }
        try await commits.commit([.deleteCustomActionType(id)])
        actionTypes.remove(id)
    }

    // MARK: - Job results

    package func job(_ id: JobID) -> JobRecord? {
        openJobs[id]
    }

    package func jobSucceeded(_ id: JobID, resultID: String, outputs: ActionOutputs) async throws -> JobResultDisposition {
        try await record([JobResult(jobID: id, resultID: resultID, outcome: .succeeded(outputs))])[0].get()
    }

    /// PROGRESS of an open job, shown on its action. Progress of a job no longer open is ignored.
    package func jobProgressed(_ id: JobID, percent: Int?, summary: String?, externalExecutionId: String?) async throws {
        guard let job = openJobs[id] else { return }
        try await step(job.data.pipelineContext.pipelineName) { machine, time in
            machine.actionProgressed(job, percent: percent, summary: summary, externalExecutionId: externalExecutionId, at: time)
        }
    }

    /// A success with a continuation token: the job is done, the action runs again as a new
    /// job carrying the token.
    package func jobContinued(_ id: JobID, resultID: String, token: String, summary: String?, externalExecutionId: String?) async throws -> JobResultDisposition {
        try await record([JobResult(jobID: id, resultID: resultID, outcome: .continued(token: token, summary: summary, externalExecutionId: externalExecutionId))])[0].get()
    }

    package func jobFailed(_ id: JobID, resultID: String, failure: FailureDetails) async throws -> JobResultDisposition {
        try await record([JobResult(jobID: id, resultID: resultID, outcome: .failed(failure))])[0].get()
    }

    /// Records results, each as `jobSucceeded`, `jobContinued` or `jobFailed` would, in order:
    /// the results of one pipeline in one step, and every step in one commit. Results a worker
    /// sent together (a BATCH) so cost one pass over each pipeline's machine and one wait for
    /// durability, instead of one of each per result.
    package func record(_ results: [JobResult]) async -> [Result<JobResultDisposition, any Error>] {
        // Stale unless found otherwise: not open, or its execution no longer active.
        var dispositions = [Result<JobResultDisposition, any Error>](repeating: .success(.stale), count: results.count)
        var notOpen: [Int] = []
        var groups: [(pipeline: String, members: [(index: Int, job: JobRecord, outcome: JobResult.Outcome)])] = []
        var groupOfPipeline: [String: Int] = [:]
        for (index, result) in results.enumerated() {
            // Moved out rather than copied (a copy retains every string of the job's data), and
            // put back in the rare case that its execution is no longer active.
            guard var job = openJobs.removeValue(forKey: result.jobID) else {
                notOpen.append(index)
                continue
            }
            let pipeline = job.data.pipelineContext.pipelineName
            guard machines[pipeline]?.active[job.executionID] != nil else {
                openJobs[result.jobID] = job
                continue
            }
            job.status = result.outcome.status
            job.resultID = result.resultID
            if let group = groupOfPipeline[pipeline] {
                groups[group].members.append((index, job, result.outcome))
            } else {
                groupOfPipeline[pipeline] = groups.count
                groups.append((pipeline, [(index, job, result.outcome)]))
            }
        }
        if !groups.isEmpty {
            let time = now()
            var prepared: [(step: PreparedStep, indices: [Int])] = []
            for group in groups {
                var extra: [StoreChange] = []
                for member in group.members {
                    extra += member.outcome.artifacts.map { StoreChange.artifact($0, at: time) }
                    extra.append(.jobStatus(member.job.id, member.job.status, resultID: member.job.resultID))
                }
                do {
                    let step = try prepareStep(group.pipeline, at: time, extra: extra) { machine, time in
                        var effects: [EngineEffect] = []
                        for member in group.members { effects += apply(member.outcome, of: member.job, to: &machine, at: time) }
                        return effects
                    }
                    prepared.append((step, group.members.map(\.index)))
                } catch {
                    for member in group.members { dispositions[member.index] = .failure(error) }
                }
            }
            if !prepared.isEmpty {
                do {
                    try await commit(prepared.map(\.step))
                    for (_, indices) in prepared { for index in indices { dispositions[index] = .success(.accepted) } }
                    for (step, _) in prepared { await finish(step) }
                } catch {
                    for (_, indices) in prepared { for index in indices { dispositions[index] = .failure(error) } }
                }
            }
        }
        for index in notOpen {
            // Not open: finished before (a retransmission), or unknown, or withdrawn.
            do {
                let stored = try await store.job(results[index].jobID)
                dispositions[index] = .success(stored?.resultID == results[index].resultID ? .duplicate : .stale)
            } catch {
                dispositions[index] = .failure(error)
            }
        }
        return dispositions
    }

    private func apply(_ outcome: JobResult.Outcome, of job: JobRecord, to machine: inout PipelineStateMachine, at time: Timestamp) -> [EngineEffect] {
        switch outcome {
        case .succeeded(let outputs):
            machine.actionSucceeded(job.executionID, stage: job.stageName, action: job.actionName, job: job.id, outputs: outputs, at: time, newID: newID)
        case .continued(let token, let summary, let externalExecutionId):
            machine.actionContinued(job, token: token, summary: summary, externalExecutionId: externalExecutionId, at: time, newID: newID)
        case .failed(let failure):
            machine.actionFailed(job.executionID, stage: job.stageName, action: job.actionName, job: job.id, failure: failure, at: time, newID: newID)
        }
    }

    // MARK: - The shell

    /// Runs one state-machine step for a pipeline, makes everything it changed durable, then
    /// carries out its effects.
    ///
    /// The new state is installed before the commit is awaited, so steps that run while this one
    /// waits build on it (the actor is re-entered during the await) and their commits join the
    /// same group commit. Effects — jobs for workers, acknowledgements — wait for durability.
    private func step(
        _ pipelineName: String, at time: Timestamp? = nil, extra: [StoreChange] = [],
        _ body: (inout PipelineStateMachine, Timestamp) throws -> [EngineEffect]
    ) async throws {
        let prepared = try prepareStep(pipelineName, at: time, extra: extra, body)
        try await commit([prepared])
        await finish(prepared)
    }

    /// A step whose new state is installed, waiting for its changes to be durable.
    private struct PreparedStep {
        let pipelineName: String
        let ticket: Int
        let effects: [EngineEffect]
        let changes: [StoreChange]
    }

    /// The step's synchronous part: runs `body` on the pipeline's machine, installs the new state
    /// and says what to commit. A body that throws leaves the machine as it was.
    private func prepareStep(
        _ pipelineName: String, at time: Timestamp? = nil, extra: [StoreChange] = [],
        _ body: (inout PipelineStateMachine, Timestamp) throws -> [EngineEffect]
    ) throws -> PreparedStep {
        if let halted { throw EngineError.halted("\(halted)") }
        // Out of the dictionary while the (synchronous) body runs, so it changes the only copy:
        // the machine keeps what the step touched as it was, for events and for a failed step.
        guard var machine = machines.removeValue(forKey: pipelineName) else { throw EngineError.pipelineNotFound(pipelineName) }
        let stepTime = time ?? now()
        let effects: [EngineEffect]
        do {
            effects = try body(&machine, stepTime)
        } catch {
            machine.rollBack()
            machines[pipelineName] = machine
            throw error
        }
        let changes = machine.takeChanges()
        let ticket = nextStep
        nextStep += 1
        eventOutbox[ticket] = (changes.executions.flatMap { execution in
            StateChanges.between((changes.before[execution.id] ?? nil) ?? resuming[execution.id], execution, declaration: machine.declaration)
        }, stepTime)
        var withdrawn: [JobRecord] = []
        for case .cancelJob(let id) in effects {
            if var job = openJobs.removeValue(forKey: id) {
                job.status = .cancelled
                withdrawn.append(job)
            }
        }
        var storeChanges = extra + changes.executions.map(StoreChange.execution) + changes.jobs.map(StoreChange.job)
            + withdrawn.map { StoreChange.jobStatus($0.id, $0.status, resultID: $0.resultID) }
        if let runtime = changes.runtime { storeChanges.append(.runtime(pipeline: pipelineName, runtime)) }
        machines[pipelineName] = machine
        for case .dispatch(let job) in effects { openJobs[job.id] = job }
        return PreparedStep(pipelineName: pipelineName, ticket: ticket, effects: effects, changes: storeChanges)
    }

    /// Makes prepared steps durable in one transaction (joining the group commit), then publishes
    /// the events of every step committed so far, in the order the steps ran.
    private func commit(_ steps: [PreparedStep]) async throws {
        do {
            try await commits.commit(steps.count == 1 ? steps[0].changes : steps.flatMap(\.changes))
        } catch {
            halted = error
            logger.critical("could not commit a step; refusing further changes until the coordinator restarts",
                            metadata: ["pipeline.name": "\(steps.map(\.pipelineName).joined(separator: ","))", "error.message": "\(error)"])
            throw EngineError.halted("\(error)")
        }
        for step in steps { committedSteps.insert(step.ticket) }
        while committedSteps.remove(nextStepToPublish) != nil {
            if let (changes, time) = eventOutbox.removeValue(forKey: nextStepToPublish) { events.publish(changes, at: time) }
            nextStepToPublish += 1
        }
    }

    /// Carries out a committed step's effects.
    private func finish(_ step: PreparedStep) async {
        let pipelineName = step.pipelineName
        var rollbacks: [(String, ExecutionID)] = []
        for effect in step.effects {
            switch effect {
            case .dispatch(let job):
                dispatchContinuation.yield(.run(job))
            case .cancelJob(let id):
                dispatchContinuation.yield(.withdraw(id))
            case .armTimer(let deadline):
                // Every action arms one as it starts, mostly hours away: only one before the
                // deadline the timer loop sleeps towards wakes it.
                timerAlarm.armed(instant(of: deadline))
            case .rollback(let stage, let target):
                rollbacks.append((stage, target))
            case .executionFinished(let id, let status):
                logger.info("execution finished", metadata: ["execution.id": "\(id)", "execution.status": "\(status.rawValue)"])
            case .approvalPending(let request):
                approvalContinuation.yield(request)
            }
        }
        for (stage, target) in rollbacks {
            // An automatic rollback (onFailure ROLLBACK) is a step of its own, after the failure is stored.
            do {
                _ = try await rollbackStage(stage, of: pipelineName, to: target, automated: true)
            } catch {
                logger.warning("automatic rollback not started", metadata: ["pipeline.name": "\(pipelineName)", "stage.name": "\(stage)", "error.message": "\(error)"])
            }
        }
    }

    package func overrideStageCondition(
        _ type: PipelineStateMachine.ConditionType, stage: String, of id: ExecutionID, in pipelineName: String
    ) async throws {
        guard machines[pipelineName] != nil else { throw EngineError.pipelineNotFound(pipelineName) }
        let execution = try await execution(id, of: pipelineName)
        try await step(pipelineName) { machine, time in try machine.overrideCondition(type, stage: stage, execution: execution, at: time, newID: newID) }
    }

    // MARK: - Rollback

    /// RollbackStage: a new ROLLBACK execution re-runs `stage` with `target`'s artifacts.
    package func rollbackStage(_ stage: String, of pipelineName: String, to targetID: ExecutionID, automated: Bool = false) async throws -> ExecutionID {
        guard machines[pipelineName] != nil else { throw EngineError.pipelineNotFound(pipelineName) }
        let target = try await execution(targetID, of: pipelineName)
        let id = ExecutionID(rawValue: newID())
        try await step(pipelineName) { machine, time in
            try machine.rollback(stage: stage, to: target, id: id, automated: automated, at: time, newID: newID)
        }
        logger.info("rollback started", metadata: ["pipeline.name": "\(pipelineName)", "stage.name": "\(stage)", "execution.id": "\(id)", "rollback.target": "\(targetID)"])
        return id
    }

    // MARK: - Approvals and timers

    package func putApprovalResult(
        pipeline pipelineName: String, stage: String, action: String, token: String, approved: Bool, summary: String?, by actor: String?
    ) async throws -> Timestamp {
        guard let machine = machines[pipelineName] else { throw EngineError.pipelineNotFound(pipelineName) }
        guard let declaration = pipelines[pipelineName]?.declaration, let stageDeclaration = declaration.stage(named: stage) else {
            throw EngineError.stageNotFound(stage, pipeline: pipelineName)
        }
        guard stageDeclaration.actions.contains(where: { $0.name == action }) else { throw EngineError.actionNotFound(action, stage: stage) }
        guard let id = machine.execution(holdingToken: token, stage: stage, action: action) else {
            throw EngineError.invalidApprovalToken(token)
        }
        let time = now()
        try await step(pipelineName, at: time) { machine, time in
            try machine.approvalResult(id, stage: stage, action: action, token: token, approved: approved, summary: summary, by: actor, at: time, newID: newID)
        }
        return time
    }

    /// Fails timed-out actions as their deadlines pass. One loop for all deadlines: it sleeps
    /// until the nearest one, and is woken early when a step arms a nearer one.
    package func runTimers() async {
        while !Task.isCancelled {
            let next = machines.values.compactMap(\.nextDeadline).min().map(instant(of:))
            timerAlarm.willWake(at: next)
            await timerAlarm.sleep(until: next)
            guard !Task.isCancelled else { return }
            for name in machines.keys.sorted() where (machines[name]?.nextDeadline).map({ $0 <= now() }) == true {
                do {
                    try await step(name) { machine, time in machine.timersFired(at: time, newID: newID) }
                } catch {
                    logger.error("could not time out actions", metadata: ["pipeline.name": "\(name)", "error.message": "\(error)"])
                }
            }
        }
    }

    /// `deadline` on the monotonic clock the timer loop sleeps by.
    private nonisolated func instant(of deadline: Timestamp) -> ContinuousClock.Instant {
        .now + .seconds(max(0, deadline.seconds(since: now())))
    }

    private func declaration(of execution: PipelineExecution) async throws -> PipelineDeclaration? {
        if let current = pipelines[execution.pipelineName], current.version == execution.pipelineVersion {
            return current.declaration
        }
        return try await store.pipelineVersion(named: execution.pipelineName, version: execution.pipelineVersion)
    }
}
