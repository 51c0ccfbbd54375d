import BatonModel

/// StopPipelineExecution, RetryStageExecution, Enable/DisableStageTransition and PutApprovalResult.
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

package struct ApprovalResult: Sendable, Codable {
    package var summary: String
    package var status: String

    package init(summary: String, status: String) {
        self.summary = summary
        self.status = status
    }
}

package struct PutApprovalResultInput: Sendable, Codable {
    package var pipelineName: String
    package var stageName: String
    package var actionName: String
    package var result: ApprovalResult
    package var token: String

    package init(pipelineName: String, stageName: String, actionName: String, result: ApprovalResult, token: String) {
        self.pipelineName = pipelineName
        self.stageName = stageName
        self.actionName = actionName
        self.result = result
        self.token = token
    }
}

package struct PutApprovalResultOutput: Sendable, Codable {
    package var approvedAt: Timestamp?
    package init(approvedAt: Timestamp?) { self.approvedAt = approvedAt }
}

package struct RollbackStageInput: Sendable, Codable {
    package var pipelineName: String
    package var stageName: String
    package var targetPipelineExecutionId: String

    package init(pipelineName: String, stageName: String, targetPipelineExecutionId: String) {
        self.pipelineName = pipelineName
        self.stageName = stageName
        self.targetPipelineExecutionId = targetPipelineExecutionId
    }
}

package struct PipelineRollbackMetadata: Sendable, Codable {
    package var rollbackTargetPipelineExecutionId: String?
}

package struct OverrideStageConditionInput: Sendable, Codable {
    package var pipelineName: String
    package var stageName: String
    package var pipelineExecutionId: String
    package var conditionType: String

    package init(pipelineName: String, stageName: String, pipelineExecutionId: String, conditionType: String) {
        self.pipelineName = pipelineName
        self.stageName = stageName
        self.pipelineExecutionId = pipelineExecutionId
        self.conditionType = conditionType
    }
}
