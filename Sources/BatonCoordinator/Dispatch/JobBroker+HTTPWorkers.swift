import BatonEngine
import BatonHTTP
import BatonModel
import BatonProtocol
import BatonStore

/// Workers that poll over HTTP (CodePipeline's PollForJobs API) take jobs from the same queue as
/// ZeroMQ workers. Their dispatches carry an empty worker key, which no ZeroMQ routing id can be;
/// an unacknowledged one is offered again after the ack deadline, like any other.
extension JobBroker: HTTPJobQueue {
    static let httpWorkerKey: [UInt8] = []

    func poll(_ type: ActionTypeID, maxBatchSize: Int, query: [String: String]?) async -> [PolledJob] {
        var taken: [JobQueue.Entry] = []
        let limit = max(1, maxBatchSize)
        queue.drain(hasCapacity: { taken.count < limit }, mayRun: { $0 == type }) { entry in
            let data = entry.job.data
            guard data.actionTypeId == type, (data.requiredLabels ?? [:]).isEmpty,
                  (query ?? [:]).allSatisfy({ data.actionConfiguration.configuration[$0.key] == $0.value })
            else { return false }
            taken.append(entry)
            return true
        }
        return taken.map { entry in
            PolledJob(id: entry.job.id, nonce: lease(entry, to: Self.httpWorkerKey), data: entry.job.data)
        }
    }

    func acknowledge(_ id: JobID, nonce: String) async throws(JobWorkerError) {
        let dispatch = try httpDispatch(id)
        guard dispatch.nonce == nonce else { throw .invalidNonce(id) }
        changeDispatch(id) { $0.acknowledged = true }
    }

    func details(_ id: JobID) async throws(JobWorkerError) -> PolledJob {
        let dispatch = try httpDispatch(id)
        return PolledJob(id: id, nonce: dispatch.nonce, data: dispatch.entry.job.data, acknowledged: dispatch.acknowledged)
    }

    func succeed(_ id: JobID, outputs: ActionOutputs, continuationToken: String?) async throws(JobWorkerError) {
        try await settleHTTP(id) { resultID in
            if let continuationToken {
                return try await self.engine.jobContinued(
                    id, resultID: resultID, token: continuationToken, summary: outputs.summary, externalExecutionId: outputs.externalExecutionId)
            }
            return try await self.engine.jobSucceeded(id, resultID: resultID, outputs: outputs)
        }
    }

    func fail(_ id: JobID, failure: FailureDetails) async throws(JobWorkerError) {
        try await settleHTTP(id) { resultID in try await self.engine.jobFailed(id, resultID: resultID, failure: failure) }
    }

    private func httpDispatch(_ id: JobID) throws(JobWorkerError) -> Dispatch {
        guard let dispatch = dispatched[id], dispatch.workerKey == Self.httpWorkerKey else { throw .jobNotFound(id) }
        return dispatch
    }

    /// Records the result durably before answering; the result id is the dispatch's nonce, so a
    /// request retried after a lost response is a duplicate, not a second result.
    private func settleHTTP(_ id: JobID, record: (String) async throws -> JobResultDisposition) async throws(JobWorkerError) {
        let dispatch = try httpDispatch(id)
        guard dispatch.acknowledged else { throw .notAcknowledged(id) }
        let resultID = "http-\(dispatch.nonce)"
        guard beginSettling(id, resultID: resultID) else { throw .invalidJobState(id, "has a result being recorded") }
        defer { if settling[id] == resultID { settling[id] = nil } }
        let disposition: JobResultDisposition
        do {
            disposition = try await record(resultID)
        } catch {
            throw .notRecorded(id, "\(error)")
        }
        switch disposition {
        case .accepted, .duplicate:
            if dispatched[id]?.nonce == dispatch.nonce { dispatched[id] = nil }
            logs.finish(dispatch.entry.job.data.pipelineContext.action.actionExecutionId)
        case .stale:
            throw .invalidJobState(id, "is no longer open (its action was stopped, timed out or superseded)")
        }
    }
}
