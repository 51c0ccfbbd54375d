import BatonModel
import BatonStore

/// The pure rules of one execution inside a stage: which `runOrder` group runs next, how
/// artifacts and variables flow into jobs, and when the stage has succeeded, failed or stopped.
/// Which stage an execution may enter is the `PipelineStateMachine`'s decision. No I/O: time and
/// new identifiers are parameters, and every step returns the effects for the shell to carry out.
package struct ExecutionStateMachine: Sendable {
    package enum StageEnd: Sendable, Hashable {
        case succeeded(Int)
        case failed(Int)
        case stopped(Int)
        /// A beforeEntry condition with result SKIP failed: the stage did not run.
        case skipped(Int)
        /// An onSuccess condition with result ROLLBACK failed.
        case failedForRollback(Int)
    }

    package struct Step: Sendable {
        package var effects: [EngineEffect] = []
        package var stageEnd: StageEnd?
    }

    package enum RetryMode: String, Sendable {
        case failedActions = "FAILED_ACTIONS"
        case allActions = "ALL_ACTIONS"
    }

    package private(set) var execution: PipelineExecution
    package let declaration: PipelineDeclaration
    /// Jobs created since the last `takeCreatedJobs()`, to be committed with the execution.
    package private(set) var createdJobs: [JobRecord] = []

    package init(execution: PipelineExecution, declaration: PipelineDeclaration) {
        self.execution = execution
        self.declaration = declaration
    }

    package mutating func takeCreatedJobs() -> [JobRecord] {
        defer { createdJobs = [] }
        return createdJobs
    }

    /// The stage the execution is inside (running or stopping), if any.
    package var currentStage: Int? {
        execution.stages.firstIndex { $0.status == .inProgress || $0.status == .stopping }
    }

    // MARK: - Moving between stages

    package mutating func wait(atStage index: Int, order: Int64, at now: Timestamp) {
        execution.waitingAt = index
        execution.waitingOrder = order
        execution.lastUpdateTime = now
    }

    /// Enters a stage: fresh, or as a retry of its failed actions or of all of them.
    package mutating func enterStage(_ index: Int, retry: RetryMode? = nil, at now: Timestamp, newID: () -> String) -> Step {
        execution.waitingAt = nil
        execution.waitingOrder = nil
        execution.status = .inProgress
        execution.statusSummary = nil
        execution.stages[index].status = .inProgress
        execution.lastUpdateTime = now
        for actionIndex in execution.stages[index].actions.indices {
            let action = execution.stages[index].actions[actionIndex]
            let reset = switch retry {
            case nil, .allActions: true
            case .failedActions: action.status == .failed || action.status == .abandoned
            }
            if reset {
                if action.status != nil { execution.stages[index].earlierRuns = (execution.stages[index].earlierRuns ?? []) + [action] }
                execution.stages[index].actions[actionIndex] = ActionExecution(name: action.name)
            }
        }
        execution.stages[index].ruleJobs = nil
        execution.stages[index].conditions = nil
        // Entry conditions run once the stage is entered (and locked), before any action (E-16).
        if retry == nil, declaration.stages[index].beforeEntry?.conditions.first != nil {
            return evaluateEntry(index, at: now, newID: newID)
        }
        return advance(index, at: now, newID: newID)
    }

    /// Evaluates the entry condition; waits while its rule jobs run, then starts the stage's
    /// actions, skips the stage or fails it.
    private mutating func evaluateEntry(_ index: Int, at now: Timestamp, newID: () -> String) -> Step {
        guard let condition = declaration.stages[index].beforeEntry?.conditions.first else { return advance(index, at: now, newID: newID) }
        switch evaluate(condition, hook: "beforeEntry", stage: index, at: now, newID: newID) {
        case .waiting(let effects):
            return Step(effects: effects)
        case .decided(.succeeded):
            return advance(index, at: now, newID: newID)
        case .decided(let outcome):
            if condition.result == "SKIP" {
                execution.stages[index].status = .skipped
                return Step(stageEnd: .skipped(index))
            }
            execution.stages[index].status = .failed
            execution.statusSummary = "The entry condition of stage \(declaration.stages[index].name) was not met: \(describe(outcome))"
            return Step(stageEnd: .failed(index))
        }
    }

    enum ConditionProgress {
        case decided(RuleOutcome)
        case waiting([EngineEffect])
    }

    /// Evaluates a condition: VariableCheck and DeploymentWindow rules at once, Commands and
    /// LambdaInvoke rules as jobs on workers (started on first evaluation, read back once they
    /// reported). Waits while any runs, and an entry condition waits for its deployment window
    /// to open (as CodePipeline holds the stage, rather than failing it).
    private mutating func evaluate(_ condition: ConditionDeclaration, hook: String, stage index: Int, at now: Timestamp, newID: () -> String) -> ConditionProgress {
        let context = execution.variableContext(declaration: declaration)
        var effects: [EngineEffect] = []
        var waiting = false
        execution.stages[index].conditionWakeAt = nil
        for rule in condition.rules {
            switch rule.ruleTypeId.provider {
            case "Commands", "LambdaInvoke":
                let key = "\(hook)/\(rule.name)"
                if let job = execution.stages[index].ruleJobs?[key] {
                    switch job.outcome {
                    case "Succeeded": continue
                    case nil: waiting = true
                    default:
                        let outcome = RuleOutcome.failed("Rule \(rule.name): \(job.message ?? "the rule's job failed")")
                        record(outcome, hook: hook, stage: index, at: now)
                        return .decided(outcome)
                    }
                } else {
                    effects += startRuleJob(rule, key: key, stage: index, context: context, newID: newID)
                    waiting = true
                }
            case "DeploymentWindow":
                switch rule.deploymentWindow(at: now) {
                case .open:
                    continue
                case .invalid(let reason):
                    record(.errored(reason), hook: hook, stage: index, at: now)
                    return .decided(.errored(reason))
                case .closed(let opening?, _) where hook == "beforeEntry":
                    let wake = min(opening, execution.stages[index].conditionWakeAt ?? opening)
                    execution.stages[index].conditionWakeAt = wake
                    effects.append(.armTimer(wake))
                    waiting = true
                case .closed(_, let reason):
                    record(.failed(reason), hook: hook, stage: index, at: now)
                    return .decided(.failed(reason))
                }
            default:
                let outcome = rule.evaluate(in: context)
                if outcome != .succeeded {
                    record(outcome, hook: hook, stage: index, at: now)
                    return .decided(outcome)
                }
            }
        }
        if waiting {
            var conditions = execution.stages[index].conditions ?? [:]
            conditions[hook] = ConditionRecord(status: "InProgress", summary: nil, lastStatusChange: now)
            execution.stages[index].conditions = conditions
            return .waiting(effects)
        }
        record(.succeeded, hook: hook, stage: index, at: now)
        return .decided(.succeeded)
    }

    private mutating func startRuleJob(_ rule: RuleDeclaration, key: String, stage index: Int, context: VariableContext, newID: () -> String) -> [EngineEffect] {
        func substitute(_ text: String) -> String {
            (try? VariableReference.substitute(in: text, context.value(of:)).result) ?? text
        }
        let isLambda = rule.ruleTypeId.provider == "LambdaInvoke"
        let jobID = JobID(rawValue: newID())
        let data = JobData(
            actionTypeId: isLambda ? .lambdaInvoke : .commands,
            configuration: isLambda ? (rule.configuration ?? [:]).mapValues(substitute) : [:],
            pipelineContext: PipelineContext(
                pipelineName: execution.pipelineName, stageName: declaration.stages[index].name, actionName: "#rule/\(key)",
                actionExecutionID: ActionExecutionID(rawValue: newID()), executionID: execution.id),
            inputArtifacts: (rule.inputArtifacts ?? []).compactMap { execution.artifacts[$0.name].map(JobArtifact.input) },
            outputArtifacts: [],
            commands: isLambda ? nil : (rule.commands ?? []).map(substitute))
        var jobs = execution.stages[index].ruleJobs ?? [:]
        jobs[key] = RuleJob(jobID: jobID)
        execution.stages[index].ruleJobs = jobs
        let job = JobRecord(
            id: jobID, executionID: execution.id, stageName: declaration.stages[index].name, actionName: "#rule/\(key)",
            status: .queued, attempt: 1, data: data)
        createdJobs.append(job)
        return [.dispatch(job)]
    }

    /// A rule job reported: record it and carry on with the hook that waited for it.
    private mutating func ruleReported(stage stageName: String, key: String, job jobID: JobID, succeeded: Bool, message: String?, at now: Timestamp, newID: () -> String) -> Step {
        guard let index = execution.stages.firstIndex(where: { $0.name == stageName }),
              execution.stages[index].status == .inProgress,
              var rule = execution.stages[index].ruleJobs?[key], rule.jobID == jobID, rule.outcome == nil
        else { return Step() }
        rule.outcome = succeeded ? "Succeeded" : "Failed"
        rule.message = message
        execution.stages[index].ruleJobs?[key] = rule
        execution.lastUpdateTime = now
        if key.hasPrefix("beforeEntry/") { return evaluateEntry(index, at: now, newID: newID) }
        return advance(index, at: now, newID: newID)
    }

    private mutating func record(_ outcome: RuleOutcome, hook: String, stage index: Int, at now: Timestamp) {
        let status = switch outcome {
        case .succeeded: "Succeeded"
        case .failed: "Failed"
        case .errored: "Errored"
        }
        var conditions = execution.stages[index].conditions ?? [:]
        conditions[hook] = ConditionRecord(status: status, summary: outcome == .succeeded ? nil : describe(outcome), lastStatusChange: now)
        execution.stages[index].conditions = conditions
    }

    private func describe(_ outcome: RuleOutcome) -> String {
        switch outcome {
        case .succeeded: "met"
        case .failed(let reason), .errored(let reason): reason
        }
    }

    package mutating func finish(_ status: PipelineExecutionStatus, summary: String?, at now: Timestamp) -> [EngineEffect] {
        execution.status = status
        execution.statusSummary = summary
        execution.waitingAt = nil
        execution.waitingOrder = nil
        execution.lastUpdateTime = now
        return [.executionFinished(execution.id, status)]
    }

    package mutating func setStopReason(_ reason: String?) {
        if let reason { execution.stopReason = reason }
    }

    package mutating func markAbandonRequested() {
        execution.abandonRequested = true
    }

    /// The execution is being cancelled by a pipeline update: once its running actions finish,
    /// it ends Cancelled rather than Stopped.
    package mutating func markCancelOnStop() {
        execution.cancelOnStop = true
    }

    package mutating func recordAutomaticRetry(stage index: Int) {
        execution.stages[index].autoRetryAttempts = (execution.stages[index].autoRetryAttempts ?? 0) + 1
    }

    package mutating func recordRetry(stage index: Int) {
        execution.stages[index].manualRetryAttempts = (execution.stages[index].manualRetryAttempts ?? 0) + 1
        execution.abandonRequested = false
        execution.cancelOnStop = false
        execution.stopReason = nil
    }

    // MARK: - Overriding a condition (OverrideStageCondition)

    /// Overrides a condition still being evaluated: its rule jobs are withdrawn and the stage
    /// proceeds — into its actions (BEFORE_ENTRY) or as succeeded (ON_SUCCESS).
    package mutating func overrideCondition(hook: String, stage index: Int, at now: Timestamp, newID: () -> String) -> Step {
        var effects: [EngineEffect] = []
        for (key, rule) in (execution.stages[index].ruleJobs ?? [:]) where key.hasPrefix("\(hook)/") && rule.outcome == nil {
            effects.append(.cancelJob(rule.jobID))
            execution.stages[index].ruleJobs?[key]?.outcome = "Abandoned"
        }
        execution.stages[index].conditionWakeAt = nil
        var conditions = execution.stages[index].conditions ?? [:]
        conditions[hook] = ConditionRecord(status: "Overridden", summary: "Overridden", lastStatusChange: now)
        execution.stages[index].conditions = conditions
        execution.lastUpdateTime = now
        var step: Step
        if hook == "beforeEntry" {
            step = advance(index, at: now, newID: newID)
        } else {
            execution.stages[index].status = .succeeded
            step = Step(stageEnd: .succeeded(index))
        }
        step.effects = effects + step.effects
        return step
    }

    /// Resumes an execution that failed only because its onSuccess condition was not met: the
    /// stage counts as succeeded and the execution goes on.
    package mutating func resumeAfterOverride(stage index: Int, at now: Timestamp) -> Step {
        execution.status = .inProgress
        execution.statusSummary = nil
        execution.stages[index].status = .succeeded
        var conditions = execution.stages[index].conditions ?? [:]
        conditions["onSuccess"] = ConditionRecord(status: "Overridden", summary: "Overridden", lastStatusChange: now)
        execution.stages[index].conditions = conditions
        execution.lastUpdateTime = now
        return Step(stageEnd: .succeeded(index))
    }

    // MARK: - Results

    /// The result of job `jobID`. A result for any other job of the action (an earlier attempt,
    /// a retransmission after the action moved on) changes nothing.
    package mutating func actionSucceeded(
        stage stageName: String, action actionName: String, job jobID: JobID, outputs: ActionOutputs, at now: Timestamp, newID: () -> String
    ) -> Step {
        if actionName.hasPrefix("#rule/") {
            return ruleReported(stage: stageName, key: String(actionName.dropFirst(6)), job: jobID, succeeded: true, message: nil, at: now, newID: newID)
        }
        guard let (stageIndex, actionIndex) = locate(stageName, actionName),
              execution.stages[stageIndex].actions[actionIndex].status == .inProgress,
              execution.stages[stageIndex].actions[actionIndex].jobID == jobID
        else { return Step() }
        update(stageIndex, actionIndex, at: now) { action in
            action.status = .succeeded
            action.summary = outputs.summary
            action.externalExecutionId = outputs.externalExecutionId
            action.outputArtifacts = outputs.artifacts
            action.outputVariables = outputs.variables
            action.logArtifact = outputs.log
        }
        for artifact in outputs.artifacts { execution.artifacts[artifact.name] = artifact }
        return advance(stageIndex, at: now, newID: newID)
    }

    /// PROGRESS from the worker running job `jobID`: shown on the action, changes nothing else.
    package mutating func actionProgressed(
        stage stageName: String, action actionName: String, job jobID: JobID, percent: Int?, summary: String?, externalExecutionId: String?, at now: Timestamp
    ) {
        guard let (stageIndex, actionIndex) = locate(stageName, actionName),
              execution.stages[stageIndex].actions[actionIndex].status == .inProgress,
              execution.stages[stageIndex].actions[actionIndex].jobID == jobID
        else { return }
        update(stageIndex, actionIndex, at: now) { action in
            action.percentComplete = percent.map { min(100, max(0, $0)) } ?? action.percentComplete
            action.summary = summary ?? action.summary
            action.externalExecutionId = externalExecutionId ?? action.externalExecutionId
        }
    }

    /// A success carrying a continuation token: the action is not done. It stays InProgress and
    /// runs again as a new job whose data carries the token (CodePipeline's continuation).
    package mutating func actionContinued(
        _ finished: JobRecord, token: String, summary: String?, externalExecutionId: String?, at now: Timestamp, newID: () -> String
    ) -> Step {
        guard let (stageIndex, actionIndex) = locate(finished.stageName, finished.actionName),
              execution.stages[stageIndex].actions[actionIndex].status == .inProgress,
              execution.stages[stageIndex].actions[actionIndex].jobID == finished.id
        else { return Step() }
        var data = finished.data
        data.continuationToken = token
        let job = JobRecord(
            id: JobID(rawValue: newID()), executionID: execution.id, stageName: finished.stageName, actionName: finished.actionName,
            status: .queued, attempt: finished.attempt, data: data)
        createdJobs.append(job)
        update(stageIndex, actionIndex, at: now) { action in
            action.jobID = job.id
            action.summary = summary ?? action.summary
            action.externalExecutionId = externalExecutionId ?? action.externalExecutionId
        }
        return Step(effects: [.dispatch(job)])
    }

    package mutating func actionFailed(
        stage stageName: String, action actionName: String, job jobID: JobID, failure: FailureDetails, at now: Timestamp, newID: () -> String
    ) -> Step {
        if actionName.hasPrefix("#rule/") {
            return ruleReported(stage: stageName, key: String(actionName.dropFirst(6)), job: jobID, succeeded: false, message: failure.message, at: now, newID: newID)
        }
        guard let (stageIndex, actionIndex) = locate(stageName, actionName),
              execution.stages[stageIndex].actions[actionIndex].status == .inProgress,
              execution.stages[stageIndex].actions[actionIndex].jobID == jobID
        else { return Step() }
        update(stageIndex, actionIndex, at: now) { action in
            action.status = .failed
            action.errorDetails = failure
            action.summary = failure.message
            action.externalExecutionId = failure.externalExecutionId
            action.logArtifact = failure.log
        }
        return advance(stageIndex, at: now, newID: newID)
    }

    /// Stop-and-wait marks the execution Stopping and lets running actions finish; abandon marks
    /// them Abandoned at once and withdraws their jobs.
    package mutating func stop(abandon: Bool, reason: String?, at now: Timestamp, newID: () -> String) -> Step {
        execution.status = .stopping
        execution.stopReason = reason ?? execution.stopReason
        execution.lastUpdateTime = now
        guard let index = currentStage else { return Step() }
        execution.stages[index].status = .stopping
        var step = Step()
        if abandon {
            for actionIndex in execution.stages[index].actions.indices where execution.stages[index].actions[actionIndex].status == .inProgress {
                if let job = execution.stages[index].actions[actionIndex].jobID { step.effects.append(.cancelJob(job)) }
                update(index, actionIndex, at: now) { $0.status = .abandoned }
            }
        }
        let next = advance(index, at: now, newID: newID)
        step.effects += next.effects
        step.stageEnd = next.stageEnd
        return step
    }

    // MARK: - Inside a stage

    /// After a change in a stage: wait for running actions, then end the stage (stopped, failed)
    /// or start the next `runOrder` group's actions that have not run, or end it succeeded.
    private mutating func advance(_ stageIndex: Int, at now: Timestamp, newID: () -> String) -> Step {
        let stage = execution.stages[stageIndex]
        if stage.actions.contains(where: { $0.status == .inProgress }) { return Step() }
        if execution.status == .stopping {
            execution.stages[stageIndex].status = .stopped
            return Step(stageEnd: .stopped(stageIndex))
        }
        if stage.actions.contains(where: { $0.status == .failed }) {
            // onFailure conditions decide whether its result (such as ROLLBACK) is engaged.
            if let failure = declaration.stages[stageIndex].onFailure, let condition = failure.conditions?.first {
                switch evaluate(condition, hook: "onFailure", stage: stageIndex, at: now, newID: newID) {
                case .waiting(let effects):
                    return Step(effects: effects)
                case .decided(let outcome):
                    execution.stages[stageIndex].status = .failed
                    if outcome == .succeeded && (condition.result ?? failure.result) == "ROLLBACK" {
                        return Step(stageEnd: .failedForRollback(stageIndex))
                    }
                    return Step(stageEnd: .failed(stageIndex))
                }
            }
            execution.stages[stageIndex].status = .failed
            return Step(stageEnd: .failed(stageIndex))
        }
        // The actions not started yet with the lowest runOrder are the next group to start (what
        // `runOrderGroups` gives, without building the groups on every result), in one pass.
        var next: [ActionDeclaration] = []
        var nextRunOrder = Int.max
        for action in declaration.stages[stageIndex].actions where status(stageIndex, action.name) == nil {
            if action.effectiveRunOrder < nextRunOrder {
                nextRunOrder = action.effectiveRunOrder
                next = [action]
            } else if action.effectiveRunOrder == nextRunOrder {
                next.append(action)
            }
        }
        if !next.isEmpty {
            return startGroup(next, inStage: stageIndex, at: now, newID: newID)
        }
        // Every action succeeded: the onSuccess condition decides whether the stage did.
        if let condition = declaration.stages[stageIndex].onSuccess?.conditions.first {
            let outcome: RuleOutcome
            switch evaluate(condition, hook: "onSuccess", stage: stageIndex, at: now, newID: newID) {
            case .waiting(let effects): return Step(effects: effects)
            case .decided(let decided): outcome = decided
            }
            if outcome != .succeeded {
                execution.stages[stageIndex].status = .failed
                execution.statusSummary = "The success condition of stage \(declaration.stages[stageIndex].name) was not met: \(describe(outcome))"
                return Step(stageEnd: condition.result == "ROLLBACK" ? .failedForRollback(stageIndex) : .failed(stageIndex))
            }
        }
        execution.stages[stageIndex].status = .succeeded
        return Step(stageEnd: .succeeded(stageIndex))
    }

    /// Starts actions of one `runOrder` group. Variables are resolved now, as each action
    /// starts; an action whose references cannot be resolved fails without a job.
    private mutating func startGroup(_ group: [ActionDeclaration], inStage stageIndex: Int, at now: Timestamp, newID: () -> String) -> Step {
        let stageName = declaration.stages[stageIndex].name
        let context = execution.variableContext(declaration: declaration)
        var step = Step()
        for action in group {
            guard let actionIndex = execution.stages[stageIndex].actions.firstIndex(where: { $0.name == action.name }) else { continue }
            let actionExecutionID = ActionExecutionID(rawValue: newID())
            let resolution = action.resolved(in: context)
            let deadline = now.adding(seconds: ActionTimeouts.seconds(for: action))
            update(stageIndex, actionIndex, at: now) { record in
                record = ActionExecution(name: action.name)
                record.actionExecutionId = actionExecutionID
                record.startTime = now
                record.lastUpdateTime = now
                if case .unresolved(let failure) = resolution {
                    record.status = .failed
                    record.errorDetails = failure
                    record.summary = failure.message
                } else {
                    record.status = .inProgress
                    record.deadline = deadline
                }
            }
            guard case .resolved(let resolved) = resolution else { continue }
            step.effects.append(.armTimer(deadline))
            if ActionTimeouts.isManualApproval(action) {
                // Approvals run on the coordinator: they wait for PutApprovalResult with this token.
                let token = newID()
                execution.stages[stageIndex].actions[actionIndex].token = token
                execution.stages[stageIndex].actions[actionIndex].summary = resolved.configuration["CustomData"]
                step.effects.append(.approvalPending(ApprovalRequest(
                    pipelineName: execution.pipelineName, stageName: stageName, actionName: action.name, executionID: execution.id,
                    token: token, configuration: resolved.configuration, expires: deadline)))
                continue
            }
            let jobID = JobID(rawValue: newID())
            execution.stages[stageIndex].actions[actionIndex].jobID = jobID
            var data = JobData(
                actionTypeId: action.actionTypeId,
                configuration: resolved.configuration,
                pipelineContext: PipelineContext(
                    pipelineName: execution.pipelineName, stageName: stageName, actionName: action.name,
                    actionExecutionID: actionExecutionID, executionID: execution.id),
                inputArtifacts: action.inputArtifactNames.compactMap { execution.artifacts[$0].map(JobArtifact.input) },
                outputArtifacts: (action.outputArtifacts ?? []).map(JobArtifact.output),
                commands: resolved.commands,
                outputVariables: action.outputVariables,
                environmentVariables: resolved.environmentVariables)
            data.requiredLabels = action.requiredWorkerLabels
            data.sourceRevision = execution.sourceRevisions?[action.name]
            let job = JobRecord(
                id: jobID, executionID: execution.id, stageName: stageName, actionName: action.name,
                status: .queued, attempt: 1, data: data)
            createdJobs.append(job)
            step.effects.append(.dispatch(job))
        }
        if !execution.stages[stageIndex].actions.contains(where: { $0.status == .inProgress }) {
            // Every action of the group failed to start: the stage is decided now.
            return advance(stageIndex, at: now, newID: newID)
        }
        return step
    }

    // MARK: - Approvals and timeouts

    /// PutApprovalResult: the approval ends Succeeded (approved) or Failed (rejected).
    package mutating func approvalResult(
        stage stageName: String, action actionName: String, token: String, approved: Bool, summary: String?, by actor: String?,
        at now: Timestamp, newID: () -> String
    ) throws(EngineError) -> Step {
        guard let (stageIndex, actionIndex) = locate(stageName, actionName) else {
            throw .actionNotFound(actionName, stage: stageName)
        }
        let record = execution.stages[stageIndex].actions[actionIndex]
        guard record.token == token else { throw .invalidApprovalToken(token) }
        guard record.status == .inProgress else { throw .approvalAlreadyCompleted(actionName) }
        update(stageIndex, actionIndex, at: now) { action in
            action.status = approved ? .succeeded : .failed
            action.summary = summary
            action.lastUpdatedBy = actor
            action.deadline = nil
            if !approved {
                action.errorDetails = FailureDetails(type: .jobFailed, message: "Rejected\(summary.map { ": \($0)" } ?? "")")
            }
        }
        return advance(stageIndex, at: now, newID: newID)
    }

    /// The earliest moment an action of this execution times out, or its entry condition
    /// looks again at a deployment window.
    package var nextDeadline: Timestamp? {
        guard let index = currentStage else { return nil }
        let stage = execution.stages[index]
        let wake = stage.status == .inProgress ? stage.conditionWakeAt : nil
        return (stage.actions.compactMap { $0.status == .inProgress ? $0.deadline : nil } + [wake].compactMap { $0 }).min()
    }

    /// Fails every running action whose deadline has passed, as CodePipeline fails a timed-out
    /// action (E-52), and withdraws its job.
    package mutating func timeOut(at now: Timestamp, newID: () -> String) -> Step {
        guard let index = currentStage else { return Step() }
        if let wake = execution.stages[index].conditionWakeAt, wake <= now, execution.stages[index].status == .inProgress {
            execution.stages[index].conditionWakeAt = nil
            return evaluateEntry(index, at: now, newID: newID)
        }
        var effects: [EngineEffect] = []
        var timedOut = false
        for actionIndex in execution.stages[index].actions.indices {
            let action = execution.stages[index].actions[actionIndex]
            guard action.status == .inProgress, let deadline = action.deadline, deadline <= now else { continue }
            if let job = action.jobID { effects.append(.cancelJob(job)) }
            let message = action.token != nil
                ? "The approval request timed out without a response"
                : "The action did not finish within its timeout and was failed"
            update(index, actionIndex, at: now) { record in
                record.status = .failed
                record.errorDetails = FailureDetails(type: .jobFailed, message: message)
                record.summary = message
            }
            timedOut = true
        }
        guard timedOut else { return Step() }
        var step = advance(index, at: now, newID: newID)
        step.effects = effects + step.effects
        return step
    }

    // MARK: - Lookup

    private func locate(_ stageName: String, _ actionName: String) -> (Int, Int)? {
        guard let stageIndex = execution.stages.firstIndex(where: { $0.name == stageName }),
              let actionIndex = execution.stages[stageIndex].actions.firstIndex(where: { $0.name == actionName })
        else { return nil }
        return (stageIndex, actionIndex)
    }

    private func status(_ stageIndex: Int, _ actionName: String) -> ActionExecutionStatus? {
        // By index: `first(where:)` would copy the whole action record to read one field.
        let actions = execution.stages[stageIndex].actions
        guard let index = actions.firstIndex(where: { $0.name == actionName }) else { return nil }
        return actions[index].status
    }

    private mutating func update(_ stageIndex: Int, _ actionIndex: Int, at now: Timestamp, _ change: (inout ActionExecution) -> Void) {
        change(&execution.stages[stageIndex].actions[actionIndex])
        execution.stages[stageIndex].actions[actionIndex].lastUpdateTime = now
        execution.lastUpdateTime = now
    }
}
