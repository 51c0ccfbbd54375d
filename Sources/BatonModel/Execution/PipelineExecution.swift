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

    package init(
        id: ExecutionID,
        pipeline: PipelineDeclaration,
        version: Int,
        trigger: ExecutionTrigger,
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

    package init(name: String) {
        self.name = name
        outputArtifacts = []
        outputVariables = [:]
    }
}
