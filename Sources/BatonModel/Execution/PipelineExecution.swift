/// The record of one run of a pipeline: what GetPipelineExecution and GetPipelineState report.
package struct PipelineExecution: Sendable, Hashable, Codable {
    package var id: ExecutionID
    package var pipelineName: String
    package var pipelineVersion: Int
    package var status: PipelineExecutionStatus
    package var statusSummary: String?
    package var trigger: ExecutionTrigger
    package var startTime: Timestamp
    package var lastUpdateTime: Timestamp
    package var stages: [StageExecution]
    /// Every artifact produced so far, by name.
    package var artifacts: [String: ArtifactReference]
    /// Pipeline variables as resolved for this execution (defaults and overrides).
    package var variables: [String: String]
    package var executionType: String
    /// Index of the stage at whose entrance the execution waits (an inbound execution).
    package var waitingAt: Int?
    /// Arrival order at that entrance: QUEUED admits the lowest first.
    package var waitingOrder: Int64?
    /// The reason given to StopPipelineExecution.
    package var stopReason: String?
    /// The client request token that started it, so a repeated start returns it again.
    package var clientRequestToken: String?
    /// A stop with abandon was requested.
    package var abandonRequested: Bool
    /// A pipeline update is cancelling this execution once its running actions finish.
    package var cancelOnStop: Bool
    /// For a ROLLBACK execution: the execution whose artifacts and variables it re-runs.
    package var rollbackTarget: ExecutionID?
    /// Source action name → the revision it takes (from a trigger or `sourceRevisions`).
    package var sourceRevisions: [String: String]?

    package init(
        id: ExecutionID,
        pipeline: PipelineDeclaration,
        version: Int,
        trigger: ExecutionTrigger,
        variables: [String: String] = [:],
        at now: Timestamp
    ) {
        self.id = id
        pipelineName = pipeline.name
        pipelineVersion = version
        status = .inProgress
        self.trigger = trigger
        startTime = now
        lastUpdateTime = now
        stages = pipeline.stages.map { stage in
            StageExecution(name: stage.name, status: nil, actions: stage.actions.map { ActionExecution(name: $0.name) })
        }
        artifacts = [:]
        self.variables = variables
        executionType = "STANDARD"
        abandonRequested = false
        cancelOnStop = false
    }

    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(ExecutionID.self, forKey: .id)
        pipelineName = try container.decode(String.self, forKey: .pipelineName)
        pipelineVersion = try container.decode(Int.self, forKey: .pipelineVersion)
        status = try container.decode(PipelineExecutionStatus.self, forKey: .status)
        statusSummary = try container.decodeIfPresent(String.self, forKey: .statusSummary)
        trigger = try container.decode(ExecutionTrigger.self, forKey: .trigger)
        startTime = try container.decode(Timestamp.self, forKey: .startTime)
        lastUpdateTime = try container.decode(Timestamp.self, forKey: .lastUpdateTime)
        stages = try container.decode([StageExecution].self, forKey: .stages)
        artifacts = try container.decode([String: ArtifactReference].self, forKey: .artifacts)
        // Records written before pipeline variables existed have none.
        variables = try container.decodeIfPresent([String: String].self, forKey: .variables) ?? [:]
        executionType = try container.decodeIfPresent(String.self, forKey: .executionType) ?? "STANDARD"
        waitingAt = try container.decodeIfPresent(Int.self, forKey: .waitingAt)
        waitingOrder = try container.decodeIfPresent(Int64.self, forKey: .waitingOrder)
        stopReason = try container.decodeIfPresent(String.self, forKey: .stopReason)
        clientRequestToken = try container.decodeIfPresent(String.self, forKey: .clientRequestToken)
        abandonRequested = try container.decodeIfPresent(Bool.self, forKey: .abandonRequested) ?? false
        cancelOnStop = try container.decodeIfPresent(Bool.self, forKey: .cancelOnStop) ?? false
        rollbackTarget = try container.decodeIfPresent(ExecutionID.self, forKey: .rollbackTarget)
        sourceRevisions = try container.decodeIfPresent([String: String].self, forKey: .sourceRevisions)
    }

    /// What `#{…}` references resolve against now: pipeline variables, execution facts, and the
    /// output variables of every succeeded action that declared a namespace.
    package func variableContext(declaration: PipelineDeclaration) -> VariableContext {
        var namespaces: [String: [String: String]] = [:]
        for (stageIndex, stage) in declaration.stages.enumerated() where stageIndex < stages.count {
            for action in stage.actions {
                guard let namespace = action.namespace,
                      let record = stages[stageIndex].actions.first(where: { $0.name == action.name }),
                      record.status == .succeeded
                else { continue }
                namespaces[namespace] = record.outputVariables
            }
        }
        return VariableContext(
            executionID: id, pipelineName: pipelineName, pipelineVersion: pipelineVersion, executionType: executionType,
            pipelineVariables: variables, namespaces: namespaces)
    }
}

package struct ExecutionTrigger: Sendable, Hashable, Codable {
    package var triggerType: String
    package var triggerDetail: String?

    package init(triggerType: String, triggerDetail: String? = nil) {
        self.triggerType = triggerType
        self.triggerDetail = triggerDetail
    }

    package static let startPipelineExecution = ExecutionTrigger(triggerType: "StartPipelineExecution")
}

package struct StageExecution: Sendable, Hashable, Codable {
    package var name: String
    /// Nil until the execution enters the stage.
    package var status: StageExecutionStatus?
    package var actions: [ActionExecution]
    package var manualRetryAttempts: Int?
    package var autoRetryAttempts: Int?
    /// The latest evaluation of each condition hook (`beforeEntry`, `onSuccess`, `onFailure`).
    package var conditions: [String: ConditionRecord]?
    /// Rules that run as jobs on workers (Commands rules), by `hook/ruleName`.
    package var ruleJobs: [String: RuleJob]?
    /// When an entry condition waiting for a deployment window looks again.
    package var conditionWakeAt: Timestamp?
    /// Runs of this stage's actions that a retry replaced, oldest first: ListActionExecutions
    /// shows them beside the latest, as CodePipeline does.
    package var earlierRuns: [ActionExecution]?
}

/// A condition rule running as a job: its job and, once reported, how it ended.
package struct RuleJob: Sendable, Hashable, Codable {
    package var jobID: JobID
    package var outcome: String?
    package var message: String?

    package init(jobID: JobID) {
        self.jobID = jobID
    }
}

package struct ConditionRecord: Sendable, Hashable, Codable {
    /// CodePipeline's condition statuses: Succeeded, Failed, Errored.
    package var status: String
    package var summary: String?
    package var lastStatusChange: Timestamp

    package init(status: String, summary: String?, lastStatusChange: Timestamp) {
        self.status = status
        self.summary = summary
        self.lastStatusChange = lastStatusChange
    }
}

package struct ActionExecution: Sendable, Hashable, Codable {
    package var name: String
    package var actionExecutionId: ActionExecutionID?
    package var status: ActionExecutionStatus?
    package var jobID: JobID?
    package var summary: String?
    package var errorDetails: FailureDetails?
    package var externalExecutionId: String?
    package var outputArtifacts: [ArtifactReference]
    package var outputVariables: [String: String]
    package var startTime: Timestamp?
    package var lastUpdateTime: Timestamp?
    /// Manual approvals: the token PutApprovalResult must present.
    package var token: String?
    /// When the action times out if it has not ended.
    package var deadline: Timestamp?
    /// Who approved or rejected a manual approval.
    package var lastUpdatedBy: String?
    /// What the worker last reported with PROGRESS (CodePipeline's `percentComplete`).
    package var percentComplete: Int?
    /// The job's whole log, as the worker uploaded it at the end.
    package var logArtifact: ArtifactReference?

    package init(name: String) {
        self.name = name
        outputArtifacts = []
        outputVariables = [:]
    }
}
