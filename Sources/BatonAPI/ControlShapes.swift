/// StopPipelineExecution, RetryStageExecution and Enable/DisableStageTransition.
package struct StopPipelineExecutionInput: Sendable, Codable {
    package var pipelineName: String
    package var pipelineExecutionId: String
    package var abandon: Bool?
    package var reason: String?

    package init(pipelineName: String, pipelineExecutionId: String, abandon: Bool? = nil, reason: String? = nil) {
        self.pipelineName = pipelineName
        self.pipelineExecutionId = pipelineExecutionId
        self.abandon = abandon
        self.reason = reason
    }
}

package struct PipelineExecutionIDOutput: Sendable, Codable {
    package var pipelineExecutionId: String
    package init(pipelineExecutionId: String) { self.pipelineExecutionId = pipelineExecutionId }
}

package struct RetryStageExecutionInput: Sendable, Codable {
    package var pipelineName: String
    package var stageName: String
    package var pipelineExecutionId: String
    package var retryMode: String

    package init(pipelineName: String, stageName: String, pipelineExecutionId: String, retryMode: String) {
        self.pipelineName = pipelineName
        self.stageName = stageName
        self.pipelineExecutionId = pipelineExecutionId
        self.retryMode = retryMode
    }
}

package struct StageTransitionInput: Sendable, Codable {
    package var pipelineName: String
    package var stageName: String
    package var transitionType: String
    package var reason: String?

    package init(pipelineName: String, stageName: String, transitionType: String, reason: String? = nil) {
        self.pipelineName = pipelineName
        self.stageName = stageName
        self.transitionType = transitionType
        self.reason = reason
    }
}
