import BatonModel

package struct PipelineVariable: Sendable, Codable {
    package var name: String
    package var value: String

    package init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

package struct ResolvedPipelineVariable: Sendable, Codable {
    package var name: String
    package var resolvedValue: String
}

package struct StartPipelineExecutionInput: Sendable, Codable {
    package var name: String
    package var variables: [PipelineVariable]?
    package var clientRequestToken: String?
    package var sourceRevisions: [SourceRevisionOverride]?

    package init(name: String, variables: [PipelineVariable]? = nil, clientRequestToken: String? = nil, sourceRevisions: [SourceRevisionOverride]? = nil) {
        self.name = name
        self.variables = variables
        self.clientRequestToken = clientRequestToken
        self.sourceRevisions = sourceRevisions
    }
}

package struct SourceRevisionOverride: Sendable, Codable, Hashable {
    package var actionName: String
    /// COMMIT_ID (Baton's git sources use it), IMAGE_DIGEST, S3_OBJECT_VERSION_ID or S3_OBJECT_KEY.
    package var revisionType: String
    package var revisionValue: String

    package init(actionName: String, revisionType: String = "COMMIT_ID", revisionValue: String) {
        self.actionName = actionName
        self.revisionType = revisionType
        self.revisionValue = revisionValue
    }
}

package struct StartPipelineExecutionOutput: Sendable, Codable {
    package var pipelineExecutionId: String
    package init(pipelineExecutionId: String) { self.pipelineExecutionId = pipelineExecutionId }
}

package struct GetPipelineExecutionInput: Sendable, Codable {
    package var pipelineName: String
    package var pipelineExecutionId: String

    package init(pipelineName: String, pipelineExecutionId: String) {
        self.pipelineName = pipelineName
        self.pipelineExecutionId = pipelineExecutionId
    }
}

package struct ArtifactRevision: Sendable, Codable {
    package var name: String
    package var revisionId: String?

    package init(name: String, revisionId: String?) {
        self.name = name
        self.revisionId = revisionId
    }
}

package struct PipelineExecutionShape: Sendable, Codable {
    package var pipelineName: String
    package var pipelineVersion: Int
    package var pipelineExecutionId: String
    package var status: PipelineExecutionStatus
    package var statusSummary: String?
    package var artifactRevisions: [ArtifactRevision]
    package var variables: [ResolvedPipelineVariable]?
    package var trigger: ExecutionTrigger
    package var executionMode: ExecutionMode
    package var executionType: String
    package var rollbackMetadata: PipelineRollbackMetadata?

    package init(_ execution: PipelineExecution, mode: ExecutionMode) {
        rollbackMetadata = execution.rollbackTarget.map { PipelineRollbackMetadata(rollbackTargetPipelineExecutionId: $0.rawValue) }
        variables = execution.variables.isEmpty ? nil
            : execution.variables.sorted { $0.key < $1.key }.map { ResolvedPipelineVariable(name: $0.key, resolvedValue: $0.value) }
        pipelineName = execution.pipelineName
        pipelineVersion = execution.pipelineVersion
        pipelineExecutionId = execution.id.rawValue
        status = execution.status
        statusSummary = execution.statusSummary
        artifactRevisions = execution.artifacts.values.sorted { $0.name < $1.name }
            .map { ArtifactRevision(name: $0.name, revisionId: $0.revision ?? $0.digest.hex) }
        trigger = execution.trigger
        executionMode = mode
        executionType = execution.executionType
    }
}

package struct GetPipelineExecutionOutput: Sendable, Codable {
    package var pipelineExecution: PipelineExecutionShape
    package init(pipelineExecution: PipelineExecutionShape) { self.pipelineExecution = pipelineExecution }
}

package struct ListPipelineExecutionsInput: Sendable, Codable {
    package struct Filter: Sendable, Codable {
        package struct SucceededInStage: Sendable, Codable {
            package var stageName: String
        }

        package var succeededInStage: SucceededInStage?
    }

    package var pipelineName: String
    package var maxResults: Int?
    package var filter: Filter?
    package var nextToken: String?

    package init(pipelineName: String, maxResults: Int? = nil, succeededInStage: String? = nil, nextToken: String? = nil) {
        self.pipelineName = pipelineName
        self.maxResults = maxResults
        filter = succeededInStage.map { Filter(succeededInStage: .init(stageName: $0)) }
        self.nextToken = nextToken
    }
}

package struct StopExecutionTrigger: Sendable, Codable {
    package var reason: String?
}

package struct PipelineExecutionSummary: Sendable, Codable {
    package var pipelineExecutionId: String
    package var status: PipelineExecutionStatus
    package var statusSummary: String?
    package var startTime: Timestamp
    package var lastUpdateTime: Timestamp
    package var trigger: ExecutionTrigger
    package var stopTrigger: StopExecutionTrigger?
    package var rollbackMetadata: PipelineRollbackMetadata?
    package var executionMode: ExecutionMode
    package var executionType: String

    package init(_ execution: PipelineExecution, mode: ExecutionMode) {
        pipelineExecutionId = execution.id.rawValue
        status = execution.status
        statusSummary = execution.statusSummary
        startTime = execution.startTime
        lastUpdateTime = execution.lastUpdateTime
        trigger = execution.trigger
        stopTrigger = execution.stopReason.map { StopExecutionTrigger(reason: $0) }
        executionMode = mode
        executionType = execution.executionType
        rollbackMetadata = execution.rollbackTarget.map { PipelineRollbackMetadata(rollbackTargetPipelineExecutionId: $0.rawValue) }
    }
}

package struct ListPipelineExecutionsOutput: Sendable, Codable {
    package var pipelineExecutionSummaries: [PipelineExecutionSummary]
    package var nextToken: String?

    package init(pipelineExecutionSummaries: [PipelineExecutionSummary], nextToken: String? = nil) {
        self.pipelineExecutionSummaries = pipelineExecutionSummaries
        self.nextToken = nextToken
    }
}

package struct GetPipelineStateInput: Sendable, Codable {
    package var name: String
    package init(name: String) { self.name = name }
}

package struct ErrorDetails: Sendable, Codable {
    package var code: String
    package var message: String
}

package struct ActionExecutionState: Sendable, Codable {
    package var actionExecutionId: String?
    package var status: ActionExecutionStatus
    package var summary: String?
    package var lastStatusChange: Timestamp?
    package var externalExecutionId: String?
    package var errorDetails: ErrorDetails?
    package var token: String?
    package var lastUpdatedBy: String?
    package var percentComplete: Int?

    package init(_ action: ActionExecution, status: ActionExecutionStatus) {
        percentComplete = status == .inProgress ? action.percentComplete : nil
        token = status == .inProgress ? action.token : nil
        lastUpdatedBy = action.lastUpdatedBy
        actionExecutionId = action.actionExecutionId?.rawValue
        self.status = status
        summary = action.summary
        lastStatusChange = action.lastUpdateTime
        externalExecutionId = action.externalExecutionId
        errorDetails = action.errorDetails.map { ErrorDetails(code: $0.type.rawValue, message: $0.message) }
    }
}

package struct ActionState: Sendable, Codable {
    package var actionName: String
    package var latestExecution: ActionExecutionState?

    package init(actionName: String, latestExecution: ActionExecutionState?) {
        self.actionName = actionName
        self.latestExecution = latestExecution
    }
}

package struct StageExecutionShape: Sendable, Codable {
    package var pipelineExecutionId: String
    package var status: StageExecutionStatus
    package var type: String?

    package init(pipelineExecutionId: String, status: StageExecutionStatus) {
        self.pipelineExecutionId = pipelineExecutionId
        self.status = status
        type = "STANDARD"
    }
}

package struct TransitionState: Sendable, Codable {
    package var enabled: Bool
    package var lastChangedBy: String?
    package var lastChangedAt: Timestamp?
    package var disabledReason: String?

    package init(enabled: Bool, lastChangedBy: String? = nil, lastChangedAt: Timestamp? = nil, disabledReason: String? = nil) {
        self.enabled = enabled
        self.lastChangedBy = lastChangedBy
        self.lastChangedAt = lastChangedAt
        self.disabledReason = disabledReason
    }
}

package struct ConditionExecutionShape: Sendable, Codable {
    package var status: String
    package var summary: String?
    package var lastStatusChange: Timestamp?
}

package struct StageConditionStateShape: Sendable, Codable {
    package var latestExecution: ConditionExecutionShape?

    package init(_ record: ConditionRecord?) {
        latestExecution = record.map { ConditionExecutionShape(status: $0.status, summary: $0.summary, lastStatusChange: $0.lastStatusChange) }
    }
}

package struct StageState: Sendable, Codable {
    package var stageName: String
    package var beforeEntryConditionState: StageConditionStateShape?
    package var onSuccessConditionState: StageConditionStateShape?
    package var onFailureConditionState: StageConditionStateShape?
    package var inboundExecution: StageExecutionShape?
    package var inboundExecutions: [StageExecutionShape]
    package var inboundTransitionState: TransitionState?
    package var actionStates: [ActionState]
    package var latestExecution: StageExecutionShape?

    package init(
        stageName: String, actionStates: [ActionState], latestExecution: StageExecutionShape?,
        inboundExecutions: [StageExecutionShape] = [], transition: TransitionState = TransitionState(enabled: true),
        conditions: [String: ConditionRecord]? = nil
    ) {
        self.stageName = stageName
        beforeEntryConditionState = conditions?["beforeEntry"].map { StageConditionStateShape($0) }
        onSuccessConditionState = conditions?["onSuccess"].map { StageConditionStateShape($0) }
        onFailureConditionState = conditions?["onFailure"].map { StageConditionStateShape($0) }
        inboundExecution = inboundExecutions.first
        self.inboundExecutions = inboundExecutions
        inboundTransitionState = transition
        self.actionStates = actionStates
        self.latestExecution = latestExecution
    }
}

package struct GetPipelineStateOutput: Sendable, Codable {
    package var pipelineName: String
    package var pipelineVersion: Int
    package var stageStates: [StageState]
    package var created: Timestamp
    package var updated: Timestamp

    package init(pipelineName: String, pipelineVersion: Int, stageStates: [StageState], created: Timestamp, updated: Timestamp) {
        self.pipelineName = pipelineName
        self.pipelineVersion = pipelineVersion
        self.stageStates = stageStates
        self.created = created
        self.updated = updated
    }
}
