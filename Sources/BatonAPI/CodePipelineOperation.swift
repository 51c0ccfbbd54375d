/// CodePipeline operations Baton serves, by their `X-Amz-Target` suffix.
package enum CodePipelineOperation: String, Sendable, CaseIterable {
    case createPipeline = "CreatePipeline"
    case updatePipeline = "UpdatePipeline"
    case getPipeline = "GetPipeline"
    case listPipelines = "ListPipelines"
    case deletePipeline = "DeletePipeline"
    case startPipelineExecution = "StartPipelineExecution"
    case getPipelineState = "GetPipelineState"
    case getPipelineExecution = "GetPipelineExecution"
    case listPipelineExecutions = "ListPipelineExecutions"
    case stopPipelineExecution = "StopPipelineExecution"
    case retryStageExecution = "RetryStageExecution"
    case enableStageTransition = "EnableStageTransition"
    case disableStageTransition = "DisableStageTransition"
    case putApprovalResult = "PutApprovalResult"
    case rollbackStage = "RollbackStage"
    case overrideStageCondition = "OverrideStageCondition"
    case createCustomActionType = "CreateCustomActionType"
    case deleteCustomActionType = "DeleteCustomActionType"
    case listActionTypes = "ListActionTypes"
    case listActionExecutions = "ListActionExecutions"
    case pollForJobs = "PollForJobs"
    case acknowledgeJob = "AcknowledgeJob"
    case getJobDetails = "GetJobDetails"
    case putJobSuccessResult = "PutJobSuccessResult"
    case putJobFailureResult = "PutJobFailureResult"

    package static let targetPrefix = "CodePipeline_20150709"
    package static let contentType = "application/x-amz-json-1.1"

    package var target: String { "\(Self.targetPrefix).\(rawValue)" }
}
