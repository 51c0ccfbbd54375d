import BatonModel

/// Why the engine refused a request; the HTTP layer maps each case to CodePipeline's exception.
package enum EngineError: Error, Sendable, CustomStringConvertible {
    case invalidPipeline(PipelineValidationError)
    case pipelineNameInUse(String)
    case pipelineNotFound(String)
    case pipelineVersionNotFound(String, Int)
    case executionNotFound(ExecutionID, pipeline: String)
    case jobNotFound(JobID)

    package var description: String {
        switch self {
        case .invalidPipeline(let error): error.description
        case .pipelineNameInUse(let name): "A pipeline with the name '\(name)' already exists."
        case .pipelineNotFound(let name): "Pipeline with name \(name) does not exist."
        case .pipelineVersionNotFound(let name, let version): "Pipeline \(name) has no version \(version)."
        case .executionNotFound(let id, let pipeline): "Pipeline execution \(id) of pipeline \(pipeline) does not exist."
        case .jobNotFound(let id): "Job \(id) does not exist."
        }
    }
}
