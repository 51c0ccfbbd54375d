import BatonAPI
import BatonEngine
import BatonModel
import BatonStore

extension APIError {
    /// Maps every error the API can meet to CodePipeline's exception, in one place.
    init(_ error: any Error) {
        switch error {
        case let error as APIError:
            self = error
        case let error as JobWorkerError:
            self.init(error)
        case let error as EngineError:
            switch error {
            case .invalidPipeline(let validation):
                self.init(type: validation.exception.rawValue, message: validation.description)
            case .pipelineNameInUse:
                self.init(type: "PipelineNameInUseException", message: error.description)
            case .pipelineNotFound:
                self.init(type: "PipelineNotFoundException", message: error.description)
            case .pipelineVersionNotFound:
                self.init(type: "PipelineVersionNotFoundException", message: error.description)
            case .executionNotFound:
                self.init(type: "PipelineExecutionNotFoundException", message: error.description)
            case .jobNotFound:
                self.init(type: "JobNotFoundException", message: error.description)
            case .stageNotFound:
                self.init(type: "StageNotFoundException", message: error.description)
            case .notStoppable:
                self.init(type: "PipelineExecutionNotStoppableException", message: error.description)
            case .duplicatedStop:
                self.init(type: "DuplicatedStopRequestException", message: error.description)
            case .stageNotRetryable:
                self.init(type: "StageNotRetryableException", message: error.description)
            case .notLatestExecution:
                self.init(type: "NotLatestPipelineExecutionException", message: error.description)
            case .actionNotFound:
                self.init(type: "ActionNotFoundException", message: error.description)
            case .invalidApprovalToken:
                self.init(type: "InvalidApprovalTokenException", message: error.description)
            case .approvalAlreadyCompleted:
                self.init(type: "ApprovalAlreadyCompletedException", message: error.description)
            case .conditionNotOverridable:
                self.init(type: "ConditionNotOverridableException", message: error.description)
            case .halted:
                self.init(type: "InternalFailure", message: error.description)
            case .unableToRollback:
                self.init(type: "UnableToRollbackStageException", message: error.description)
            case .executionOutdated:
                self.init(type: "PipelineExecutionOutdatedException", message: error.description)
            case .actionTypeExists, .invalidInput:
                self.init(type: "ValidationException", message: error.description)
            case .actionTypeNotFound:
                self.init(type: "ActionTypeNotFoundException", message: error.description)
            }
        case let error as PipelineValidationError:
            self.init(type: error.exception.rawValue, message: error.description)
        default:
            self.init(type: "InternalFailure", message: "The coordinator could not complete the request: \(error)")
        }
    }

    /// A request body that does not fit the operation's input shape.
    init(decoding error: DecodingError) {
        func path(_ context: DecodingError.Context, _ key: (any CodingKey)? = nil) -> String {
            let keys = context.codingPath + (key.map { [$0] } ?? [])
            return keys.map { $0.intValue.map { "\($0 + 1).member" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context):
            self = .validation("1 validation error detected: Value null at '\(path(context, key))' failed to satisfy constraint: Member must not be null")
        case .valueNotFound(_, let context):
            self = .validation("1 validation error detected: Value null at '\(path(context))' failed to satisfy constraint: Member must not be null")
        case .typeMismatch(let type, let context):
            self.init(type: "SerializationException", message: "Value at '\(path(context))' must be of type \(type)")
        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            self.init(type: "SerializationException", message: "The request body is not valid JSON")
        case .dataCorrupted(let context):
            self.init(type: "SerializationException", message: "Value at '\(path(context))' is not valid: \(context.debugDescription)")
        @unknown default:
            self.init(type: "SerializationException", message: "\(error)")
        }
    }
}
