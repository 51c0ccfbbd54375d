import BatonModel
import BatonProtocol
import Foundation
import Logging

extension Worker {
    /// Runs each accepted offer as a child task, so one job never blocks another and a job's
    /// failure never tears the worker down.
    func runJobs() async {
        await withDiscardingTaskGroup { group in
            for await offer in offers {
                group.addTask { await self.runJob(offer) }
            }
        }
    }

    private func runJob(_ offer: JobOffer) async {
        defer {
            busy -= 1
            running[offer.jobId] = nil
            sendPoll()
        }
        var jobLogger = logger
        jobLogger[metadataKey: "job.id"] = "\(offer.jobId)"
        jobLogger[metadataKey: "action.name"] = "\(offer.data.pipelineContext.action.name)"

        // Claim the job; only an InProgress ACKED makes it ours.
        send(.ack(offer.claim))
        guard let acked = await awaitAck(offer.jobId), acked.status == .inProgress else {
            jobLogger.info("job not acknowledged; dropping it")
            return
        }
        running[offer.jobId] = offer.claim
        jobLogger.info("job started", metadata: ["action.type": "\(offer.data.actionTypeId)", "job.attempt": "\(offer.attempt)"])

        let jobDirectory = configuration.workDirectory.appendingPathComponent("jobs").appendingPathComponent("\(offer.jobId)-\(offer.nonce.prefix(8))")
        defer { try? FileManager.default.removeItem(at: jobDirectory) }
        let result = await execute(offer, in: jobDirectory, logger: jobLogger)

        let resultID = UUID().uuidString.lowercased()
        let message: WorkerMessage
        switch result {
        case .success(let outputs):
            message = .success(JobSucceeded(jobId: offer.jobId, nonce: offer.nonce, resultId: resultID, outputs: outputs))
            jobLogger.info("job succeeded")
        case .failure(let failure):
            message = .failure(JobFailed(jobId: offer.jobId, nonce: offer.nonce, resultId: resultID, failure: failure))
            jobLogger.info("job failed", metadata: ["failure.type": "\(failure.type.rawValue)", "failure.message": "\(failure.message)"])
        }
        await deliver(message, resultID: resultID, logger: jobLogger)
    }

    private enum Outcome {
        case success(ActionOutputs)
        case failure(FailureDetails)
    }

    private func execute(_ offer: JobOffer, in jobDirectory: URL, logger: Logger) async -> Outcome {
        guard let provider = providers[offer.data.actionTypeId] else {
            return .failure(FailureDetails(type: .configurationError, message: "This worker has no provider for action type \(offer.data.actionTypeId)"))
        }
        let workDirectory = jobDirectory.appendingPathComponent("src")
        let outputDirectory = jobDirectory.appendingPathComponent("out")
        var inputs: [String: URL] = [:]
        do {
            try FileManager.default.createDirectory(at: workDirectory, withIntermediateDirectories: true)
            try FileManager.default.createDirectory(at: outputDirectory, withIntermediateDirectories: true)
            for artifact in offer.data.inputArtifacts {
                inputs[artifact.name] = try await fetchInput(artifact)
            }
        } catch {
            return .failure(FailureDetails(type: .jobFailed, message: "\(error)"))
        }

        let logFile = jobDirectory.appendingPathComponent("log.txt")
        _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        let logHandle = try? FileHandle(forWritingTo: logFile)
        defer { try? logHandle?.close() }
        let context = JobContext(
            jobID: offer.jobId, data: offer.data, workDirectory: workDirectory, inputs: inputs,
            outputDirectory: outputDirectory, logger: logger,
            log: { text in logHandle?.write(Data(text.utf8)) })

        let result: ActionResult
        do {
            result = try await provider.run(context)
        } catch {
            return .failure(FailureDetails(type: .jobFailed, message: "\(error)"))
        }
        switch result {
        case .failed(let failure):
            return .failure(failure)
        case .succeeded(let products):
            var references: [ArtifactReference] = []
            for declared in offer.data.outputArtifacts {
                guard let file = products.artifacts[declared.name] else {
                    return .failure(FailureDetails(type: .jobFailed, message: "The action did not produce its output artifact \(declared.name)"))
                }
                do {
                    references.append(try await upload(file, name: declared.name))
                } catch {
                    return .failure(FailureDetails(type: .jobFailed, message: "\(error)"))
                }
            }
            return .success(ActionOutputs(artifacts: references, variables: products.variables, summary: products.summary))
        }
    }

    /// Sends a result until the coordinator acknowledges it: results are at-least-once, and the
    /// coordinator recognises a retransmission by its `resultId`.
    private func deliver(_ message: WorkerMessage, resultID: String, logger: Logger) async {
        var wait = Duration.seconds(1)
        while !Task.isCancelled {
            send(message)
            if let ack = await awaitResultAck(resultID, timeout: wait) {
                if ack.outcome == .missingArtifacts {
                    logger.warning("coordinator is missing output artifacts", metadata: ["artifacts": "\(ack.missing ?? [])"])
                }
                logger.debug("result acknowledged", metadata: ["result.outcome": "\(ack.outcome.rawValue)"])
                return
            }
            wait = min(wait * 2, .seconds(30))
        }
    }

    private enum Reply {
        case ack(JobID)
        case result(String)
    }

    private func awaitAck(_ jobID: JobID) async -> Acked? {
        await withCheckedContinuation { continuation in
            ackWaiters.add(jobID, continuation, timer: timeout(.ack(jobID), after: configuration.replyTimeout))
        }
    }

    private func awaitResultAck(_ resultID: String, timeout delay: Duration) async -> ResultAck? {
        await withCheckedContinuation { continuation in
            resultWaiters.add(resultID, continuation, timer: timeout(.result(resultID), after: delay))
        }
    }

    private func timeout(_ reply: Reply, after delay: Duration) -> Task<Void, Never> {
        Task { [weak self] in
            // Bridge: the reply's timer, cancelled by ReplyWaiters when the reply arrives.
            do { try await Task.sleep(for: delay) } catch { return }
            await self?.expire(reply)
        }
    }

    private func expire(_ reply: Reply) {
        switch reply {
        case .ack(let id): ackWaiters.resolve(id, with: nil)
        case .result(let id): resultWaiters.resolve(id, with: nil)
        }
    }
}
