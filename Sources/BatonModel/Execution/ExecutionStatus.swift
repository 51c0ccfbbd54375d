package enum PipelineExecutionStatus: String, Sendable, Hashable, Codable {
    case cancelled = "Cancelled"
    case inProgress = "InProgress"
    case stopped = "Stopped"
    case stopping = "Stopping"
    case succeeded = "Succeeded"
    case superseded = "Superseded"
    case failed = "Failed"

    package var isTerminal: Bool {
        switch self {
        case .inProgress, .stopping: false
        case .cancelled, .stopped, .succeeded, .superseded, .failed: true
        }
    }
}

package enum StageExecutionStatus: String, Sendable, Hashable, Codable {
    case cancelled = "Cancelled"
    case inProgress = "InProgress"
    case failed = "Failed"
    case stopped = "Stopped"
    case stopping = "Stopping"
    case succeeded = "Succeeded"
    case skipped = "Skipped"
}

package enum ActionExecutionStatus: String, Sendable, Hashable, Codable {
    case inProgress = "InProgress"
    case abandoned = "Abandoned"
    case succeeded = "Succeeded"
    case failed = "Failed"
}
