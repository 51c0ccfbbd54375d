import BatonAPI
import BatonModel

/// A job handed to a worker that polls over HTTP (PollForJobs), under its own nonce.
package struct PolledJob: Sendable {
    package var id: JobID
    package var nonce: String
    package var data: JobData
    /// Whether AcknowledgeJob has moved the job to InProgress.
    package var acknowledged: Bool

    package init(id: JobID, nonce: String, data: JobData, acknowledged: Bool = false) {
        self.id = id
        self.nonce = nonce
        self.data = data
        self.acknowledged = acknowledged
    }
}

package enum JobWorkerError: Error, Sendable, CustomStringConvertible {
    case jobNotFound(JobID)
    case invalidNonce(JobID)
    case invalidJobState(JobID, String)
    case notAcknowledged(JobID)
    case notRecorded(JobID, String)

    package var description: String {
        switch self {
        case .jobNotFound(let id): "No job with ID \(id) is open for an HTTP job worker"
        case .invalidNonce(let id): "The nonce does not match the current dispatch of job \(id)"
        case .invalidJobState(let id, let reason): "Job \(id) \(reason)"
        case .notAcknowledged(let id): "Job \(id) is Created, not InProgress: call AcknowledgeJob first"
        case .notRecorded(let id, let reason): "The result of job \(id) could not be recorded: \(reason)"
        }
    }
}

/// The coordinator's job queue as CodePipeline's job-worker API sees it: the same queue, leases
/// and nonces the ZeroMQ workers use. The coordinator's broker implements it.
package protocol HTTPJobQueue: Sendable {
    /// Takes up to `maxBatchSize` queued jobs of `type` (matching `query`, when given) that need no
    /// worker labels; each must be acknowledged before the ack deadline or it is offered again.
    func poll(_ type: ActionTypeID, maxBatchSize: Int, query: [String: String]?) async -> [PolledJob]
    func acknowledge(_ id: JobID, nonce: String) async throws(JobWorkerError)
    func details(_ id: JobID) async throws(JobWorkerError) -> PolledJob
    func succeed(_ id: JobID, outputs: ActionOutputs, continuationToken: String?) async throws(JobWorkerError)
    func fail(_ id: JobID, failure: FailureDetails) async throws(JobWorkerError)
}

/// Who is connected and what waits, for `POST /baton/workers/list`.
package protocol WorkerDirectory: Sendable {
    func report() async -> ListWorkersOutput
}
