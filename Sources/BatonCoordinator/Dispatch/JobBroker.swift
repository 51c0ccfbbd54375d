import BatonEngine
import BatonModel
import BatonProtocol
import BatonStore
import Foundation
import Logging
import ZeroMQ

/// Settings of the job-worker protocol the coordinator announces in WELCOME.
package struct DispatchConfiguration: Sendable {
    package var heartbeatInterval: Duration = .seconds(2)
    /// Missed heartbeat intervals after which a worker is taken for dead and its jobs re-queued.
    package var heartbeatLiveness = 5
    package var chunkSize = 1 << 20
    package var credit = 8

    package init() {}
}

/// Hands jobs to workers over the control ROUTER socket and takes their results back.
///
/// Jobs wait in one queue in the order they became ready; a worker receives a job only when it
/// advertises the job's action type and has credit (free slots it reported in POLL, minus JOBs
/// sent since). Each dispatch carries a fresh nonce; a result counts only under the current one.
actor JobBroker {
    private struct Dispatch {
        var job: JobRecord
        var nonce: String
        var attempt: Int
        var workerKey: [UInt8]
        var acknowledged = false
    }

    private let loop: SocketLoop
    private let socket: OpenedSocket
    private let engine: Engine
    private let artifacts: ArtifactFiles
    private let configuration: DispatchConfiguration
    private let artifactPort: Int
    private let logger: Logger
    private let epoch = UUID().uuidString.lowercased()
    private let clock = ContinuousClock()

    private var workers: [[UInt8]: WorkerSession] = [:]
    private var queue: [(job: JobRecord, attempt: Int)] = []
    private var dispatched: [JobID: Dispatch] = [:]

    init(loop: SocketLoop, socket: OpenedSocket, engine: Engine, artifacts: ArtifactFiles, configuration: DispatchConfiguration, artifactPort: Int, logger: Logger) {
        self.loop = loop
        self.socket = socket
        self.engine = engine
        self.artifacts = artifacts
        self.configuration = configuration
        self.artifactPort = artifactPort
        self.logger = logger
    }

    /// Runs until cancelled: AsyncStream iteration and the timer's sleep both end on cancellation.
    func run() async {
        await withDiscardingTaskGroup { group in
            group.addTask {
                for await command in self.engine.dispatches {
                    switch command {
                    case .run(let job): await self.enqueue(job, attempt: job.attempt)
                    case .withdraw(let id): await self.withdraw(id)
                    }
                }
            }
            group.addTask {
                for await message in self.socket.inbound { await self.receive(message) }
            }
            group.addTask {
                // One timer for all workers: liveness is checked once per heartbeat interval.
                while !Task.isCancelled {
                    try? await Task.sleep(for: self.configuration.heartbeatInterval)
                    await self.heartbeatTick()
                }
            }
        }
    }

    // MARK: - Inbound

    private func receive(_ raw: Message) async {
        let incoming: WireFrames.Incoming
        do {
            incoming = try WireFrames.decode(raw)
        } catch {
            logger.warning("dropped a malformed message on the control socket", metadata: ["error.message": "\(error)"])
            return
        }
        let key = incoming.routingID.bytes
        if case .hello(let hello) = incoming.message {
            welcome(hello, routingID: incoming.routingID)
            return
        }
        guard workers[key] != nil else {
            // A worker we do not know (we restarted, or it was declared dead): it must HELLO again.
            send(.disconnect(Disconnect(reason: "unknown worker session; send HELLO")), to: incoming.routingID)
            return
        }
        workers[key]?.lastSeen = clock.now
        switch incoming.message {
        case .hello:
            break
        case .poll(let poll):
            workers[key]?.polledFreeSlots = poll.freeSlots
            workers[key]?.pollSeq = poll.lastJobSeq
            assignQueued()
        case .ack(let claim):
            acknowledge(claim, from: key, routingID: incoming.routingID)
        case .heartbeat(let heartbeat):
            workers[key]?.polledFreeSlots = heartbeat.freeSlots
            if let seq = workers[key]?.jobSeq { workers[key]?.pollSeq = seq }
            send(.heartbeat(CoordinatorHeartbeat(epoch: epoch)), to: incoming.routingID)
            assignQueued()
        case .success(let result):
            await succeeded(result, routingID: incoming.routingID)
        case .failure(let result):
            await failed(result, routingID: incoming.routingID)
        case .log:
            break
        case .disconnect(let reason):
            logger.info("worker disconnected", metadata: ["worker.id": "\(workers[key]?.workerID ?? "?")", "reason": "\(reason.reason)"])
            dropWorker(key)
        case .fetch, .putBegin, .putChunk, .putEnd:
            logger.warning("artifact command on the control socket ignored")
        }
    }

    private func welcome(_ hello: Hello, routingID: Frame) {
        let key = routingID.bytes
        // The same worker id under a new session means its old process is gone: release its jobs now.
        for (otherKey, other) in workers where other.workerID == hello.workerId && (otherKey != key || other.session != hello.session) {
            dropWorker(otherKey)
        }
        workers[key] = WorkerSession(
            routingID: routingID, workerID: hello.workerId, session: hello.session,
            actionTypes: Set(hello.actionTypes), labels: hello.labels, maxSlots: hello.maxSlots, lastSeen: clock.now)
        // Jobs the worker still runs (we restarted, or it reconnected): re-attach them under the
        // nonce it holds instead of running them a second time elsewhere.
        for claim in hello.running {
            if let index = queue.firstIndex(where: { $0.job.id == claim.jobId }) {
                let entry = queue.remove(at: index)
                dispatched[claim.jobId] = Dispatch(job: entry.job, nonce: claim.nonce, attempt: entry.attempt, workerKey: key, acknowledged: true)
                logger.info("re-attached a running job", metadata: ["job.id": "\(claim.jobId)", "worker.id": "\(hello.workerId)"])
            } else if let existing = dispatched[claim.jobId], existing.nonce == claim.nonce {
                dispatched[claim.jobId]?.workerKey = key
            }
        }
        send(.welcome(Welcome(
            epoch: epoch,
            heartbeatIntervalMs: Int(configuration.heartbeatInterval / .milliseconds(1)),
            heartbeatLiveness: configuration.heartbeatLiveness,
            artifactPort: artifactPort,
            chunkSize: configuration.chunkSize,
            credit: configuration.credit)), to: routingID)
        logger.info("worker connected", metadata: [
            "worker.id": "\(hello.workerId)", "worker.slots": "\(hello.maxSlots)",
            "worker.types": "\(hello.actionTypes.map(\.description).joined(separator: ","))",
        ])
    }

    private func acknowledge(_ claim: JobClaim, from key: [UInt8], routingID: Frame) {
        guard let dispatch = dispatched[claim.jobId] else {
            send(.acked(Acked(jobId: claim.jobId, nonce: claim.nonce, status: .jobNotFound)), to: routingID)
            return
        }
        guard dispatch.nonce == claim.nonce, dispatch.workerKey == key else {
            send(.acked(Acked(jobId: claim.jobId, nonce: claim.nonce, status: .invalidNonce)), to: routingID)
            return
        }
        dispatched[claim.jobId]?.acknowledged = true
        send(.acked(Acked(jobId: claim.jobId, nonce: claim.nonce, status: .inProgress)), to: routingID)
    }

    private func succeeded(_ result: JobSucceeded, routingID: Frame) async {
        let missing = result.outputs.artifacts.filter { artifacts.size(of: $0.digest) != $0.size }.map(\.name)
        if !missing.isEmpty {
            send(.resultAck(ResultAck(jobId: result.jobId, nonce: result.nonce, resultId: result.resultId, outcome: .missingArtifacts, missing: missing)), to: routingID)
            return
        }
        await settle(result.jobId, nonce: result.nonce, resultID: result.resultId, routingID: routingID) {
            try await self.engine.jobSucceeded(result.jobId, resultID: result.resultId, outputs: result.outputs)
        }
    }

    private func failed(_ result: JobFailed, routingID: Frame) async {
        await settle(result.jobId, nonce: result.nonce, resultID: result.resultId, routingID: routingID) {
            try await self.engine.jobFailed(result.jobId, resultID: result.resultId, failure: result.failure)
        }
    }

    /// Records a result through the engine (durably) and only then acknowledges it.
    private func settle(_ jobID: JobID, nonce: String, resultID: String, routingID: Frame, record: () async throws -> JobResultDisposition) async {
        let outcome: ResultAck.Outcome
        if let dispatch = dispatched[jobID], dispatch.nonce != nonce {
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
            // A job we did not dispatch in this session (the result comes from before a restart)
            // may be queued again: it needs no second run. A dispatched job is never queued.
            if outcome == .accepted, dispatched.removeValue(forKey: jobID) == nil {
                queue.removeAll { $0.job.id == jobID }
            }
        }
        send(.resultAck(ResultAck(jobId: jobID, nonce: nonce, resultId: resultID, outcome: outcome)), to: routingID)
    }

    // MARK: - Dispatch

    private func enqueue(_ job: JobRecord, attempt: Int) {
        queue.append((job, attempt))
        assignQueued()
    }

    /// Forgets a job whose action was abandoned or cancelled; a result for it is stale.
    private func withdraw(_ id: JobID) {
        queue.removeAll { $0.job.id == id }
        dispatched[id] = nil
    }

    /// Hands queued jobs, oldest first, to workers with credit. Stops as soon as no worker has
    /// credit left, so a long queue costs nothing while every worker is busy.
    private func assignQueued() {
        guard !queue.isEmpty, workers.values.contains(where: { $0.credit > 0 }) else { return }
        var remaining: [(job: JobRecord, attempt: Int)] = []
        remaining.reserveCapacity(queue.count)
        var index = queue.startIndex
        while index < queue.endIndex {
            let entry = queue[index]
            if let key = pickWorker(for: entry.job.data.actionTypeId) {
                dispatch(entry.job, attempt: entry.attempt, to: key)
                if !workers.values.contains(where: { $0.credit > 0 }) {
                    remaining += queue[(index + 1)...]
                    break
                }
            } else {
                remaining.append(entry)
            }
            index += 1
        }
        queue = remaining
    }

    /// The worker with the most credit among those that can run `type`.
    private func pickWorker(for type: ActionTypeID) -> [UInt8]? {
        var best: (key: [UInt8], credit: Int)?
        for (key, worker) in workers where worker.credit > (best?.credit ?? 0) && worker.canRun(type) {
            best = (key, worker.credit)
        }
        return best?.key
    }

    private func dispatch(_ job: JobRecord, attempt: Int, to key: [UInt8]) {
        guard var worker = workers[key] else { return }
        worker.jobSeq += 1
        workers[key] = worker
        let nonce = UUID().uuidString.lowercased()
        dispatched[job.id] = Dispatch(job: job, nonce: nonce, attempt: attempt, workerKey: key)
        send(.job(JobOffer(jobSeq: worker.jobSeq, jobId: job.id, nonce: nonce, attempt: attempt, data: job.data)), to: worker.routingID)
        logger.debug("job dispatched", metadata: ["job.id": "\(job.id)", "worker.id": "\(worker.workerID)", "job.attempt": "\(attempt)"])
    }

    private func heartbeatTick() {
        let deadline = clock.now - configuration.heartbeatInterval * configuration.heartbeatLiveness
        for (key, worker) in workers where worker.lastSeen < deadline {
            logger.warning("worker missed its heartbeats; re-queueing its jobs", metadata: ["worker.id": "\(worker.workerID)"])
            dropWorker(key)
        }
        for worker in workers.values {
            send(.heartbeat(CoordinatorHeartbeat(epoch: epoch)), to: worker.routingID)
        }
    }

    /// Forgets a worker and puts its jobs back at the front of the queue, to run under new nonces.
    private func dropWorker(_ key: [UInt8]) {
        workers[key] = nil
        let lost = dispatched.filter { $0.value.workerKey == key }
        for (id, dispatch) in lost {
            dispatched[id] = nil
            queue.insert((dispatch.job, dispatch.attempt + 1), at: 0)
        }
        if !lost.isEmpty { assignQueued() }
    }

    private func send(_ message: CoordinatorMessage, to routingID: Frame) {
        loop.post(WireFrames.encode(message, to: routingID), on: socket.handle)
    }
}
