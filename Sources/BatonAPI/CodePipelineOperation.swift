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
    case getActionType = "GetActionType"
    case listRuleTypes = "ListRuleTypes"
    case listRuleExecutions = "ListRuleExecutions"
    case tagResource = "TagResource"
    case untagResource = "UntagResource"
    case listTagsForResource = "ListTagsForResource"
    case putWebhook = "PutWebhook"
    case listWebhooks = "ListWebhooks"
    case deleteWebhook = "DeleteWebhook"
    case pollForJobs = "PollForJobs"
    case acknowledgeJob = "AcknowledgeJob"
    case getJobDetails = "GetJobDetails"
    case putJobSuccessResult = "PutJobSuccessResult"
    case putJobFailureResult = "PutJobFailureResult"

    /// Operations of CodePipeline's API that have no meaning for a self-hosted coordinator, and why.
    package static let notApplicable: [String: String] = [
        "PollForThirdPartyJobs": "third-party action jobs are AWS partner integrations; a custom action's workers use PollForJobs",
        "AcknowledgeThirdPartyJob": "third-party action jobs are AWS partner integrations; use AcknowledgeJob",
        "GetThirdPartyJobDetails": "third-party action jobs are AWS partner integrations; use GetJobDetails",
        "PutThirdPartyJobSuccessResult": "third-party action jobs are AWS partner integrations; use PutJobSuccessResult",
        "PutThirdPartyJobFailureResult": "third-party action jobs are AWS partner integrations; use PutJobFailureResult",
        "RegisterWebhookWithThirdParty": "a webhook's URL is registered with the git host by hand (its url from PutWebhook or /baton/webhooks/<connection>)",
        "DeregisterWebhookWithThirdParty": "a webhook's URL is removed at the git host by hand",
        "UpdateActionType": "action types that run on AWS Lambda or in AWS accounts do not exist here; custom types are created with CreateCustomActionType",
        "ListDeployActionExecutionTargets": "deploy actions here do not report per-target (EC2 or ECS) deployment state",
        "PutActionRevision": "sources are read by workers from git and buckets; start an execution with sourceRevisions instead",
    ]

    package static let targetPrefix = "CodePipeline_20150709"
    package static let contentType = "application/x-amz-json-1.1"

    package var target: String { "\(Self.targetPrefix).\(rawValue)" }
}
