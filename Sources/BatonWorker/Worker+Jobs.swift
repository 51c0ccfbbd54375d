import BatonIdentifiers
import BatonModel
import BatonProtocol
import Foundation
import Logging
import ZeroMQ

extension Worker {
    /// Waits, as the worker stops, for the jobs still running their provider; the others (waiting
    /// for an ACKED or a RESULT_ACK that can no longer come) are cancelled.
    func finishJobs() async {
        for (nonce, run) in jobRuns where !executing.contains(nonce) { run.cancel() }
        for run in Array(jobRuns.values) { await run.value }
    }

    /// One job, in a task of its own (`jobRuns`), so one job never blocks another and a job's
    /// failure never tears the worker down.
    func runJob(_ offer: JobOffer) async {
        // The slot is given back as soon as the work is done (`freeSlot`), before the result is
        // acknowledged: retransmitting a result needs no capacity. The credit rides on the
        // result, so the coordinator has it by the time it has committed this job; a job that
        // ends without a result sends it in a POLL of its own.
        var slotFreed = false
        func freeSlot(announce: Bool) {
            guard !slotFreed else { return }
            slotFreed = true
            busy -= 1
            if announce { sendPoll() }
        }
        defer {
            running[offer.jobId] = nil
            jobRuns[offer.nonce] = nil
            freeSlot(announce: true)
        }
        let jobLogger = JobLogHandler.logger(logger, job: ["job.id": "\(offer.jobId)", "action.name": "\(offer.data.pipelineContext.action.name)"])

        guard providers[offer.data.actionTypeId] != nil else {
            // Should not happen (we advertise what we run), but a REJECT lets another worker take it.
            send(.reject(JobRejected(jobId: offer.jobId, nonce: offer.nonce, reason: "no provider for \(offer.data.actionTypeId)")))
            return
        }
        if startsEarly(offer) {
            // Claimed by its result or our next heartbeat, whichever comes first; a CANCEL that
            // came before it started stops it here.
            guard cancelledJobs.remove(offer.jobId) == nil else { return }
        } else {
            // Only an InProgress ACKED makes a deploy or an invoke ours.
            send(.ack(JobAck(jobId: offer.jobId, nonce: offer.nonce)))
            guard let acked = await awaitAck(offer.jobId), acked.status == .inProgress else {
                jobLogger.info("job not acknowledged; dropping it")
                return
            }
        }
        running[offer.jobId] = offer.claim
        jobLogger.info("job started", metadata: ["action.type": "\(offer.data.actionTypeId)", "job.attempt": "\(offer.attempt)"])

        let jobsDirectory = jobsDirectory
        let jobDirectory = LazyDirectory { jobsDirectory.appendingPathComponent("\(offer.jobId)-\(offer.nonce.prefix(8))") }
        defer {
            // Most jobs that need no files made none (a no-op, an approval, an invoke), and then
            // there is nothing to look for.
            if let made = jobDirectory.ifCreated { try? FileManager.default.removeItem(at: made) }
        }
        let forward: @Sendable (Int64, [UInt8]) -> Void = { [weak self] offset, bytes in
            // Offsets make the order these sends take harmless: the coordinator writes each
            // chunk where it belongs.
            Task { await self?.send(.log(LogChunk(jobId: offer.jobId, nonce: offer.nonce, stream: "output", offset: offset)), payload: Frame(bytes)) }
        }
        let log = JobLogStream(file: jobDirectory.created.appendingPathComponent("log.txt"), forward: forward)
        executing.insert(offer.nonce)
        let result = await execute(offer, in: jobDirectory, log: log, logger: jobLogger)
        executing.remove(offer.nonce)
        if cancelledJobs.remove(offer.jobId) != nil {
            jobLogger.info("job cancelled by the coordinator; no result sent")
            return
        }

        // The whole log goes to the coordinator as an artifact, with its checksum.
        var logArtifact: ArtifactReference?
        if log.bytesWritten > 0, log.fileProblem == nil {
            do {
                logArtifact = try await upload(log.file, name: "log")
            } catch {
                jobLogger.warning("could not upload the job's log", metadata: ["error.message": "\(error)"])
            }
        }

        let resultID = identifiers.uuid()
        let message: WorkerMessage
        switch result {
        case .success(var outputs, let token):
            outputs.log = logArtifact
            message = .success(JobSucceeded(jobId: offer.jobId, nonce: offer.nonce, resultId: resultID, outputs: outputs, continuationToken: token))
            jobLogger.info(token == nil ? "job succeeded" : "job continues", metadata: token.map { ["continuation": "\($0)"] } ?? [:])
        case .failure(var failure):
            failure.log = logArtifact
            message = .failure(JobFailed(jobId: offer.jobId, nonce: offer.nonce, resultId: resultID, failure: failure))
            jobLogger.info("job failed", metadata: ["failure.type": "\(failure.type.rawValue)", "failure.message": "\(failure.message)"])
        }
        freeSlot(announce: false)
        send(message.carrying(Poll(freeSlots: freeSlots, lastJobSeq: lastJobSeq)))
        // A retransmission carries no credit: by then it may be out of date.
        await awaitAcknowledgement(of: message, resultID: resultID, logger: jobLogger)
    }

    /// CANCEL: stops a job we run under that nonce; it sends no result.
    func cancelJob(_ cancel: JobCancelled) {
        guard running[cancel.jobId]?.nonce == cancel.nonce, executing.contains(cancel.nonce), let run = jobRuns[cancel.nonce] else { return }
        logger.info("cancelling a job", metadata: ["job.id": "\(cancel.jobId)", "reason": "\(cancel.reason)"])
        cancelledJobs.insert(cancel.jobId)
        run.cancel()
    }

    /// Whether `offer` runs without an ACK: a job safe to repeat does, claimed by its result or
    /// the worker's next heartbeat, whichever comes first (which saves the coordinator a message
    /// on every short job); a deploy or an invoke waits for ACKED InProgress.
    func startsEarly(_ offer: JobOffer) -> Bool {
        offer.data.actionTypeId.isSafeToRepeat && providers[offer.data.actionTypeId] != nil
    }

    enum Outcome: Sendable {
        case success(ActionOutputs, continuationToken: String?)
        case failure(FailureDetails)
    }

    private func execute(_ offer: JobOffer, in jobDirectory: LazyDirectory, log: JobLogStream, logger: Logger) async -> Outcome {
        guard let provider = providers[offer.data.actionTypeId] else {
            return .failure(FailureDetails(type: .configurationError, message: "This worker has no provider for action type \(offer.data.actionTypeId)"))
        }
        var inputs: [String: URL] = [:]
        do {
            for artifact in offer.data.inputArtifacts {
                inputs[artifact.name] = try await fetchInput(artifact)
            }
        } catch {
            return .failure(FailureDetails(type: .jobFailed, message: "\(error)"))
        }

        defer {
            log.close()
            if let problem = log.fileProblem {
                logger.warning("the job's log is streamed but not kept as an artifact", metadata: ["error.message": "\(problem)"])
            }
        }
        let context = JobContext(
            jobID: offer.jobId, data: offer.data, workDirectory: jobDirectory.created.appendingPathComponent("src"), inputs: inputs,
            outputDirectory: jobDirectory.created.appendingPathComponent("out"), logger: logger,
            log: { bytes in log.append(bytes) },
            progress: { [weak self] report in
                Task {
                    await self?.send(.progress(JobProgress(
                        jobId: offer.jobId, nonce: offer.nonce, percentComplete: report.percentComplete,
                        summary: report.summary, externalExecutionId: report.externalExecutionId)))
                }
            })

        let result: ActionResult
        do {
            result = try await provider.run(context)
        } catch {
            return .failure(FailureDetails(type: .jobFailed, message: "\(error)"))
        }
        switch result {
        case .failed(let failure):
            return .failure(failure)
        case .succeeded(let products) where products.continuationToken != nil:
            return .success(ActionOutputs(artifacts: [], variables: [:], summary: products.summary), continuationToken: products.continuationToken)
        case .succeeded(let products):
            var references: [ArtifactReference] = []
            for declared in offer.data.outputArtifacts {
                guard let file = products.artifacts[declared.name] else {
                    return .failure(FailureDetails(type: .jobFailed, message: "The action did not produce its output artifact \(declared.name)"))
                }
                do {
                    var reference = try await upload(file, name: declared.name)
                    reference.revision = products.revision
                    references.append(reference)
                } catch {
                    return .failure(FailureDetails(type: .jobFailed, message: "\(error)"))
                }
            }
            return .success(ActionOutputs(artifacts: references, variables: products.variables, summary: products.summary), continuationToken: nil)
        }
    }

    /// Waits for the coordinator to acknowledge a result already sent, sending it again after
    /// each silence: results are at-least-once, and the coordinator recognises a retransmission by
    /// its `resultId`.
    private func awaitAcknowledgement(of message: WorkerMessage, resultID: String, logger: Logger) async {
        var wait = Duration.seconds(1)
        while !Task.isCancelled, !replyWaitsEnded {
            if let ack = await awaitResultAck(resultID, timeout: wait) {
                if ack.outcome == .missingArtifacts {
                    logger.warning("coordinator is missing output artifacts", metadata: ["artifacts": "\(ack.missing ?? [])"])
                }
                logger.debug("result acknowledged", metadata: ["result.outcome": "\(ack.outcome.rawValue)"])
                return
            }
            send(message)
            wait = min(wait * 2, .seconds(30))
        }
    }

    private func awaitAck(_ jobID: JobID) async -> Acked? {
        guard !replyWaitsEnded else { return nil }
        return await withCheckedContinuation { continuation in
            ackWaiters.add(jobID, continuation, deadline: replyDeadline(after: configuration.replyTimeout))
        }
    }

    private func awaitResultAck(_ resultID: String, timeout delay: Duration) async -> ResultAck? {
        guard !replyWaitsEnded else { return nil }
        return await withCheckedContinuation { continuation in
            resultWaiters.add(resultID, continuation, deadline: replyDeadline(after: delay))
        }
    }
}
