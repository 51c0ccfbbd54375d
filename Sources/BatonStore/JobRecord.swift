import BatonJSON
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

extension JobRecord {
    /// The record's JSON with sorted keys, written by hand (its `data` as JOB carries it): the
    /// sorted encoder's bytes, a third of the time. Read back through `Codable`.
    func recordJSON() -> [UInt8] {
        var writer = JSONWriter(capacity: 1024)
        writer.beginObject()
        writer.member("actionName", actionName)
        writer.member("attempt", attempt)
        writer.key("data")
        data.write(to: &writer)
        writer.member("executionID", executionID.rawValue)
        writer.member("id", id.rawValue)
        writer.member("resultID", resultID)
        writer.member("stageName", stageName)
        writer.member("status", status.rawValue)
        writer.endObject()
        return writer.bytes
    }
}
