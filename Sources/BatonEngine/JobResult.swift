import BatonModel
import BatonStore

/// A job's result as its worker reported it, for `Engine.record`.
package struct JobResult: Sendable {
    package enum Outcome: Sendable {
        case succeeded(ActionOutputs)
        /// Not finished: the action runs again as a new job carrying the token.
        case continued(token: String, summary: String?, externalExecutionId: String?)
        case failed(FailureDetails)

        /// The status the job ends with.
        var status: JobRecord.Status {
            switch self {
            case .succeeded, .continued: .succeeded
            case .failed: .failed
            }
        }

        /// The artifacts the result names, which the store records as referenced: its outputs and
        /// its log. A continuation's count only from the final result.
        var artifacts: [ArtifactReference] {
            switch self {
            case .succeeded(let outputs): outputs.artifacts + [outputs.log].compactMap { $0 }
            case .continued: []
            case .failed(let failure): [failure.log].compactMap { $0 }
            }
        }
    }

    package var jobID: JobID
    package var resultID: String
    package var outcome: Outcome

    package init(jobID: JobID, resultID: String, outcome: Outcome) {
        self.jobID = jobID
        self.resultID = resultID
        self.outcome = outcome
    }
}
