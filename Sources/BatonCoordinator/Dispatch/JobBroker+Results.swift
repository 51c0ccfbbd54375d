import BatonEngine
import BatonModel
import BatonProtocol
import BatonStore
import Logging
import ZeroMQ

extension JobBroker {
    /// Marks a result as being recorded. False for a retransmission of a result still being
    /// committed: the first one's RESULT_ACK (same `resultId`) answers both.
    func beginSettling(_ jobID: JobID, resultID: String) -> Bool {
        if settling[jobID] == resultID { return false }
        settling[jobID] = resultID
        return true
    }

    func succeeded(_ result: JobSucceeded, routingID: Frame, key: [UInt8]) async {
        var result = result
        result.outputs.log = storedLog(result.outputs.log)
        let missing = result.outputs.artifacts.filter { artifacts.size(of: $0.digest) != $0.size }.map(\.name)
        if !missing.isEmpty {
            settling[result.jobId] = nil
            send(.resultAck(ResultAck(jobId: result.jobId, nonce: result.nonce, resultId: result.resultId, outcome: .missingArtifacts, missing: missing)), to: routingID, key: key)
            return
        }
        await settle(result.jobId, nonce: result.nonce, resultID: result.resultId, routingID: routingID, key: key) {
            if let token = result.continuationToken {
                return try await self.engine.jobContinued(
                    result.jobId, resultID: result.resultId, token: token,
                    summary: result.outputs.summary, externalExecutionId: result.outputs.externalExecutionId)
            }
            return try await self.engine.jobSucceeded(result.jobId, resultID: result.resultId, outputs: result.outputs)
        }
    }

    /// A log the store does not hold (its upload failed) is dropped rather than refusing the
    /// result: the result matters more than its log.
    private func storedLog(_ log: ArtifactReference?) -> ArtifactReference? {
        guard let log, artifacts.size(of: log.digest) == log.size else { return nil }
        return log
    }

    func failed(_ result: JobFailed, routingID: Frame, key: [UInt8]) async {
        var result = result
        result.failure.log = storedLog(result.failure.log)
        await settle(result.jobId, nonce: result.nonce, resultID: result.resultId, routingID: routingID, key: key) {
            try await self.engine.jobFailed(result.jobId, resultID: result.resultId, failure: result.failure)
        }
    }

    /// Records a result through the engine (durably) and only then acknowledges it. Results run
    /// concurrently, so results arriving together share one group commit.
    private func settle(_ jobID: JobID, nonce: String, resultID: String, routingID: Frame, key: [UInt8], record: () async throws -> JobResultDisposition) async {
        defer { if settling[jobID] == resultID { settling[jobID] = nil } }
        let actionExecutionID = dispatched[jobID]?.entry.job.data.pipelineContext.action.actionExecutionId
        let outcome: ResultAck.Outcome
        if let dispatch = dispatched[jobID], dispatch.nonce != nonce {
            // The job was dispatched again since (lease lost, worker declared dead): this result
            // is from an old dispatch and changes nothing.
            outcome = .stale
        } else {
            do {
                switch try await record() {
                case .accepted: outcome = .accepted
                case .duplicate: outcome = .duplicate
                case .stale: outcome = .stale
                }
            } catch {
                // Not recorded: no RESULT_ACK, so the worker retransmits.
                logger.error("could not record a job result", metadata: ["job.id": "\(jobID)", "error.message": "\(error)"])
                return
            }
            if outcome == .accepted {
                // A job we did not dispatch in this session (its result comes from before a
                // restart) may be queued again: it needs no second run.
                if dispatched.removeValue(forKey: jobID) == nil { _ = queue.remove(jobID) }
                if let actionExecutionID { logs.finish(actionExecutionID) }
            }
        }
        send(.resultAck(ResultAck(jobId: jobID, nonce: nonce, resultId: resultID, outcome: outcome)), to: routingID, key: key)
    }
}
