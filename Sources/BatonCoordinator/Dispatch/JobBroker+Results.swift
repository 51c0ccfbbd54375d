import BatonEngine
import BatonModel
import BatonProtocol
import BatonStore
import Logging
import ZeroMQ

/// A SUCCESS or FAILURE as the broker settles it.
struct ReportedResult {
    let jobID: JobID
    let nonce: String
    let resultID: String
    var outcome: JobResult.Outcome

    init?(_ message: WorkerMessage) {
        switch message {
        case .success(let result):
            (jobID, nonce, resultID) = (result.jobId, result.nonce, result.resultId)
            if let token = result.continuationToken {
                outcome = .continued(token: token, summary: result.outputs.summary, externalExecutionId: result.outputs.externalExecutionId)
            } else {
                outcome = .succeeded(result.outputs)
            }
        case .failure(let result):
            (jobID, nonce, resultID) = (result.jobId, result.nonce, result.resultId)
            outcome = .failed(result.failure)
        default:
            return nil
        }
    }
}

extension JobBroker {
    /// Marks a result as being recorded. False for a retransmission of a result still being
    /// committed: the first one's RESULT_ACK (same `resultId`) answers both.
    func beginSettling(_ jobID: JobID, resultID: String) -> Bool {
        if settling[jobID] == resultID { return false }
        settling[jobID] = resultID
        return true
    }

    private func endSettling(_ result: ReportedResult) {
        if settling[result.jobID] == result.resultID { settling[result.jobID] = nil }
    }

    /// Records results through the engine (durably) and only then acknowledges each. Results
    /// that came together (one BATCH) are recorded together, in one step per pipeline; results
    /// that came apart run concurrently and still share a group commit.
    func settle(_ results: [ReportedResult], routingID: Frame, key: [UInt8]) async {
        var recording: [(result: ReportedResult, actionExecutionID: ActionExecutionID?)] = []
        recording.reserveCapacity(results.count)
        for var result in results {
            switch result.outcome {
            case .succeeded(var outputs):
                outputs.log = storedLog(outputs.log)
                let missing = outputs.artifacts.filter { artifacts.size(of: $0.digest) != $0.size }.map(\.name)
                if !missing.isEmpty {
                    endSettling(result)
                    acknowledge(result, .missingArtifacts, missing: missing, routingID: routingID, key: key)
                    continue
                }
                result.outcome = .succeeded(outputs)
            case .failed(var failure):
                failure.log = storedLog(failure.log)
                result.outcome = .failed(failure)
            case .continued:
                break
            }
            if let dispatch = dispatched[result.jobID], dispatch.nonce != result.nonce {
                // The job was dispatched again since (lease lost, worker declared dead): this
                // result is from an old dispatch and changes nothing.
                endSettling(result)
                acknowledge(result, .stale, routingID: routingID, key: key)
                continue
            }
            recording.append((result, dispatched[result.jobID]?.entry.job.data.pipelineContext.action.actionExecutionId))
        }
        guard !recording.isEmpty else { return }
        let recorded = await engine.record(recording.map { JobResult(jobID: $0.result.jobID, resultID: $0.result.resultID, outcome: $0.result.outcome) })
        for ((result, actionExecutionID), disposition) in zip(recording, recorded) {
            defer { endSettling(result) }
            let outcome: ResultAck.Outcome
            switch disposition {
            case .success(.accepted):
                outcome = .accepted
                // A job we did not dispatch in this session (its result comes from before a
                // restart) may be queued again: it needs no second run.
                if dispatched.removeValue(forKey: result.jobID) == nil { _ = queue.remove(result.jobID) }
                if let actionExecutionID { logs.finish(actionExecutionID) }
            case .success(.duplicate):
                outcome = .duplicate
            case .success(.stale):
                outcome = .stale
            case .failure(let error):
                // Not recorded: no RESULT_ACK, so the worker retransmits.
                logger.error("could not record a job result", metadata: ["job.id": "\(result.jobID)", "error.message": "\(error)"])
                continue
            }
            acknowledge(result, outcome, routingID: routingID, key: key)
        }
    }

    private func acknowledge(_ result: ReportedResult, _ outcome: ResultAck.Outcome, missing: [String]? = nil, routingID: Frame, key: [UInt8]) {
        send(.resultAck(ResultAck(jobId: result.jobID, nonce: result.nonce, resultId: result.resultID, outcome: outcome, missing: missing)), to: routingID, key: key)
    }

    /// A log the store does not hold (its upload failed) is dropped rather than refusing the
    /// result: the result matters more than its log.
    private func storedLog(_ log: ArtifactReference?) -> ArtifactReference? {
        guard let log, artifacts.size(of: log.digest) == log.size else { return nil }
        return log
    }
}
