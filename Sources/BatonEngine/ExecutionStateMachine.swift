import BatonModel
import BatonStore

/// The pure rules of one pipeline execution: which stage and which `runOrder` group runs next, how
/// artifacts flow, and when the execution is done. No I/O: time and new identifiers are
/// parameters, and every step returns the effects for the shell to carry out.
package struct ExecutionStateMachine: Sendable {
    package private(set) var execution: PipelineExecution
    package let declaration: PipelineDeclaration
    /// Jobs created by the last step, to be committed with the execution.
    package private(set) var createdJobs: [JobRecord] = []

    package init(execution: PipelineExecution, declaration: PipelineDeclaration) {
        self.execution = execution
        self.declaration = declaration
    }

    /// Enters the first stage.
    package mutating func start(at now: Timestamp, newID: () -> String) -> [EngineEffect] {
        createdJobs = []
        return enterStage(0, at: now, newID: newID)
    }

    package mutating func actionSucceeded(
        stage stageName: String, action actionName: String, outputs: ActionOutputs, at now: Timestamp, newID: () -> String
    ) -> [EngineEffect] {
        createdJobs = []
        guard let (stageIndex, actionIndex) = locate(stageName, actionName),
              execution.stages[stageIndex].actions[actionIndex].status == .inProgress
        else { return [] }
        update(stageIndex, actionIndex, at: now) { action in
            action.status = .succeeded
            action.summary = outputs.summary
            action.externalExecutionId = outputs.externalExecutionId
            action.outputArtifacts = outputs.artifacts
            action.outputVariables = outputs.variables
        }
        for artifact in outputs.artifacts { execution.artifacts[artifact.name] = artifact }
        return advance(stageIndex, at: now, newID: newID)
    }

    package mutating func actionFailed(
        stage stageName: String, action actionName: String, failure: FailureDetails, at now: Timestamp, newID: () -> String
    ) -> [EngineEffect] {
        createdJobs = []
        guard let (stageIndex, actionIndex) = locate(stageName, actionName),
              execution.stages[stageIndex].actions[actionIndex].status == .inProgress
        else { return [] }
        update(stageIndex, actionIndex, at: now) { action in
            action.status = .failed
            action.errorDetails = failure
            action.summary = failure.message
            action.externalExecutionId = failure.externalExecutionId
        }
        return advance(stageIndex, at: now, newID: newID)
    }

    // MARK: - Steps

    /// After an action finished: wait for the rest of its group, then run the next group, the next
    /// stage, or finish.
    private mutating func advance(_ stageIndex: Int, at now: Timestamp, newID: () -> String) -> [EngineEffect] {
        let stage = execution.stages[stageIndex]
        if stage.actions.contains(where: { $0.status == .inProgress }) { return [] }
        if let failed = stage.actions.first(where: { $0.status == .failed }) {
            execution.stages[stageIndex].status = .failed
            return finish(.failed, summary: "Action \(failed.name) in stage \(stage.name) failed: \(failed.errorDetails?.message ?? "no details")", at: now)
        }
        let groups = declaration.stages[stageIndex].runOrderGroups
        if let next = groups.first(where: { group in group.contains { action in status(stageIndex, action.name) == nil } }) {
            return startGroup(next, inStage: stageIndex, at: now, newID: newID)
        }
        execution.stages[stageIndex].status = .succeeded
        if stageIndex + 1 < declaration.stages.count {
            return enterStage(stageIndex + 1, at: now, newID: newID)
        }
        return finish(.succeeded, summary: nil, at: now)
    }

    private mutating func enterStage(_ stageIndex: Int, at now: Timestamp, newID: () -> String) -> [EngineEffect] {
        execution.stages[stageIndex].status = .inProgress
        execution.lastUpdateTime = now
        guard let first = declaration.stages[stageIndex].runOrderGroups.first else {
            return advance(stageIndex, at: now, newID: newID)
        }
        return startGroup(first, inStage: stageIndex, at: now, newID: newID)
    }

    /// Starts every action of a `runOrder` group. Variables are resolved now, as each action
    /// starts; an action whose references cannot be resolved fails without a job.
    private mutating func startGroup(_ group: [ActionDeclaration], inStage stageIndex: Int, at now: Timestamp, newID: () -> String) -> [EngineEffect] {
        let stageName = declaration.stages[stageIndex].name
        let context = execution.variableContext(declaration: declaration)
        var effects: [EngineEffect] = []
        for action in group {
            guard let actionIndex = execution.stages[stageIndex].actions.firstIndex(where: { $0.name == action.name }) else { continue }
            let actionExecutionID = ActionExecutionID(rawValue: newID())
            let resolution = action.resolved(in: context)
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
                }
            }
            guard case .resolved(let resolved) = resolution else { continue }
            let jobID = JobID(rawValue: newID())
            execution.stages[stageIndex].actions[actionIndex].jobID = jobID
            let data = JobData(
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
            let job = JobRecord(
                id: jobID, executionID: execution.id, stageName: stageName, actionName: action.name,
                status: .queued, attempt: 1, data: data)
            createdJobs.append(job)
            effects.append(.dispatch(job))
        }
        if effects.isEmpty {
            // Every action of the group failed to start: the stage is decided now.
            return advance(stageIndex, at: now, newID: newID)
        }
        return effects
    }

    private mutating func finish(_ status: PipelineExecutionStatus, summary: String?, at now: Timestamp) -> [EngineEffect] {
        execution.status = status
        execution.statusSummary = summary
        execution.lastUpdateTime = now
        return [.executionFinished(execution.id, status)]
    }

    // MARK: - Lookup

    private func locate(_ stageName: String, _ actionName: String) -> (Int, Int)? {
        guard let stageIndex = execution.stages.firstIndex(where: { $0.name == stageName }),
              let actionIndex = execution.stages[stageIndex].actions.firstIndex(where: { $0.name == actionName })
        else { return nil }
        return (stageIndex, actionIndex)
    }

    private func status(_ stageIndex: Int, _ actionName: String) -> ActionExecutionStatus? {
        execution.stages[stageIndex].actions.first { $0.name == actionName }?.status
    }

    private mutating func update(_ stageIndex: Int, _ actionIndex: Int, at now: Timestamp, _ change: (inout ActionExecution) -> Void) {
        change(&execution.stages[stageIndex].actions[actionIndex])
        execution.stages[stageIndex].actions[actionIndex].lastUpdateTime = now
        execution.lastUpdateTime = now
    }
}
