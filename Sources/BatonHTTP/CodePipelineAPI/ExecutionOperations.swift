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

    /// Paged by position (see `pageOfExecutionItems`): only the page is read, and executions
    /// started while a client pages through do not repeat or skip an entry.
    func listPipelineExecutions(_ input: ListPipelineExecutionsInput) async throws -> ListPipelineExecutionsOutput {
        // The request's own faults (page size, token) come before the lookup of its pipeline.
        _ = try Page.size(maxResults: input.maxResults, limit: 100)
        _ = try ExecutionItemPosition(token: input.nextToken, kind: "e")
        let record = try await engine.pipeline(named: input.pipelineName)
        // Rollback candidates: executions of the current version that succeeded in the stage.
        let stage = input.filter?.succeededInStage?.stageName
        let page = try await pageOfExecutionItems(
            pipeline: input.pipelineName, executionID: nil, token: input.nextToken, maxResults: input.maxResults, kind: "e"
        ) { (execution: PipelineExecution) async -> [PipelineExecution] in
            guard let stage else { return [execution] }
            let candidate = execution.pipelineVersion == record.version && execution.stages.contains { $0.name == stage && $0.status == .succeeded }
            return candidate ? [execution] : []
        }
        let mode = record.declaration.executionMode ?? .superseded
        return ListPipelineExecutionsOutput(
            pipelineExecutionSummaries: page.items.map { PipelineExecutionSummary($0, mode: mode) }, nextToken: page.nextToken)
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
        let runtime = try await engine.runtime(of: input.name)
        let latestByStage = try await latestStageExecutions(of: record, lastEntered: runtime.state.lastEntered)
        let stageStates = record.declaration.stages.map { stage -> StageState in
            let latest = latestByStage[stage.name]
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

    /// For each stage, the execution that entered it last by the engine's record, else the newest
    /// that did, with its run of the stage. The recorded ones are read by id; only a stage the
    /// record does not settle sends a search back through the executions, a page at a time, so
    /// the cost does not grow with the pipeline's history.
    private func latestStageExecutions(
        of record: PipelineRecord, lastEntered: [String: ExecutionID]
    ) async throws -> [String: (PipelineExecution, StageExecution, StageExecutionStatus)] {
        func run(of stage: String, in execution: PipelineExecution) -> (PipelineExecution, StageExecution, StageExecutionStatus)? {
            guard let stageExecution = execution.stages.first(where: { $0.name == stage }), let status = stageExecution.status else { return nil }
            return (execution, stageExecution, status)
        }
        var latest: [String: (PipelineExecution, StageExecution, StageExecutionStatus)] = [:]
        var recorded: [ExecutionID: PipelineExecution] = [:]
        for stage in record.declaration.stages {
            guard let id = lastEntered[stage.name] else { continue }
            if recorded[id] == nil { recorded[id] = try? await engine.execution(id, of: record.name) }
            if let execution = recorded[id] { latest[stage.name] = run(of: stage.name, in: execution) }
        }
        var unsettled = record.declaration.stages.map(\.name).filter { latest[$0] == nil }
        var cursor: ExecutionCursor?
        let pageSize = 50
        while !unsettled.isEmpty {
            let page = try await engine.executions(of: record.name, after: cursor, limit: pageSize)
            for (execution, _) in page {
                for stage in unsettled where latest[stage] == nil { latest[stage] = run(of: stage, in: execution) }
            }
            unsettled.removeAll { latest[$0] != nil }
            guard page.count == pageSize, let last = page.last else { break }
            cursor = last.cursor
        }
        return latest
    }
}
