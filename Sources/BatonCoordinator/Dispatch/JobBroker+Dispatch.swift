import BatonEngine
import BatonIdentifiers
import BatonModel
import BatonProtocol
import BatonStore
import Foundation
import Logging
import Prometheus

extension JobBroker {
    /// A job waiting for credit is the normal case for a moment; why a job still waits is
    /// reported by `heartbeatTick`, off this path.
    func enqueue(_ job: JobRecord, attempt: Int) {
        queue.append(JobQueue.Entry(job: job, attempt: attempt))
        assignQueued()
    }

    /// Forgets a job whose action was abandoned, timed out or cancelled, and tells the worker
    /// running it to stop; any result for it is stale.
    func withdraw(_ id: JobID) {
        _ = queue.remove(id)
        reportedWaits[id] = nil
        guard let dispatch = dispatched.removeValue(forKey: id) else { return }
        logs.finish(dispatch.entry.job.data.pipelineContext.action.actionExecutionId)
        if let worker = workers[dispatch.workerKey] {
            send(.cancel(JobCancelled(jobId: id, nonce: dispatch.nonce, reason: "the action no longer needs this job")), to: worker.routingID)
        }
    }

    /// Hands queued jobs to workers with credit, round-robin across pipelines. Stops as soon as
    /// no worker has credit left, so a long queue costs nothing while every worker is busy.
    func assignQueued() {
        guard !queue.isEmpty else { return }
        queue.drain(
            hasCapacity: { workers.values.contains { $0.credit > 0 } },
            mayRun: { type in workers.values.contains { $0.credit > 0 && $0.canRun(type) } }
        ) { entry in
            guard let key = pickWorker(for: entry) else { return false }
            dispatch(entry, to: key)
            return true
        }
    }

    /// The worker with the most credit among those that may run the job.
    private func pickWorker(for entry: JobQueue.Entry) -> [UInt8]? {
        let data = entry.job.data
        var best: (key: [UInt8], credit: Int)?
        for (key, worker) in workers where worker.credit > (best?.credit ?? 0)
            && worker.canRun(data) && worker.carries(data.requiredLabels) && !entry.excluded.contains(worker.workerID) {
            best = (key, worker.credit)
        }
        return best?.key
    }

    private func dispatch(_ entry: JobQueue.Entry, to key: [UInt8]) {
        guard let index = workers.index(forKey: key) else { return }
        workers.values[index].jobSeq += 1
        let jobSeq = workers.values[index].jobSeq, routingID = workers.values[index].routingID
        let nonce = lease(entry, to: key)
        var data = entry.job.data
        // A git source learns its repository now, so a connection changed since the job was
        // made applies, and workers need no copy of the connections.
        if case .success(let repository)? = connections.repository(for: data.actionTypeId, configuration: data.actionConfiguration.configuration) {
            data.sourceRepository = repository.url
        }
        send(.job(JobOffer(jobSeq: jobSeq, jobId: entry.job.id, nonce: nonce, attempt: entry.attempt, data: data)), to: routingID, key: key)
    }

    /// Records `entry` as dispatched to the worker `key` (a ZeroMQ routing id, or the HTTP
    /// pollers' key) under a fresh nonce, which it returns.
    func lease(_ entry: JobQueue.Entry, to key: [UInt8]) -> String {
        let nonce = identifiers.hex128()
        let now = clock.now
        dispatched[entry.job.id] = Dispatch(entry: entry, nonce: nonce, workerKey: key, sentAt: now)
        metrics?.dispatchLatency.record(now - entry.readyAt)
        reportedWaits[entry.job.id] = nil
        return nonce
    }

    /// Why `job` still waits after a heartbeat interval; logged once per reason.
    private func reportWait(_ job: JobRecord) {
        let reason = waitingReason(job.data)
        guard reportedWaits[job.id] != reason else { return }
        reportedWaits[job.id] = reason
        logger.info("job waits for a worker", metadata: [
            "job.id": "\(job.id)", "action.name": "\(job.actionName)", "reason": "\(reason)",
        ])
    }

    func waitingReason(_ data: JobData) -> WaitingReason {
        let typed = workers.values.filter { $0.canRun(data) }
        if typed.isEmpty { return .noWorkerForType(data.actionTypeId) }
        let labelled = typed.filter { $0.carries(data.requiredLabels) }
        if labelled.isEmpty { return .labelsUnmatched(data.requiredLabels ?? [:]) }
        return .allBusy(labelled.count)
    }

    // MARK: - Liveness and leases

    func heartbeatTick() {
        let now = clock.now
        let silentSince = now - configuration.heartbeatInterval * configuration.heartbeatLiveness
        for (key, worker) in workers where worker.lastSeen < silentSince {
            logger.warning("worker missed its heartbeats", metadata: ["worker.id": "\(worker.workerID)"])
            dropWorker(key, because: "it missed \(configuration.heartbeatLiveness) heartbeats")
        }
        // A JOB nobody claimed in time goes to another worker under a new nonce; the silent
        // worker is told to drop it.
        for (id, dispatch) in dispatched where !dispatch.acknowledged && now - dispatch.sentAt > configuration.effectiveAckDeadline {
            dispatched[id] = nil
            if let worker = workers[dispatch.workerKey] {
                send(.cancel(JobCancelled(jobId: id, nonce: dispatch.nonce, reason: "not claimed in time")), to: worker.routingID)
            }
            // The worker may have started it (a job safe to repeat starts unclaimed) and died
            // before its first heartbeat: this counts as a lost attempt.
            var entry = dispatch.entry
            entry.attempt += 1
            logger.warning("job not claimed in time; offering it again", metadata: ["job.id": "\(id)", "job.attempt": "\(entry.attempt)"])
            queue.prepend(entry)
        }
        for worker in workers.values {
            send(.heartbeat(CoordinatorHeartbeat(epoch: epoch)), to: worker.routingID)
        }
        assignQueued()
        for entry in queue.entries { reportWait(entry.job) }
    }

    /// Forgets a worker. Its jobs run again under new nonces, at the front of their line —
    /// except jobs of action types that are not safe to repeat (deploys and invokes), which
    /// fail, and jobs that have already lost too many workers.
    func dropWorker(_ key: [UInt8], because reason: String) {
        guard let worker = workers.removeValue(forKey: key) else { return }
        let lost = dispatched.filter { $0.value.workerKey == key }
        for (id, dispatch) in lost {
            dispatched[id] = nil
            guard settling[id] == nil else { continue }  // its result is being recorded
            let job = dispatch.entry.job
            let unsafeToRepeat = dispatch.acknowledged && !job.data.actionTypeId.isSafeToRepeat
            if unsafeToRepeat || dispatch.entry.attempt >= configuration.maxLostAttempts {
                let message = unsafeToRepeat
                    ? "The worker \(worker.workerID) running this \(job.data.actionTypeId.category) action was lost (\(reason)); it is not run again automatically because it may have partly happened. Retry the stage to run it again."
                    : "The job lost \(dispatch.entry.attempt) workers in a row (the last, \(worker.workerID), because \(reason)); giving up."
                logger.warning("failing a job whose worker was lost", metadata: ["job.id": "\(id)", "worker.id": "\(worker.workerID)"])
                let resultID = "lost-\(dispatch.nonce)"
                Task { _ = try? await engine.jobFailed(id, resultID: resultID, failure: FailureDetails(type: .systemUnavailable, message: message)) }
                continue
            }
            logger.info("re-queueing a lost worker's job", metadata: ["job.id": "\(id)", "worker.id": "\(worker.workerID)"])
            var entry = dispatch.entry
            entry.attempt += 1
            queue.prepend(entry)
        }
        if !lost.isEmpty { assignQueued() }
    }
}
