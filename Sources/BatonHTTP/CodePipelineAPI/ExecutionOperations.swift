import BatonAPI
import BatonEngine
import BatonModel
import BatonStore

extension CodePipelineAPI {
    func startPipelineExecution(_ input: StartPipelineExecutionInput) async throws -> StartPipelineExecutionOutput {
        var overrides: [String: String] = [:]
        for variable in input.variables ?? [] {
            guard overrides.updateValue(variable.value, forKey: variable.name) == nil else {
                throw APIError.validation("Variable \(variable.name) is given more than once")
            }
        }
        if let token = input.clientRequestToken,
           token.isEmpty || token.count > 128 || !token.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) {
            throw APIError.validation("1 validation error detected: Value '\(token)' at 'clientRequestToken' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9-]+$")
        }
        var revisions: [String: String] = [:]
        for revision in input.sourceRevisions ?? [] {
            guard ["COMMIT_ID", "IMAGE_DIGEST", "S3_OBJECT_VERSION_ID", "S3_OBJECT_KEY"].contains(revision.revisionType) else {
                throw APIError.validation("sourceRevisions: revisionType \(revision.revisionType) is not COMMIT_ID, IMAGE_DIGEST, S3_OBJECT_VERSION_ID or S3_OBJECT_KEY")
            }
            guard (1...1500).contains(revision.revisionValue.count) else {
                throw APIError.validation("sourceRevisions: revisionValue for \(revision.actionName) must be 1–1500 characters")
            }
            guard revisions.updateValue(revision.revisionValue, forKey: revision.actionName) == nil else {
                throw APIError.validation("sourceRevisions names action \(revision.actionName) more than once")
            }
        }
        let id = try await engine.startExecution(
            of: input.name, trigger: .startPipelineExecution, variables: overrides, clientRequestToken: input.clientRequestToken,
            sourceRevisions: revisions)
        return StartPipelineExecutionOutput(pipelineExecutionId: id.rawValue)
    }

    func getPipelineExecution(_ input: GetPipelineExecutionInput) async throws -> GetPipelineExecutionOutput {
        let record = try await engine.pipeline(named: input.pipelineName)
        let execution = try await engine.execution(ExecutionID(rawValue: input.pipelineExecutionId), of: input.pipelineName)
        return GetPipelineExecutionOutput(
            pipelineExecution: PipelineExecutionShape(execution, mode: record.declaration.executionMode ?? .superseded))
    }

    func listPipelineExecutions(_ input: ListPipelineExecutionsInput) async throws -> ListPipelineExecutionsOutput {
        let page = try Page(input.nextToken, maxResults: input.maxResults, limit: 100)
        let record = try await engine.pipeline(named: input.pipelineName)
        var executions = try await engine.executions(of: input.pipelineName)
        if let stage = input.filter?.succeededInStage?.stageName {
            // Rollback candidates: executions of the current version that succeeded in the stage.
            executions = executions.filter { execution in
                execution.pipelineVersion == record.version && execution.stages.contains { $0.name == stage && $0.status == .succeeded }
            }
        }
        let (items, next) = page.slice(executions)
        let mode = record.declaration.executionMode ?? .superseded
        return ListPipelineExecutionsOutput(
            pipelineExecutionSummaries: items.map { PipelineExecutionSummary($0, mode: mode) }, nextToken: next)
    }

    func overrideStageCondition(_ input: OverrideStageConditionInput) async throws -> EmptyOutput {
        guard let type = PipelineStateMachine.ConditionType(rawValue: input.conditionType) else {
            throw APIError.validation("1 validation error detected: Value '\(input.conditionType)' at 'conditionType' failed to satisfy constraint: Member must satisfy enum value set: [BEFORE_ENTRY, ON_SUCCESS]")
        }
        try await engine.overrideStageCondition(type, stage: input.stageName, of: ExecutionID(rawValue: input.pipelineExecutionId), in: input.pipelineName)
        return EmptyOutput()
    }

    func rollbackStage(_ input: RollbackStageInput) async throws -> PipelineExecutionIDOutput {
        let id = try await engine.rollbackStage(input.stageName, of: input.pipelineName, to: ExecutionID(rawValue: input.targetPipelineExecutionId))
        return PipelineExecutionIDOutput(pipelineExecutionId: id.rawValue)
    }

    func putApprovalResult(_ input: PutApprovalResultInput) async throws -> PutApprovalResultOutput {
        guard ["Approved", "Rejected"].contains(input.result.status) else {
            throw APIError.validation("1 validation error detected: Value '\(input.result.status)' at 'result.status' failed to satisfy constraint: Member must satisfy enum value set: [Approved, Rejected]")
        }
        guard input.result.summary.count <= 512 else {
            throw APIError.validation("1 validation error detected: Value at 'result.summary' failed to satisfy constraint: Member must have length less than or equal to 512")
        }
        let at = try await engine.putApprovalResult(
            pipeline: input.pipelineName, stage: input.stageName, action: input.actionName, token: input.token,
            approved: input.result.status == "Approved", summary: input.result.summary.isEmpty ? nil : input.result.summary, by: nil)
        return PutApprovalResultOutput(approvedAt: at)
    }

    func stopPipelineExecution(_ input: StopPipelineExecutionInput) async throws -> PipelineExecutionIDOutput {
        if let reason = input.reason, reason.count > 200 {
            throw APIError.validation("1 validation error detected: Value at 'reason' failed to satisfy constraint: Member must have length less than or equal to 200")
        }
        let id = ExecutionID(rawValue: input.pipelineExecutionId)
        try await engine.stopExecution(id, of: input.pipelineName, abandon: input.abandon ?? false, reason: input.reason)
        return PipelineExecutionIDOutput(pipelineExecutionId: id.rawValue)
    }

    func retryStageExecution(_ input: RetryStageExecutionInput) async throws -> PipelineExecutionIDOutput {
        guard let mode = ExecutionStateMachine.RetryMode(rawValue: input.retryMode) else {
            throw APIError.validation("1 validation error detected: Value '\(input.retryMode)' at 'retryMode' failed to satisfy constraint: Member must satisfy enum value set: [FAILED_ACTIONS, ALL_ACTIONS]")
        }
        let id = ExecutionID(rawValue: input.pipelineExecutionId)
        try await engine.retryStage(input.stageName, of: id, in: input.pipelineName, mode: mode)
        return PipelineExecutionIDOutput(pipelineExecutionId: id.rawValue)
    }

    func setStageTransition(_ input: StageTransitionInput, enabled: Bool) async throws -> EmptyOutput {
        guard let type = PipelineStateMachine.TransitionType(rawValue: input.transitionType) else {
            throw APIError.validation("1 validation error detected: Value '\(input.transitionType)' at 'transitionType' failed to satisfy constraint: Member must satisfy enum value set: [Inbound, Outbound]")
        }
        if !enabled {
            let reason = input.reason ?? ""
            let allowed = reason.unicodeScalars.allSatisfy { $0.properties.isAlphabetic && $0.isASCII || ("0"..."9").contains($0) || "!@ ().*?-".unicodeScalars.contains($0) }
            if reason.isEmpty || reason.count > 300 || !allowed {
                throw APIError.validation("1 validation error detected: Value '\(reason)' at 'reason' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9!@ \\(\\)\\.\\*\\?\\-]+ and have length between 1 and 300")
            }
        }
        try await engine.setTransition(of: input.pipelineName, stage: input.stageName, type: type, enabled: enabled, reason: input.reason)
        return EmptyOutput()
    }

    /// Each stage shows the newest execution that has entered it, with that execution's actions,
    /// its inbound executions and its inbound transition.
    func getPipelineState(_ input: GetPipelineStateInput) async throws -> GetPipelineStateOutput {
        let record = try await engine.pipeline(named: input.name)
        if record.declaration.executionMode == .parallel {
            // PARALLEL executions share no pipeline state; each is inspected by its id (E-37, E-38).
            return GetPipelineStateOutput(
                pipelineName: record.name, pipelineVersion: record.version,
                stageStates: record.declaration.stages.map { StageState(stageName: $0.name, actionStates: [], latestExecution: nil) },
                created: record.created, updated: record.updated)
        }
        let executions = try await engine.executions(of: input.name)
        let runtime = try await engine.runtime(of: input.name)
        let stageStates = record.declaration.stages.map { stage -> StageState in
            // The execution that entered the stage last, by the engine's record; else the newest that did.
            let entered = runtime.state.lastEntered[stage.name]
            let candidates = executions.filter { $0.id == entered } + executions.filter { $0.id != entered }
            let latest = candidates.lazy.compactMap { execution -> (PipelineExecution, StageExecution, StageExecutionStatus)? in
                guard let stageExecution = execution.stages.first(where: { $0.name == stage.name }),
                      let status = stageExecution.status else { return nil }
                return (execution, stageExecution, status)
            }.first
            let actionStates = stage.actions.map { action -> ActionState in
                let executed = latest?.1.actions.first { $0.name == action.name }
                let state = executed.flatMap { action in action.status.map { ActionExecutionState(action, status: $0) } }
                return ActionState(actionName: action.name, latestExecution: state)
            }
            let transition = runtime.state.inbound[stage.name]
            return StageState(
                stageName: stage.name,
                actionStates: actionStates,
                latestExecution: latest.map { StageExecutionShape(pipelineExecutionId: $0.0.id.rawValue, status: $0.2) },
                inboundExecutions: (runtime.inbound[stage.name] ?? []).map { StageExecutionShape(pipelineExecutionId: $0.rawValue, status: .inProgress) },
                transition: TransitionState(
                    enabled: transition?.enabled ?? true, lastChangedBy: transition?.lastChangedBy,
                    lastChangedAt: transition?.lastChangedAt, disabledReason: transition?.disabledReason),
                conditions: latest?.1.conditions)
        }
        return GetPipelineStateOutput(
            pipelineName: record.name, pipelineVersion: record.version, stageStates: stageStates,
            created: record.created, updated: record.updated)
    }
}
