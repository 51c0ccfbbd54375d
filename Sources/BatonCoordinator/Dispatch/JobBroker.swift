import BatonEngine
import BatonIdentifiers
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
    /// How long a worker has to claim a JOB before it is offered elsewhere under a new nonce. A
    /// worker claims a job by its ACK, by listing it in a HEARTBEAT, or by its result.
    package var ackDeadline: Duration = .seconds(10)
    /// A job safe to repeat may be claimed only by the worker's next heartbeat, so the deadline
    /// is never shorter than two heartbeat intervals.
    var effectiveAckDeadline: Duration { max(ackDeadline, heartbeatInterval * 2) }
    /// Dispatches of one job lost with their workers before the job is failed instead.
    package var maxLostAttempts = 5
    package var chunkSize = 1 << 20
    package var credit = 8
    /// A worker gets no new job while this many of its results per slot await recording.
    package var unrecordedResultsPerSlot = 16
    /// Messages the control socket queues to one worker per slot it may announce: a JOB, an
    /// ACKED or a CANCEL, and a RESULT_ACK for each result that may await recording, with room
    /// to spare. Beyond, ZeroMQ would drop them.
    static let queuedMessagesPerSlot = 24
    /// When set, HELLO must come over a CURVE connection whose ZAP user id is the worker id.
    package var requireAuthenticatedWorkers = false

    package init() {}
}

/// Hands jobs to workers over the control ROUTER socket and takes their results back.
///
/// Jobs wait in a `JobQueue`; a worker receives a job only when it advertises the job's action
/// type, carries its required labels, has not rejected it, and has credit (free slots it reported
/// in POLL, minus JOBs sent since). Each dispatch carries a fresh 128-bit nonce; ACK, PROGRESS,
/// LOG and results count only under the current one.
actor JobBroker {
    struct Dispatch {
        var entry: JobQueue.Entry
        var nonce: String
        var workerKey: [UInt8]
        var sentAt: ContinuousClock.Instant
        var acknowledged = false
    }

    let loop: SocketLoop
    let socket: OpenedSocket
    let engine: Engine
    let artifacts: ArtifactFiles
    let connections: SourceConnections
    let logs: JobLogs
    let configuration: DispatchConfiguration
    let artifactPort: Int
    let metrics: CoordinatorMetrics?
    let logger: Logger
    let identifiers = RandomIdentifiers()
    let epoch: String
    let clock = ContinuousClock()

    var workers: [[UInt8]: WorkerSession] = [:]
    var queue = JobQueue()
    var dispatched: [JobID: Dispatch] = [:]
    /// Results being made durable, by job: a retransmission of one waits for the first's RESULT_ACK.
    var settling: [JobID: String] = [:]
    /// Jobs whose reason for waiting has been logged, so a long wait logs once.
    var reportedWaits: [JobID: WaitingReason] = [:]
    var outbox = Outbox()

    /// Changes a worker's session where it is stored. `workers[key]?.field = …` moves the whole
    /// session through an Optional in an accessor coroutine too large for its caller's buffer,
    /// a malloc each time, on every message; a change through the entry's index makes none.
    func changeWorker(_ key: [UInt8], _ change: (inout WorkerSession) -> Void) {
        guard let index = workers.index(forKey: key) else { return }
        change(&workers.values[index])
    }

    /// As `changeWorker`, for a dispatched job.
    func changeDispatch(_ id: JobID, _ change: (inout Dispatch) -> Void) {
        guard let index = dispatched.index(forKey: id) else { return }
        change(&dispatched.values[index])
    }

    init(loop: SocketLoop, socket: OpenedSocket, engine: Engine, artifacts: ArtifactFiles, connections: SourceConnections, logs: JobLogs,
         configuration: DispatchConfiguration, artifactPort: Int, metrics: CoordinatorMetrics? = nil, logger: Logger) {
        self.loop = loop
        self.socket = socket
        self.engine = engine
        self.artifacts = artifacts
        self.connections = connections
        self.logs = logs
        self.configuration = configuration
        self.artifactPort = artifactPort
        self.metrics = metrics
        self.logger = logger
        epoch = identifiers.uuid()
    }

    /// Runs until cancelled: AsyncStream iteration and the timer's sleep both end on cancellation.
    func run() async {
        await withDiscardingTaskGroup { group in
            group.addTask { await self.takeDispatches() }
            group.addTask { await self.takeMessages() }
            group.addTask {
                // One timer for all workers and leases, once per heartbeat interval.
                while !Task.isCancelled {
                    try? await Task.sleep(for: self.configuration.heartbeatInterval)
                    await self.heartbeatTick()
                }
            }
        }
    }

    // MARK: - Inbound

    /// The loops run on the broker itself, so each command or message costs no executor hop.
    private func takeDispatches() async {
        for await command in engine.dispatches {
            switch command {
            case .run(let job): enqueue(job, attempt: job.attempt)
            case .withdraw(let id): withdraw(id)
            }
        }
    }

    private func takeMessages() async {
        for await message in socket.inbound { receive(message) }
    }

    private func receive(_ raw: Message) {
        let incoming: WireFrames.Incoming
        do {
            incoming = try WireFrames.decode(raw)
        } catch {
            logger.warning("dropped a malformed message on the control socket", metadata: ["error.message": "\(error)"])
            return
        }
        let key = incoming.routingID.bytes
        switch incoming.body {
        case .one(.hello(let hello), _):
            welcome(hello, routingID: incoming.routingID, authenticatedAs: incoming.userID)
        case .one(let message, let payload):
            guard known(key, routingID: incoming.routingID) else { return }
            var results: [ReportedResult] = []
            handle(message, payload: payload, from: key, routingID: incoming.routingID, results: &results)
            settle(results, routingID: incoming.routingID, key: key)
        case .batch(let messages):
            guard known(key, routingID: incoming.routingID) else { return }
            var results: [ReportedResult] = []
            for message in messages { handle(message, payload: nil, from: key, routingID: incoming.routingID, results: &results) }
            settle(results, routingID: incoming.routingID, key: key)
        }
    }

    /// Records the results a message carried, together, in a task of their own: the broker goes
    /// on with other messages while they are made durable.
    private func settle(_ results: [ReportedResult], routingID: Frame, key: [UInt8]) {
        guard !results.isEmpty else { return }
        Task { await settle(results, routingID: routingID, key: key) }
    }

    /// Whether the worker is known, which renews its liveness. A worker we do not know (we
    /// restarted, or it was declared dead) is told to HELLO again.
    private func known(_ key: [UInt8], routingID: Frame) -> Bool {
        guard workers[key] != nil else {
            send(.disconnect(Disconnect(reason: "unknown worker session; send HELLO")), to: routingID, key: key)
            return false
        }
        let now = clock.now
        changeWorker(key) { $0.lastSeen = now }
        return true
    }

    /// Handles one message; a result to record is added to `results`.
    private func handle(_ message: WorkerMessage, payload: Frame?, from key: [UInt8], routingID: Frame, results: inout [ReportedResult]) {
        switch message {
        case .hello:
            // Only alone (a BATCH may not carry one), and handled before this.
            break
        case .poll(let poll):
            credit(poll, from: key)
        case .ack(let ack):
            acknowledge(ack, from: key, routingID: routingID)
        case .reject(let rejection):
            reject(rejection, from: key)
        case .progress(let progress):
            guard isCurrent(progress.jobId, progress.nonce, from: key) else { return }
            Task {
                try? await engine.jobProgressed(progress.jobId, percent: progress.percentComplete, summary: progress.summary,
                                                externalExecutionId: progress.externalExecutionId)
            }
        case .details(let claim):
            details(claim, from: key, routingID: routingID)
        case .heartbeat(let heartbeat):
            for claim in heartbeat.running { claimed(claim.jobId, claim.nonce, by: key) }
            changeWorker(key) { $0.report(freeSlots: heartbeat.freeSlots, since: $0.jobSeq) }
            send(.heartbeat(CoordinatorHeartbeat(epoch: epoch)), to: routingID, key: key)
            assignQueued()
        case .success(let result):
            claimed(result.jobId, result.nonce, by: key)
            if beginSettling(result.jobId, resultID: result.resultId, from: key) { results.append(ReportedResult(result)) }
            if let poll = result.poll { credit(poll, from: key) }
        case .failure(let result):
            claimed(result.jobId, result.nonce, by: key)
            if beginSettling(result.jobId, resultID: result.resultId, from: key) { results.append(ReportedResult(result)) }
            if let poll = result.poll { credit(poll, from: key) }
        case .log(let chunk):
            guard isCurrent(chunk.jobId, chunk.nonce, from: key), let payload,
                  let job = dispatched[chunk.jobId]?.entry.job
            else { return }
            logs.write(payload, at: chunk.offset, for: job.data.pipelineContext.action.actionExecutionId)
        case .disconnect(let reason):
            logger.info("worker disconnected", metadata: ["worker.id": "\(workers[key]?.workerID ?? "?")", "reason": "\(reason.reason)"])
            dropWorker(key, because: "it disconnected")
        case .fetch, .putBegin, .putChunk, .putEnd:
            logger.warning("artifact command on the control socket ignored")
        }
    }

    private func welcome(_ hello: Hello, routingID: Frame, authenticatedAs userID: String?) {
        let key = routingID.bytes
        if configuration.requireAuthenticatedWorkers, userID != hello.workerId {
            logger.warning("refused a HELLO whose worker id does not match its CURVE key", metadata: [
                "worker.id": "\(hello.workerId)", "key.owner": "\(userID ?? "none")",
            ])
            send(.disconnect(Disconnect(reason: "worker id \(hello.workerId) does not match the CURVE key this connection authenticated with (\(userID ?? "none"))")), to: routingID)
            return
        }
        guard ProtocolVersion.slots.contains(hello.maxSlots) else {
            logger.warning("refused a HELLO with slots out of range", metadata: ["worker.id": "\(hello.workerId)", "worker.slots": "\(hello.maxSlots)"])
            let range = ProtocolVersion.slots
            send(.disconnect(Disconnect(reason: "HELLO's maxSlots is \(hello.maxSlots); expected \(range.lowerBound)...\(range.upperBound)")), to: routingID)
            return
        }
        // The same worker id under a new session means its old process is gone: release its jobs now.
        for (otherKey, other) in workers where other.workerID == hello.workerId && (otherKey != key || other.session != hello.session) {
            dropWorker(otherKey, because: "it came back as a new process")
        }
        // Whatever is still queued for this connection goes out first, in order.
        if let earlier = outbox.take(key) { loop.post(earlier, on: socket.handle) }
        workers[key] = WorkerSession(
            routingID: routingID, workerID: hello.workerId, session: hello.session,
            actionTypes: Set(hello.actionTypes), labels: hello.labels, maxSlots: hello.maxSlots,
            unrecordedResultLimit: hello.maxSlots * configuration.unrecordedResultsPerSlot,
            maxBatch: min(hello.maxBatch ?? 0, ProtocolVersion.maxBatch), lastSeen: clock.now)
        for query in hello.queries ?? [] { workers[key]?.queries[query.actionTypeId, default: []].append(query.queryParam) }
        // Jobs the worker still runs (we restarted, or it reconnected): re-attach them under the
        // nonce it holds instead of running them a second time elsewhere.
        for claim in hello.running {
            if let entry = queue.remove(claim.jobId) {
                dispatched[claim.jobId] = Dispatch(entry: entry, nonce: claim.nonce, workerKey: key, sentAt: clock.now, acknowledged: true)
                logger.info("re-attached a running job", metadata: ["job.id": "\(claim.jobId)", "worker.id": "\(hello.workerId)"])
            } else if let existing = dispatched[claim.jobId], existing.nonce == claim.nonce {
                changeDispatch(claim.jobId) { $0.workerKey = key }
            }
        }
        send(.welcome(Welcome(
            epoch: epoch,
            heartbeatIntervalMs: Int(configuration.heartbeatInterval / .milliseconds(1)),
            heartbeatLiveness: configuration.heartbeatLiveness,
            artifactPort: artifactPort,
            chunkSize: configuration.chunkSize,
            credit: configuration.credit,
            maxBatch: ProtocolVersion.maxBatch)), to: routingID, key: key)
        logger.info("worker connected", metadata: [
            "worker.id": "\(hello.workerId)", "worker.slots": "\(hello.maxSlots)",
            "worker.types": "\(hello.actionTypes.map(\.description).joined(separator: ","))",
            "worker.labels": "\(hello.labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ","))",
        ])
    }

    /// Whether `nonce` is the job's current dispatch to this worker; ACK, PROGRESS and LOG under
    /// any other nonce change nothing. Job traffic renews the lease.
    func isCurrent(_ id: JobID, _ nonce: String, from key: [UInt8]) -> Bool {
        guard let dispatch = dispatched[id], dispatch.nonce == nonce, dispatch.workerKey == key else { return false }
        return true
    }

    /// POLL, alone or riding on a result.
    private func credit(_ poll: Poll, from key: [UInt8]) {
        changeWorker(key) { $0.report(freeSlots: poll.freeSlots, since: poll.lastJobSeq) }
        assignQueued()
    }

    /// A heartbeat listing the job, or its result, claims it as an ACK would, but asks for no
    /// ACKED: only jobs safe to repeat start unacknowledged.
    private func claimed(_ id: JobID, _ nonce: String, by key: [UInt8]) {
        guard isCurrent(id, nonce, from: key) else { return }
        changeDispatch(id) { $0.acknowledged = true }
    }

    /// ACK: the job becomes the worker's if it holds the current dispatch. A worker that already
    /// started the job (`started`) hears back only when it is not.
    private func acknowledge(_ ack: JobAck, from key: [UInt8], routingID: Frame) {
        guard dispatched[ack.jobId] != nil else {
            send(.acked(Acked(jobId: ack.jobId, nonce: ack.nonce, status: .jobNotFound)), to: routingID)
            return
        }
        guard isCurrent(ack.jobId, ack.nonce, from: key) else {
            send(.acked(Acked(jobId: ack.jobId, nonce: ack.nonce, status: .invalidNonce)), to: routingID)
            return
        }
        changeDispatch(ack.jobId) { $0.acknowledged = true }
        if ack.started != true {
            send(.acked(Acked(jobId: ack.jobId, nonce: ack.nonce, status: .inProgress)), to: routingID)
        }
    }

    private func reject(_ rejection: JobRejected, from key: [UInt8]) {
        guard isCurrent(rejection.jobId, rejection.nonce, from: key), var dispatch = dispatched.removeValue(forKey: rejection.jobId),
              let worker = workers[key]
        else { return }
        logger.info("worker rejected a job", metadata: ["job.id": "\(rejection.jobId)", "worker.id": "\(worker.workerID)", "reason": "\(rejection.reason)"])
        dispatch.entry.excluded.insert(worker.workerID)
        queue.prepend(dispatch.entry)
        assignQueued()
    }

    private func details(_ claim: JobClaim, from key: [UInt8], routingID: Frame) {
        let answer: JobDetails
        if let dispatch = dispatched[claim.jobId] {
            answer = isCurrent(claim.jobId, claim.nonce, from: key)
                ? JobDetails(jobId: claim.jobId, nonce: claim.nonce, status: dispatch.acknowledged ? .inProgress : nil, data: dispatch.entry.job.data)
                : JobDetails(jobId: claim.jobId, nonce: claim.nonce, status: .invalidNonce)
        } else {
            answer = JobDetails(jobId: claim.jobId, nonce: claim.nonce, status: .jobNotFound)
        }
        send(.details(answer), to: routingID)
    }

    /// Sends `message` to a worker: through the outbox, batched with the others sent to it before
    /// the broker is idle, if it takes BATCHes; otherwise at once, behind anything still queued
    /// for it. `key` is the routing id's bytes, when the caller has them.
    func send(_ message: CoordinatorMessage, to routingID: Frame, key: [UInt8]? = nil) {
        let key = key ?? routingID.bytes
        let (command, header) = WireCodec.header(message)
        let limit = workers.index(forKey: key).map { workers.values[$0].maxBatch } ?? 0
        for ready in outbox.send(command, header, key: key, routingID: routingID, limit: limit) { loop.post(ready, on: socket.handle) }
        if !outbox.isEmpty, !outbox.flushScheduled {
            outbox.flushScheduled = true
            // Enqueued on the broker behind what already waits for it (results just made
            // durable, jobs just made ready), so those add to the batch before it leaves.
            Task { self.flushOutbox() }
        }
    }

    private func flushOutbox() {
        outbox.flushScheduled = false
        for message in outbox.drain() { loop.post(message, on: socket.handle) }
    }
}
