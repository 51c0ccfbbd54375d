import BatonModel

/// A job as the store keeps it: what to run, where it belongs, and the result once accepted.
package struct JobRecord: Sendable, Hashable, Codable {
    package enum Status: String, Sendable, Hashable, Codable {
        case queued = "Queued"
        case succeeded = "Succeeded"
        case failed = "Failed"
        case cancelled = "Cancelled"
    }

    package var id: JobID
    package var executionID: ExecutionID
    package var stageName: String
    package var actionName: String
    package var status: Status
    package var attempt: Int
    package var data: JobData
    /// The `resultId` of the accepted result, so a retransmission is recognised as a duplicate.
    package var resultID: String?

    package init(id: JobID, executionID: ExecutionID, stageName: String, actionName: String, status: Status, attempt: Int, data: JobData, resultID: String? = nil) {
        self.id = id
        self.executionID = executionID
        self.stageName = stageName
        self.actionName = actionName
        self.status = status
        self.attempt = attempt
        self.data = data
        self.resultID = resultID
    }
}
