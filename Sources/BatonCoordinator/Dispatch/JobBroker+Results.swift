import BatonEngine
import BatonModel
import BatonProtocol
import BatonStore
import Logging
import ZeroMQ

/// A SUCCESS or FAILURE as the broker settles it: the result for the engine, and the nonce of
/// the dispatch it answers.
struct ReportedResult {
    let nonce: String
    var result: JobResult

    var jobID: JobID { result.jobID }
    var resultID: String { result.resultID }

    init(_ success: JobSucceeded) {
        nonce = success.nonce
        let outcome: JobResult.Outcome = success.continuationToken.map {
            .continued(token: $0, summary: success.outputs.summary, externalExecutionId: success.outputs.externalExecutionId)
        } ?? .succeeded(success.outputs)
        result = JobResult(jobID: success.jobId, resultID: success.resultId, outcome: outcome)
    }

    init(_ failure: JobFailed) {
        nonce = failure.nonce
        result = JobResult(jobID: failure.jobId, resultID: failure.resultId, outcome: .failed(failure.failure))
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

    /// As above, for a result from the worker `key`, which it counts against that worker's limit
    /// of results awaiting recording until `settle` ends.
    func beginSettling(_ jobID: JobID, resultID: String, from key: [UInt8]) -> Bool {
        guard beginSettling(jobID, resultID: resultID) else { return false }
        changeWorker(key) { $0.unrecordedResults += 1 }
        return true
    }

    private func endSettling(_ reported: ReportedResult) {
        if settling[reported.jobID] == reported.resultID { settling[reported.jobID] = nil }
    }

    /// Records results through the engine (durably) and only then acknowledges each. Results
    /// that came together (one BATCH) are recorded together, in one step per pipeline; results
    /// that came apart run concurrently and still share a group commit.
    func settle(_ results: [ReportedResult], routingID: Frame, key: [UInt8]) async {
        defer {
            // A worker that reconnected meanwhile starts from zero.
            var freed = false
            changeWorker(key) { worker in
                let credit = worker.credit
                worker.unrecordedResults = max(0, worker.unrecordedResults - results.count)
                freed = worker.credit > credit
            }
            if freed { assignQueued() }
        }
        var recording: [(reported: ReportedResult, actionExecutionID: ActionExecutionID?)] = []
        recording.reserveCapacity(results.count)
        for var reported in results {
            switch reported.result.outcome {
            case .succeeded(var outputs):
                outputs.log = storedLog(outputs.log)
                let missing = outputs.artifacts.filter { artifacts.size(of: $0.digest) != $0.size }.map(\.name)
                if !missing.isEmpty {
                    endSettling(reported)
                    acknowledge(reported, .missingArtifacts, missing: missing, routingID: routingID, key: key)
                    continue
                }
                reported.result.outcome = .succeeded(outputs)
            case .failed(var failure):
                failure.log = storedLog(failure.log)
                reported.result.outcome = .failed(failure)
            case .continued:
                break
            }
            if let dispatch = dispatched[reported.jobID], dispatch.nonce != reported.nonce {
                // The job was dispatched again since (lease lost, worker declared dead): this
                // result is from an old dispatch and changes nothing.
                endSettling(reported)
                acknowledge(reported, .stale, routingID: routingID, key: key)
                continue
            }
            recording.append((reported, dispatched[reported.jobID]?.entry.job.data.pipelineContext.action.actionExecutionId))
        }
        guard !recording.isEmpty else { return }
        let recorded = await engine.record(recording.map(\.reported.result))
        for ((reported, actionExecutionID), disposition) in zip(recording, recorded) {
            defer { endSettling(reported) }
            let outcome: ResultAck.Outcome
            switch disposition {
            case .success(.accepted):
                outcome = .accepted
                // A job we did not dispatch in this session (its result comes from before a
                // restart) may be queued again: it needs no second run.
                if dispatched.removeValue(forKey: reported.jobID) == nil { _ = queue.remove(reported.jobID) }
                if let actionExecutionID { logs.finish(actionExecutionID) }
            case .success(.duplicate):
                outcome = .duplicate
            case .success(.stale):
                outcome = .stale
            case .failure(let error):
                // Not recorded: no RESULT_ACK, so the worker retransmits.
                logger.error("could not record a job result", metadata: ["job.id": "\(reported.jobID)", "error.message": "\(error)"])
                continue
            }
            acknowledge(reported, outcome, routingID: routingID, key: key)
        }
    }

    private func acknowledge(_ reported: ReportedResult, _ outcome: ResultAck.Outcome, missing: [String]? = nil, routingID: Frame, key: [UInt8]) {
        send(.resultAck(ResultAck(jobId: reported.jobID, nonce: reported.nonce, resultId: reported.resultID, outcome: outcome, missing: missing)), to: routingID, key: key)
    }

    /// A log the store does not hold (its upload failed) is dropped rather than refusing the
    /// result: the result matters more than its log.
    private func storedLog(_ log: ArtifactReference?) -> ArtifactReference? {
        guard let log, artifacts.size(of: log.digest) == log.size else { return nil }
        return log
    }
}
