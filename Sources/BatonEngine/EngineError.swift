import BatonModel

/// Why the engine refused a request; the HTTP layer maps each case to CodePipeline's exception.
package enum EngineError: Error, Sendable, CustomStringConvertible {
    case invalidPipeline(PipelineValidationError)
    case pipelineNameInUse(String)
    case pipelineNotFound(String)
    case pipelineVersionNotFound(String, Int)
    case executionNotFound(ExecutionID, pipeline: String)
    case jobNotFound(JobID)
    case stageNotFound(String, pipeline: String)
    case notStoppable(ExecutionID)
    case duplicatedStop(ExecutionID)
    case stageNotRetryable(String)
    case notLatestExecution(ExecutionID, stage: String)
    case actionNotFound(String, stage: String)
    case invalidApprovalToken(String)
    case approvalAlreadyCompleted(String)
    case unableToRollback(String)
    case halted(String)
    case conditionNotOverridable(String)
    case executionOutdated(String)
    case actionTypeExists(ActionTypeID)
    case actionTypeNotFound(ActionTypeID)
    /// A request whose values are wrong in a way the API model cannot express (ValidationException).
    case invalidInput(String)

    package var description: String {
        switch self {
        case .invalidPipeline(let error): error.description
        case .pipelineNameInUse(let name): "A pipeline with the name '\(name)' already exists."
        case .pipelineNotFound(let name): "Pipeline with name \(name) does not exist."
        case .pipelineVersionNotFound(let name, let version): "Pipeline \(name) has no version \(version)."
        case .executionNotFound(let id, let pipeline): "Pipeline execution \(id) of pipeline \(pipeline) does not exist."
        case .jobNotFound(let id): "Job \(id) does not exist."
        case .stageNotFound(let stage, let pipeline): "Stage \(stage) does not exist in pipeline \(pipeline)."
        case .notStoppable(let id): "Pipeline execution \(id) is not in progress and cannot be stopped."
        case .duplicatedStop(let id): "A stop request for pipeline execution \(id) has already been made."
        case .stageNotRetryable(let reason): reason
        case .actionNotFound(let action, let stage): "Action \(action) does not exist in stage \(stage)."
        case .invalidApprovalToken(let token): "The approval token \(token) is not valid: the approval has already received a response or has expired."
        case .approvalAlreadyCompleted(let action): "The approval \(action) has already been completed."
        case .unableToRollback(let reason): reason
        case .conditionNotOverridable(let reason): reason
        case .halted(let reason): "The coordinator could not store a change (\(reason)) and accepts no more until it is restarted."
        case .executionOutdated(let reason): reason
        case .actionTypeExists(let id): "Action type \(id) already exists with a different definition; delete it first or use a new version."
        case .actionTypeNotFound(let id): "Action type \(id) does not exist."
        case .invalidInput(let reason): reason
        case .notLatestExecution(let id, let stage):
            "The stage has failed in a later run of the pipeline and the pipelineExecutionId \(id) associated with the request is out of date (stage \(stage))."
        }
    }
}
