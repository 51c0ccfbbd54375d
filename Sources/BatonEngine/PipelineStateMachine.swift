import BatonModel
import BatonStore

/// The pure rules of one pipeline's executions together: stage locks, inbound executions,
/// SUPERSEDED / QUEUED / PARALLEL admission, transitions, stop, retry and pipeline updates
/// (semantics §2). Executions move through stages as `ExecutionStateMachine`s; this type decides
/// who may enter which stage. Every step records what changed, for the shell to commit before it
/// carries out the returned effects.
package struct PipelineStateMachine: Sendable {
    package private(set) var declaration: PipelineDeclaration
    package private(set) var runtime: PipelineRuntimeState
    /// Executions that have not ended.
    package var active: [ExecutionID: ExecutionStateMachine] { activeMachines }
    private var activeMachines: [ExecutionID: ExecutionStateMachine] = [:]
    /// The active executions waiting at each stage's entrance, by stage index, kept with
    /// `activeMachines` (`place`): admitting one looks here instead of scanning every active
    /// execution, which a busy PARALLEL pipeline holds thousands of.
    private var waiting: [Int: Set<ExecutionID>] = [:]
    /// Executions touched since the last `takeChanges()`, including ones that just ended.
    private var changed: [ExecutionID: PipelineExecution] = [:]
    private var createdJobs: [JobRecord] = []
    private var runtimeChanged = false
    /// What this step changed, as it was before: each touched execution (nil for one that was
    /// not active), and the declaration and runtime state. The shell takes them for events, or
    /// puts them back when a step fails, so it never has to copy the whole machine (every active
    /// execution) to keep the state before a step.
    private var beforeStep: [ExecutionID: ExecutionStateMachine?] = [:]
    private var declarationBeforeStep: PipelineDeclaration
    private var runtimeBeforeStep: PipelineRuntimeState

    /// A transition disabled for longer than this does not resume what waited at it (E-94).
    package static let staleTransitionSeconds = 30.0 * 24 * 3600

    /// Concurrent executions a QUEUED pipeline accepts before it fails new ones.
    package static let queuedLimit = 50

    package init(declaration: PipelineDeclaration, runtime: PipelineRuntimeState = PipelineRuntimeState(), active: [ExecutionStateMachine] = []) {
        self.declaration = declaration
        self.runtime = runtime
        declarationBeforeStep = declaration
        runtimeBeforeStep = runtime
        for machine in active { place(machine.execution.id, machine) }
    }

    /// Stores `machine` (nil: removes it) as the active execution `id`, and its place at a
    /// stage's entrance if it waits at one.
    private mutating func place(_ id: ExecutionID, _ machine: ExecutionStateMachine?) {
        let before = activeMachines[id]?.execution.waitingAt
        let after = machine?.execution.waitingAt
        if before != after {
            if let before {
                waiting[before]?.remove(id)
                if waiting[before]?.isEmpty == true { waiting[before] = nil }
            }
            if let after { waiting[after, default: []].insert(id) }
        }
        activeMachines[id] = machine
    }

    /// Every change to the active executions goes through here, so the state before the step is
    /// kept for what it touches.
    private mutating func setActive(_ id: ExecutionID, _ machine: ExecutionStateMachine?) {
        if beforeStep.index(forKey: id) == nil { beforeStep[id] = .some(activeMachines[id]) }
        place(id, machine)
    }

    private mutating func removeActive(_ id: ExecutionID) -> ExecutionStateMachine? {
        guard let machine = activeMachines[id] else { return nil }
        setActive(id, nil)
        return machine
    }

    /// Undoes everything since the last `takeChanges()`: for a step that failed part way.
    package mutating func rollBack() {
        for (id, machine) in beforeStep { place(id, machine) }
        declaration = declarationBeforeStep
        runtime = runtimeBeforeStep
        beforeStep = [:]
        changed = [:]
        createdJobs = []
        runtimeChanged = false
    }

    package var mode: ExecutionMode { declaration.executionMode ?? .superseded }

    /// What changed since the last call: executions to store, jobs created, the runtime state
    /// when it changed, and each changed execution as it was before (nil: it was not active).
    package mutating func takeChanges() -> (
        executions: [PipelineExecution], jobs: [JobRecord], runtime: PipelineRuntimeState?, before: [ExecutionID: PipelineExecution?]
    ) {
        for id in Array(changed.keys) {
            if var machine = active[id] {
                createdJobs += machine.takeCreatedJobs()
                setActive(id, machine)
                changed[id] = machine.execution
            }
        }
        defer {
            changed = [:]
            createdJobs = []
            runtimeChanged = false
            beforeStep = [:]
            declarationBeforeStep = declaration
            runtimeBeforeStep = runtime
        }
        return (changed.values.sorted { $0.startTime < $1.startTime }, createdJobs, runtimeChanged ? runtime : nil,
                beforeStep.mapValues { $0?.execution })
    }

    // MARK: - Starting and results

    /// A new execution arrives at the first stage's entrance.
    package mutating func start(_ execution: PipelineExecution, at now: Timestamp, newID: () -> String) -> [EngineEffect] {
        let machine = ExecutionStateMachine(execution: execution, declaration: declaration)
        setActive(execution.id, machine)
        changed[execution.id] = machine.execution
        if mode == .queued && active.count > Self.queuedLimit {
            return end(execution.id, .failed, summary: "The pipeline has \(Self.queuedLimit) executions in progress, the most QUEUED mode allows", at: now)
        }
        return arrive(execution.id, atStage: 0, at: now, newID: newID)
    }

    package mutating func actionSucceeded(
        _ id: ExecutionID, stage: String, action: String, job: JobID, outputs: ActionOutputs, at now: Timestamp, newID: () -> String
    ) -> [EngineEffect] {
        guard var machine = active[id] else { return [] }
        let step = machine.actionSucceeded(stage: stage, action: action, job: job, outputs: outputs, at: now, newID: newID)
        setActive(id, machine)
        changed[id] = machine.execution
        return step.effects + handle(step.stageEnd, of: id, at: now, newID: newID)
    }

    package mutating func actionProgressed(_ job: JobRecord, percent: Int?, summary: String?, externalExecutionId: String?, at now: Timestamp) -> [EngineEffect] {
        guard var machine = active[job.executionID] else { return [] }
        machine.actionProgressed(stage: job.stageName, action: job.actionName, job: job.id, percent: percent, summary: summary, externalExecutionId: externalExecutionId, at: now)
        setActive(job.executionID, machine)
        changed[job.executionID] = machine.execution
        return []
    }

    package mutating func actionContinued(
        _ job: JobRecord, token: String, summary: String?, externalExecutionId: String?, at now: Timestamp, newID: () -> String
    ) -> [EngineEffect] {
        guard var machine = active[job.executionID] else { return [] }
        let step = machine.actionContinued(job, token: token, summary: summary, externalExecutionId: externalExecutionId, at: now, newID: newID)
        setActive(job.executionID, machine)
        changed[job.executionID] = machine.execution
        return step.effects
    }

    package mutating func actionFailed(
        _ id: ExecutionID, stage: String, action: String, job: JobID, failure: FailureDetails, at now: Timestamp, newID: () -> String
    ) -> [EngineEffect] {
        guard var machine = active[id] else { return [] }
        let step = machine.actionFailed(stage: stage, action: action, job: job, failure: failure, at: now, newID: newID)
        setActive(id, machine)
        changed[id] = machine.execution
        return step.effects + handle(step.stageEnd, of: id, at: now, newID: newID)
    }

    // MARK: - Approvals and timeouts (E-100…E-110)

    package mutating func approvalResult(
        _ id: ExecutionID, stage: String, action: String, token: String, approved: Bool, summary: String?, by actor: String?,
        at now: Timestamp, newID: () -> String
    ) throws(EngineError) -> [EngineEffect] {
        guard var machine = active[id] else { throw .invalidApprovalToken(token) }
        let step = try machine.approvalResult(stage: stage, action: action, token: token, approved: approved, summary: summary, by: actor, at: now, newID: newID)
        setActive(id, machine)
        changed[id] = machine.execution
        return step.effects + handle(step.stageEnd, of: id, at: now, newID: newID)
    }

    /// The execution whose approval `action` in `stage` holds `token`.
    package func execution(holdingToken token: String, stage: String, action: String) -> ExecutionID? {
        active.values.first { machine in
            machine.execution.stages.first { $0.name == stage }?.actions.first { $0.name == action }?.token == token
        }?.execution.id
    }

    package var nextDeadline: Timestamp? {
        active.values.compactMap(\.nextDeadline).min()
    }

    /// Fails every action whose deadline has passed.
    package mutating func timersFired(at now: Timestamp, newID: () -> String) -> [EngineEffect] {
        var effects: [EngineEffect] = []
        for id in active.keys.sorted(by: { $0.rawValue < $1.rawValue }) {
            guard var machine = active[id], let deadline = machine.nextDeadline, deadline <= now else { continue }
            let step = machine.timeOut(at: now, newID: newID)
            setActive(id, machine)
            changed[id] = machine.execution
            effects += step.effects + handle(step.stageEnd, of: id, at: now, newID: newID)
        }
        return effects
    }

    // MARK: - Stop (E-41…E-46)

    package mutating func stop(_ id: ExecutionID, abandon: Bool, reason: String?, at now: Timestamp, newID: () -> String) throws(EngineError) -> [EngineEffect] {
        guard var machine = active[id] else { throw .notStoppable(id) }
        let execution = machine.execution
        if execution.status == .stopping {
            // Abandon may follow stop-and-wait; anything else repeats a stop already under way.
            guard abandon, !execution.abandonRequested else { throw .duplicatedStop(id) }
        }
        if execution.waitingAt != nil {
            // An inbound execution stops where it waits (E-12); it will not enter the stage.
            machine.setStopReason(reason)
            setActive(id, machine)
            return end(id, .stopped, summary: reason.map { "Stopped: \($0)" }, at: now)
        }
        if abandon { machine.markAbandonRequested() }
        let step = machine.stop(abandon: abandon, reason: reason, at: now, newID: newID)
        setActive(id, machine)
        changed[id] = machine.execution
        return step.effects + handle(step.stageEnd, of: id, at: now, newID: newID)
    }

    // MARK: - Retry (E-60…E-66)

    /// Re-runs a failed or stopped stage of `execution` (which has ended and is passed in).
    package mutating func retry(
        _ execution: PipelineExecution, stage stageName: String, mode retryMode: ExecutionStateMachine.RetryMode,
        at now: Timestamp, newID: () -> String
    ) throws(EngineError) -> [EngineEffect] {
        guard let index = declaration.stages.firstIndex(where: { $0.name == stageName }),
              execution.stages.indices.contains(index)
        else { throw .stageNotFound(stageName, pipeline: declaration.name) }
        guard active[execution.id] == nil, [.failed, .stopped].contains(execution.status) else {
            throw .stageNotRetryable("Pipeline execution \(execution.id) is \(execution.status.rawValue); only a failed or stopped execution can be retried")
        }
        guard execution.pipelineVersion == declaration.version ?? 1 else {
            throw .stageNotRetryable("The pipeline structure changed after execution \(execution.id) ran; it cannot be retried")
        }
        guard runtime.lastEntered[stageName] == execution.id else {
            throw .notLatestExecution(execution.id, stage: stageName)
        }
        let stage = execution.stages[index]
        guard stage.status == .failed || stage.status == .stopped else {
            throw .stageNotRetryable("Stage \(stageName) of execution \(execution.id) is \(stage.status?.rawValue ?? "not started"); only a failed or stopped stage can be retried")
        }
        if retryMode == .failedActions && !stage.actions.contains(where: { $0.status == .failed || $0.status == .abandoned }) {
            throw .stageNotRetryable("Stage \(stageName) contains no failed actions")
        }
        if let occupant = occupant(of: index) {
            throw .notLatestExecution(execution.id, stage: "\(stageName) (execution \(occupant) is in it)")
        }
        var machine = ExecutionStateMachine(execution: execution, declaration: declaration)
        machine.recordRetry(stage: index)
        setActive(execution.id, machine)
        runtime.lastEntered[stageName] = execution.id
        runtimeChanged = true
        let step = machine.enterStage(index, retry: retryMode, at: now, newID: newID)
        setActive(execution.id, machine)
        changed[execution.id] = machine.execution
        return step.effects + handle(step.stageEnd, of: execution.id, at: now, newID: newID)
    }

    // MARK: - Rollback (E-80…E-85)

    /// Starts a ROLLBACK execution that re-runs `stage` with `target`'s artifacts and variables.
    package mutating func rollback(
        stage stageName: String, to target: PipelineExecution, id: ExecutionID, automated: Bool, at now: Timestamp, newID: () -> String
    ) throws(EngineError) -> [EngineEffect] {
        guard let index = declaration.stages.firstIndex(where: { $0.name == stageName }) else {
            throw .stageNotFound(stageName, pipeline: declaration.name)
        }
        guard mode != .parallel else { throw .unableToRollback("Stage rollback is not available in PARALLEL mode") }
        guard index > 0 else { throw .unableToRollback("The source stage \(stageName) cannot be rolled back") }
        guard target.executionType == "STANDARD" else {
            throw .executionOutdated("Execution \(target.id) is itself a rollback and cannot be a rollback target")
        }
        guard target.pipelineVersion == declaration.version ?? 1 else {
            throw .unableToRollback("Execution \(target.id) ran pipeline version \(target.pipelineVersion); the pipeline is now version \(declaration.version ?? 1)")
        }
        guard target.stages.indices.contains(index), target.stages[index].status == .succeeded else {
            throw .unableToRollback("Execution \(target.id) did not succeed in stage \(stageName)")
        }
        if let occupant = occupant(of: index) {
            throw .unableToRollback("Stage \(stageName) is running execution \(occupant)")
        }
        var execution = PipelineExecution(
            id: id, pipeline: declaration, version: declaration.version ?? 1,
            trigger: ExecutionTrigger(triggerType: automated ? "AutomatedRollback" : "ManualRollback", triggerDetail: target.id.rawValue),
            variables: target.variables, at: now)
        execution.executionType = "ROLLBACK"
        execution.rollbackTarget = target.id
        // The rolled-back stage consumes what the target had produced before it.
        execution.artifacts = target.artifacts
        for earlier in 0..<index { execution.stages[earlier] = target.stages[earlier] }
        let machine = ExecutionStateMachine(execution: execution, declaration: declaration)
        setActive(id, machine)
        changed[id] = machine.execution
        return arrive(id, atStage: index, at: now, newID: newID)
    }

    // MARK: - OverrideStageCondition (§2.17)

    package enum ConditionType: String, Sendable {
        case beforeEntry = "BEFORE_ENTRY"
        case onSuccess = "ON_SUCCESS"
    }

    /// Overrides a stage's entry or success condition for `execution` (passed in, as it may have
    /// ended when its success condition failed).
    package mutating func overrideCondition(
        _ type: ConditionType, stage stageName: String, execution: PipelineExecution, at now: Timestamp, newID: () -> String
    ) throws(EngineError) -> [EngineEffect] {
        guard let index = declaration.stages.firstIndex(where: { $0.name == stageName }), execution.stages.indices.contains(index) else {
            throw .stageNotFound(stageName, pipeline: declaration.name)
        }
        let hook = type == .beforeEntry ? "beforeEntry" : "onSuccess"
        let stage = declaration.stages[index]
        let condition = type == .beforeEntry ? stage.beforeEntry?.conditions.first : stage.onSuccess?.conditions.first
        guard let condition else { throw .conditionNotOverridable("Stage \(stageName) has no \(hook) condition") }
        guard condition.result != "SKIP" else { throw .conditionNotOverridable("An entry condition with result SKIP cannot be overridden") }
        guard runtime.lastEntered[stageName] == execution.id else { throw .notLatestExecution(execution.id, stage: stageName) }
        let status = execution.stages[index].conditions?[hook]?.status
        if var machine = active[execution.id], machine.currentStage == index, status == "InProgress" {
            let step = machine.overrideCondition(hook: hook, stage: index, at: now, newID: newID)
            setActive(execution.id, machine)
            changed[execution.id] = machine.execution
            return step.effects + handle(step.stageEnd, of: execution.id, at: now, newID: newID)
        }
        if type == .onSuccess, active[execution.id] == nil, execution.status == .failed, status == "Failed",
           execution.stages[index].status == .failed, !execution.stages[index].actions.contains(where: { $0.status != .succeeded }) {
            var machine = ExecutionStateMachine(execution: execution, declaration: declaration)
            let step = machine.resumeAfterOverride(stage: index, at: now)
            setActive(execution.id, machine)
            changed[execution.id] = machine.execution
            return step.effects + handle(step.stageEnd, of: execution.id, at: now, newID: newID)
        }
        throw .conditionNotOverridable("The \(hook) condition of stage \(stageName) in execution \(execution.id) is \(status ?? "not evaluated") and cannot be overridden")
    }

    // MARK: - Transitions (E-90…E-95)

    package enum TransitionType: String, Sendable {
        case inbound = "Inbound"
        case outbound = "Outbound"
    }

    package mutating func setTransition(
        stage stageName: String, type: TransitionType, enabled: Bool, reason: String?, by actor: String?, at now: Timestamp, newID: () -> String
    ) throws(EngineError) -> [EngineEffect] {
        guard let index = declaration.stages.firstIndex(where: { $0.name == stageName }) else {
            throw .stageNotFound(stageName, pipeline: declaration.name)
        }
        let previous = type == .inbound ? runtime.inbound[stageName] : runtime.outbound[stageName]
        let transition = PipelineRuntimeState.Transition(
            enabled: enabled, disabledReason: enabled ? nil : reason, lastChangedAt: now, lastChangedBy: actor)
        switch type {
        case .inbound: runtime.inbound[stageName] = transition
        case .outbound: runtime.outbound[stageName] = transition
        }
        runtimeChanged = true
        guard enabled else { return [] }
        let entrance = type == .inbound ? index : index + 1
        var effects: [EngineEffect] = []
        // Disabled for more than 30 days: what waited there does not resume (E-94).
        if let since = previous?.lastChangedAt, previous?.enabled == false, now.seconds(since: since) > Self.staleTransitionSeconds {
            for waiting in inbound(at: entrance) {
                effects += end(waiting, .stopped, summary: "The transition into stage \(stageName) was disabled for more than 30 days; start a new execution", at: now)
            }
        }
        // Executions held by this transition may now move.
        return effects + admit(entrance, at: now, newID: newID)
    }

    // MARK: - Pipeline updates (E-40)

    /// The pipeline's declaration changed. Unless both the old and new modes are PARALLEL,
    /// inbound executions are cancelled now and running ones once their running actions finish.
    package mutating func update(to newDeclaration: PipelineDeclaration, at now: Timestamp, newID: () -> String) -> [EngineEffect] {
        let keepRunning = mode == .parallel && (newDeclaration.executionMode ?? .superseded) == .parallel
        declaration = newDeclaration
        guard !keepRunning else { return [] }
        var effects: [EngineEffect] = []
        for id in active.keys.sorted(by: { $0.rawValue < $1.rawValue }) {
            guard var machine = active[id] else { continue }
            if machine.execution.waitingAt != nil || machine.currentStage == nil {
                effects += end(id, .cancelled, summary: "The pipeline was updated", at: now)
            } else {
                machine.markCancelOnStop()
                let step = machine.stop(abandon: false, reason: "The pipeline was updated", at: now, newID: newID)
                setActive(id, machine)
                changed[id] = machine.execution
                effects += step.effects + handle(step.stageEnd, of: id, at: now, newID: newID)
            }
        }
        return effects
    }

    // MARK: - Admission

    /// The execution inside stage `index`, when stages are locked.
    package func occupant(of index: Int) -> ExecutionID? {
        guard mode != .parallel else { return nil }
        return active.values.first { $0.currentStage == index }?.execution.id
    }

    /// Executions waiting at stage `index`'s entrance, first to enter first.
    package func inbound(at index: Int) -> [ExecutionID] {
        guard let ids = waiting[index] else { return [] }
        return ids.compactMap { activeMachines[$0]?.execution }
            .sorted { ($0.waitingOrder ?? 0, $0.id.rawValue) < ($1.waitingOrder ?? 0, $1.id.rawValue) }
            .map(\.id)
    }

    private func mayEnter(_ index: Int) -> Bool {
        let stage = declaration.stages[index].name
        let previousOutbound = index == 0 || runtime.isOutboundEnabled(declaration.stages[index - 1].name)
        return runtime.isInboundEnabled(stage) && previousOutbound && occupant(of: index) == nil
    }

    /// Execution `id` has left the stage before `index` (or is new) and arrives at its entrance.
    private mutating func arrive(_ id: ExecutionID, atStage index: Int, at now: Timestamp, newID: () -> String) -> [EngineEffect] {
        guard var machine = active[id] else { return [] }
        if index >= declaration.stages.count || index >= machine.execution.stages.count {
            return end(id, .succeeded, summary: nil, at: now)
        }
        var effects: [EngineEffect] = []
        if mode == .superseded {
            // One waiting slot per entrance: the newer execution takes it (E-21).
            for waiting in inbound(at: index) where waiting != id {
                effects += end(waiting, .superseded, summary: "Superseded by execution \(id)", at: now)
            }
        }
        machine.wait(atStage: index, order: runtime.nextArrival, at: now)
        runtime.nextArrival += 1
        runtimeChanged = true
        setActive(id, machine)
        changed[id] = machine.execution
        return effects + admit(index, at: now, newID: newID)
    }

    /// Lets waiting executions into stage `index` while it may take them.
    private mutating func admit(_ index: Int, at now: Timestamp, newID: () -> String) -> [EngineEffect] {
        guard index < declaration.stages.count else { return [] }
        var effects: [EngineEffect] = []
        while mayEnter(index), let next = inbound(at: index).first, var machine = active[next], machine.execution.waitingAt == index {
            runtime.lastEntered[declaration.stages[index].name] = next
            runtimeChanged = true
            let step = machine.enterStage(index, at: now, newID: newID)
            setActive(next, machine)
            changed[next] = machine.execution
            effects += step.effects + handle(step.stageEnd, of: next, at: now, newID: newID)
            if mode != .parallel { break }
        }
        return effects
    }

    /// An execution's stage ended: move it on, or end it, and let the next one in.
    private mutating func handle(_ stageEnd: ExecutionStateMachine.StageEnd?, of id: ExecutionID, at now: Timestamp, newID: () -> String) -> [EngineEffect] {
        guard let stageEnd, let machine = active[id] else { return [] }
        switch stageEnd {
        case .skipped(let index):
            // The stage did not run; the execution goes on to the next one (E-121).
            return arrive(id, atStage: index + 1, at: now, newID: newID) + admit(index, at: now, newID: newID)
        case .failedForRollback(let index):
            var effects = end(id, .failed, summary: machine.execution.statusSummary, at: now)
            let stageName = declaration.stages[index].name
            if mode != .parallel, machine.execution.executionType == "STANDARD", let target = runtime.lastSucceeded[stageName], target != id {
                effects.append(.rollback(stage: stageName, target: target))
            }
            return effects + admit(index, at: now, newID: newID)
        case .succeeded(let index) where machine.execution.executionType == "ROLLBACK":
            // A rollback re-runs one stage and ends there.
            return end(id, .succeeded, summary: "Rolled stage \(machine.execution.stages[index].name) back to execution \(machine.execution.rollbackTarget?.rawValue ?? "?")", at: now)
                + admit(index, at: now, newID: newID)
        case .succeeded(let index):
            if machine.execution.executionType == "STANDARD", index < declaration.stages.count {
                runtime.lastSucceeded[declaration.stages[index].name] = id
                runtimeChanged = true
            }
            // Leave the stage: arrive at the next entrance first (superseding a waiting older
            // execution there), then let the next execution into the stage just left (E-25).
            return arrive(id, atStage: index + 1, at: now, newID: newID) + admit(index, at: now, newID: newID)
        case .failed(let index):
            let stageDeclaration = index < declaration.stages.count ? declaration.stages[index] : nil
            // onFailure RETRY: one automatic retry, in place, while the stage is still held (E-70, E-71).
            if let failure = stageDeclaration?.onFailure, failure.result == "RETRY", (machine.execution.stages[index].autoRetryAttempts ?? 0) == 0,
               machine.execution.stages[index].actions.contains(where: { $0.status == .failed }), var retrying = active[id] {
                let retryMode = ExecutionStateMachine.RetryMode(rawValue: failure.retryConfiguration?.retryMode ?? "") ?? .failedActions
                retrying.recordAutomaticRetry(stage: index)
                let step = retrying.enterStage(index, retry: retryMode, at: now, newID: newID)
                setActive(id, retrying)
                changed[id] = retrying.execution
                return step.effects + handle(step.stageEnd, of: id, at: now, newID: newID)
            }
            let summary = machine.execution.stages[index].actions.first { $0.status == .failed }
                .map { "Action \($0.name) in stage \(machine.execution.stages[index].name) failed: \($0.errorDetails?.message ?? "no details")" }
                ?? machine.execution.statusSummary
            var effects = end(id, .failed, summary: summary, at: now)
            // onFailure ROLLBACK without conditions: back to the last execution that succeeded here (E-84).
            if let stageName = stageDeclaration?.name, stageDeclaration?.onFailure?.result == "ROLLBACK",
               stageDeclaration?.onFailure?.conditions == nil, mode != .parallel,
               machine.execution.executionType == "STANDARD", let target = runtime.lastSucceeded[stageName], target != id {
                effects.append(.rollback(stage: stageName, target: target))
            }
            return effects + admit(index, at: now, newID: newID)
        case .stopped(let index):
            let cancelled = machine.execution.cancelOnStop
            let summary = cancelled ? "The pipeline was updated" : machine.execution.stopReason.map { "Stopped: \($0)" }
            return end(id, cancelled ? .cancelled : .stopped, summary: summary, at: now) + admit(index, at: now, newID: newID)
        }
    }

    /// Ends an active execution with `status` and forgets it.
    private mutating func end(_ id: ExecutionID, _ status: PipelineExecutionStatus, summary: String?, at now: Timestamp) -> [EngineEffect] {
        guard var machine = removeActive(id) else { return [] }
        let effects = machine.finish(status, summary: summary, at: now)
        createdJobs += machine.takeCreatedJobs()
        changed[id] = machine.execution
        return effects
    }
}
