import BatonIdentifiers
import BatonModel
import BatonProtocol
import BatonTiming
import Foundation
import Logging
import ServiceLifecycle
import ZeroMQ

// BatonWorker: the worker runtime. `Worker` connects to a coordinator over two DEALER sockets
// (control and artifacts), says HELLO, keeps standing credit with POLL, acknowledges each JOB
// before running it, moves artifacts with checksums, and retransmits each result until the
// coordinator acknowledges it. What a job *does* is an `ActionProvider`'s business.

package actor Worker: Service {
    let configuration: WorkerConfiguration
    let providers: [ActionTypeID: any ActionProvider]
    let logger: Logger
    let loop: SocketLoop
    let identifiers = RandomIdentifiers()
    let session: String
    let clock = ContinuousClock()
    /// Where each job gets a directory, made only if the job needs files.
    let jobsDirectory: URL

    var control: OpenedSocket?
    var artifacts: OpenedSocket?
    var welcome: Welcome?
    var lastHeard: ContinuousClock.Instant
    var lastJobSeq = 0
    /// Offers accepted but not finished, so free slots are right.
    var busy = 0
    var running: [JobID: JobClaim] = [:]
    /// Every job from its JOB until it is done, by the nonce it was offered under: a task of its
    /// own, so a CANCEL can stop it (its process is torn down).
    var jobRuns: [String: Task<Void, Never>] = [:]
    /// Jobs whose provider is running, by nonce: only these does a CANCEL stop.
    var executing: Set<String> = []
    var cancelledJobs: Set<JobID> = []
    var ackWaiters = ReplyWaiters<JobID, Acked>()
    var resultWaiters = ReplyWaiters<String, ResultAck>()
    var chunkStreams: [ArtifactDigest: AsyncStream<ArtifactReply>.Continuation] = [:]
    var uploadStreams: [String: AsyncStream<ArtifactReply>.Continuation] = [:]
    /// Upload chunk buffers, reused; sized by the session's chunk size.
    var chunkBuffers: FrameBufferPool?
    var downloads: [ArtifactDigest: Task<URL, any Error>] = [:]
    /// Transfers waiting for the artifact socket to be open again after a reconnect.
    var artifactSocketWaiters = ReplyWaiters<UUID, Bool>()
    var transferTicks = TransferTicks()
    let replyAlarm = DeadlineAlarm()
    /// Set when the worker stops: no reply will come or expire any more, so waits end at once.
    var replyWaitsEnded = false
    /// Control messages waiting to leave together (a command and a header frame each).
    var outbox: [Frame] = []
    var outboxFlushScheduled = false

    /// A reply on the artifact socket, with the payload frame of a CHUNK.
    enum ArtifactReply: Sendable {
        case chunk(Chunk, Frame)
        case credit(PutCredit)
        case done(PutDone)
        case error(ArtifactError)
        /// The connection was lost; the transfer resumes once the worker has reconnected.
        case interrupted
        /// A tick of the transfer's watchdog: a transfer with no reply since the last tick asks
        /// again (a message dropped on a full or reconnecting socket would stall it forever).
        case tick
    }

    package init(configuration: WorkerConfiguration, providers: [any ActionProvider], logger: Logger) throws {
        self.configuration = configuration
        var byType: [ActionTypeID: any ActionProvider] = [:]
        for provider in providers {
            for type in provider.actionTypes { byType[type] = provider }
        }
        self.providers = byType
        self.logger = logger
        session = identifiers.uuid()
        jobsDirectory = configuration.workDirectory.appendingPathComponent("jobs")
        loop = try SocketLoop(context: try ZeroMQContext(scheduling: .batch), logger: logger, name: "baton-wkr-zmq")
        lastHeard = ContinuousClock().now
    }

    package func run() async throws {
        guard ProtocolVersion.slots.contains(configuration.maxConcurrentJobs) else { throw WorkerError.slotsOutOfRange(configuration.maxConcurrentJobs) }
        try FileManager.default.createDirectory(at: configuration.workDirectory.appendingPathComponent("cache"), withIntermediateDirectories: true)
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { try? await self.loop.run() }
                group.addTask { await self.expireReplies() }
                await self.stayConnected()
                await self.finishJobs()
                group.cancelAll()
            }
        }
    }

    // MARK: - Connection

    /// Connects, says HELLO, and reads messages; when the coordinator goes silent or sends
    /// DISCONNECT, starts over on new sockets (a libzmq reconnect alone would not re-register us).
    private func stayConnected() async {
        var backoff = Duration.milliseconds(250)
        while !Task.isCancelled {
            do {
                try await connectAndServe()
                backoff = .milliseconds(250)
            } catch where !Task.isCancelled {
                logger.warning("lost the coordinator; reconnecting", metadata: ["error.message": "\(error)", "retry.in": "\(backoff)"])
            } catch {
                break
            }
            closeSockets()
            try? await Task.sleep(for: backoff)
            backoff = min(backoff * 2, .seconds(30))
        }
        closeSockets(stopping: true)
    }

    private func connectAndServe() async throws {
        var options = SocketOptions()
        options.immediate = true
        options.reconnectInterval = 250
        options.reconnectIntervalMax = 30_000
        options.maxMessageSize = 8 << 20
        options.maxFramesPerMessage = ProtocolVersion.maxFrames - 1
        options.heartbeatInterval = 5_000
        options.heartbeatTimeout = 15_000
        options.heartbeatTTL = 30_000
        if let curve = configuration.curve { options.curve = .client(keys: curve.keys, serverKey: curve.coordinatorKey) }
        let control = try await loop.open(SocketSpec(.dealer, options: options, connect: [configuration.coordinatorEndpoint]))
        self.control = control
        welcome = nil
        lastHeard = clock.now
        sendHello()

        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                await self.takeMessages(from: control)
                throw WorkerError.noReply(what: "messages (connection closed)", endpoint: self.configuration.coordinatorEndpoint)
            }
            group.addTask { try await self.watchLiveness() }
            defer { group.cancelAll() }
            try await group.next()
        }
    }

    /// Runs on the worker itself, so each message costs no executor hop.
    private func takeMessages(from control: OpenedSocket) async {
        for await message in control.inbound { await receiveControl(message, on: control.handle) }
    }

    /// Sends HEARTBEAT each interval and gives up on a coordinator that has been silent too long.
    private func watchLiveness() async throws {
        while !Task.isCancelled {
            let interval = Duration.milliseconds(welcome?.heartbeatIntervalMs ?? 2_000)
            try await Task.sleep(for: interval)
            let liveness = welcome?.heartbeatLiveness ?? 5
            if clock.now - lastHeard > interval * liveness {
                throw WorkerError.noReply(what: welcome == nil ? "WELCOME" : "heartbeat", endpoint: configuration.coordinatorEndpoint)
            }
            if welcome != nil {
                let freeSlots = freeSlots
                let (heartbeat, leftOut) = ClaimList.fitting(claimsByImportance()) { .heartbeat(WorkerHeartbeat(running: $0, freeSlots: freeSlots)) }
                if leftOut > 0 {
                    // Only results waiting for their acknowledgement: each result claims its job.
                    logger.debug("HEARTBEAT lists only the claims that fit", metadata: ["claims.left_out": "\(leftOut)"])
                }
                send(heartbeat)
            } else {
                // No WELCOME yet: the coordinator may have started after us; say HELLO again.
                sendHello()
            }
        }
    }

    /// HELLO with what this worker runs and the jobs it still holds.
    private func sendHello() {
        let (hello, leftOut) = ClaimList.fitting(claimsByImportance()) { claims in
            .hello(Hello(
                workerId: configuration.workerID, session: session, actionTypes: Array(providers.keys),
                labels: configuration.labels, maxSlots: configuration.maxConcurrentJobs, running: claims,
                queries: configuration.queries.isEmpty ? nil : configuration.queries, maxBatch: ProtocolVersion.maxBatch))
        }
        if leftOut > 0 {
            logger.warning("HELLO cannot name every job this worker holds; the coordinator may run those again", metadata: [
                "claims.left_out": "\(leftOut)", "claims.total": "\(running.count)",
            ])
        }
        send(hello)
    }

    /// Claims on the jobs this worker holds: those still running first, then those whose result
    /// waits for its acknowledgement (a HELLO or HEARTBEAT may not have room for all of them).
    private func claimsByImportance() -> [JobClaim] {
        let claims = Array(running.values)
        return claims.filter { executing.contains($0.nonce) } + claims.filter { !executing.contains($0.nonce) }
    }

    private func receiveControl(_ raw: Message, on handle: SocketHandle) async {
        // Messages still buffered from a socket closed since (several DISCONNECTs queued before
        // the first was read) must not close the connection that replaced it.
        guard handle == control?.handle else { return }
        let incoming: WorkerFrames.Incoming
        do {
            incoming = try WorkerFrames.decode(raw)
        } catch {
            logger.warning("dropped a malformed message from the coordinator", metadata: ["error.message": "\(error)"])
            return
        }
        lastHeard = clock.now
        switch incoming.body {
        case .one(let message, _):
            await handleControl(message)
        case .batch(let messages):
            // A DISCONNECT inside closes the connection: the rest belonged to it.
            for message in messages where handle == control?.handle { await handleControl(message) }
        }
    }

    private func handleControl(_ message: CoordinatorMessage) async {
        switch message {
        case .welcome(let welcome):
            await accept(welcome)
        case .job(let offer):
            lastJobSeq = max(lastJobSeq, offer.jobSeq)
            busy += 1
            // Started here, not handed to a task that starts tasks: on the worker's executor at
            // once, one hop from the socket to the provider.
            jobRuns[offer.nonce] = Task { await self.runJob(offer) }
        case .acked(let acked):
            ackWaiters.resolve(acked.jobId, with: acked)
        case .resultAck(let ack):
            resultWaiters.resolve(ack.resultId, with: ack)
        case .cancel(let cancel):
            cancelJob(cancel)
        case .details(let details):
            logger.debug("job details", metadata: ["job.id": "\(details.jobId)", "status": "\(details.status?.rawValue ?? "-")"])
        case .heartbeat:
            break
        case .disconnect(let disconnect):
            logger.info("coordinator asked us to reconnect", metadata: ["reason": "\(disconnect.reason)"])
            closeSockets()
        default:
            logger.warning("unexpected message on the control socket")
        }
    }

    private func accept(_ welcome: Welcome) async {
        self.welcome = welcome
        if chunkBuffers?.blockSize != welcome.chunkSize {
            chunkBuffers = FrameBufferPool(blockSize: welcome.chunkSize, keep: welcome.credit + 2)
        }
        // Job sequence numbers count per session: the coordinator starts again from zero.
        lastJobSeq = 0
        if let old = artifacts { loop.close(old.handle) }
        var options = SocketOptions()
        options.immediate = true
        options.maxMessageSize = Int64(welcome.chunkSize + 65_536)
        options.maxFramesPerMessage = 4
        options.receiveHighWaterMark = Int32(welcome.credit * ProtocolVersion.queuedTransfersPerPeer)
        if let curve = configuration.curve { options.curve = .client(keys: curve.keys, serverKey: curve.coordinatorKey) }
        do {
            let socket = try await loop.open(SocketSpec(.dealer, options: options, connect: [configuration.artifactEndpoint(port: welcome.artifactPort)]))
            artifacts = socket
            artifactSocketWaiters.resolveAll(with: true)
            Task { [weak self] in
                // Bridge: one reader per artifact socket, ended when the socket closes.
                for await message in socket.inbound { await self?.receiveArtifact(message, on: socket.handle) }
            }
        } catch {
            logger.error("cannot open the artifact socket", metadata: ["error.message": "\(error)"])
        }
        logger.info("connected to the coordinator", metadata: ["coordinator": "\(configuration.coordinatorEndpoint)"])
        sendPoll()
    }

    private func receiveArtifact(_ raw: Message, on handle: SocketHandle) {
        // What an earlier socket still delivers belongs to requests made before a reconnect,
        // which the transfers have already made again.
        guard handle == artifacts?.handle else { return }
        let message: CoordinatorMessage, payload: Frame?
        do {
            guard case .one(let one, let frame) = try WorkerFrames.decode(raw).body else {
                throw ProtocolError.unexpectedCommand(.coordinatorBatch, socket: "worker's artifact socket")
            }
            (message, payload) = (one, frame)
        } catch {
            logger.warning("dropped a malformed artifact message", metadata: ["error.message": "\(error)"])
            return
        }
        switch message {
        case .chunk(let chunk):
            if let payload { chunkStreams[chunk.digest]?.yield(.chunk(chunk, payload)) }
        case .putCredit(let credit):
            uploadStreams[credit.uploadId]?.yield(.credit(credit))
        case .putDone(let done):
            uploadStreams[done.uploadId]?.yield(.done(done))
        case .artifactError(let error):
            if let digest = error.digest { chunkStreams[digest]?.yield(.error(error)) }
            if let id = error.uploadId { uploadStreams[id]?.yield(.error(error)) }
        default:
            logger.warning("unexpected message on the artifact socket")
        }
    }

    /// Closes both sockets. Transfers in progress are told they were interrupted and wait for
    /// the next connection to resume, unless the worker is `stopping`.
    private func closeSockets(stopping: Bool = false) {
        if let control { loop.close(control.handle) }
        if let artifacts { loop.close(artifacts.handle) }
        control = nil
        artifacts = nil
        welcome = nil
        // Queued for the connection just closed; results are sent again on the next one.
        outbox.removeAll()
        if stopping {
            for stream in chunkStreams.values { stream.finish() }
            for stream in uploadStreams.values { stream.finish() }
            artifactSocketWaiters.resolveAll(with: false)
        } else {
            for stream in chunkStreams.values { stream.yield(.interrupted) }
            for stream in uploadStreams.values { stream.yield(.interrupted) }
        }
    }

    /// Waits until the artifact socket is open (again), up to `limit`; false if it is not.
    func artifactSocketOpen(within limit: Duration) async -> Bool {
        if artifacts != nil { return true }
        guard !replyWaitsEnded else { return false }
        return await withCheckedContinuation { continuation in
            artifactSocketWaiters.add(UUID(), continuation, deadline: replyDeadline(after: limit))
        } ?? false
    }

    // MARK: - Reply deadlines

    /// The deadline `delay` from now, armed on the reply alarm.
    func replyDeadline(after delay: Duration) -> ContinuousClock.Instant {
        let deadline = clock.now + delay
        replyAlarm.armed(deadline)
        return deadline
    }

    /// Gives up on replies as their deadlines pass: one loop for every wait of this worker.
    private func expireReplies() async {
        while !Task.isCancelled {
            let now = clock.now
            let next = [ackWaiters.expire(at: now), resultWaiters.expire(at: now), artifactSocketWaiters.expire(at: now), transferTicks.fire(at: now)]
                .compactMap { $0 }.min()
            replyAlarm.willWake(at: next)
            await replyAlarm.sleep(until: next)
        }
        // Stopping: nothing expires waits any more, so none may outlast this loop.
        replyWaitsEnded = true
        ackWaiters.resolveAll(with: nil)
        resultWaiters.resolveAll(with: nil)
        artifactSocketWaiters.resolveAll(with: nil)
    }

    // MARK: - Sending

    var freeSlots: Int { max(0, configuration.maxConcurrentJobs - busy) }

    func sendPoll() {
        send(.poll(Poll(freeSlots: freeSlots, lastJobSeq: lastJobSeq)))
    }

    /// Sends `message` on the control socket: batched with the others sent before the worker is
    /// idle, when the coordinator takes BATCHes (WELCOME's `maxBatch`); otherwise at once,
    /// behind anything still queued.
    func send(_ message: WorkerMessage, payload: Frame? = nil) {
        guard let control else { return }
        let (command, header) = WireCodec.header(message)
        let limit = min(welcome?.maxBatch ?? 0, ProtocolVersion.maxBatch)
        guard payload == nil, limit >= 2, command.isBatchable else {
            flushOutbox()
            loop.post(WorkerFrames.encode(command, header, payload: payload), on: control.handle)
            return
        }
        outbox.append(Frame([command.rawValue]))
        outbox.append(Frame(header))
        if outbox.count >= 2 * limit {
            flushOutbox()
        } else if !outboxFlushScheduled {
            outboxFlushScheduled = true
            // Enqueued on the worker behind what already waits for it (other jobs finishing, the
            // rest of a BATCH), so their messages leave together.
            Task { self.flushOutbox() }
        }
    }

    private func flushOutbox() {
        outboxFlushScheduled = false
        guard !outbox.isEmpty else { return }
        defer { outbox.removeAll(keepingCapacity: true) }
        guard let control else { return }
        loop.post(WorkerFrames.encode(batched: outbox), on: control.handle)
    }

    func sendArtifact(_ message: WorkerMessage, payload: Frame? = nil) -> Bool {
        guard let artifacts else { return false }
        loop.post(WorkerFrames.encode(message, payload: payload), on: artifacts.handle)
        return true
    }
}

/// Glue between ZeroMQ messages and the codec on the worker's DEALER sockets (no routing id).
enum WorkerFrames {
    struct Incoming {
        enum Body {
            /// One message, with its payload frame if its command has one.
            case one(CoordinatorMessage, payload: Frame?)
            /// A BATCH's messages, in the order they were sent.
            case batch([CoordinatorMessage])
        }

        let body: Body
    }

    static func decode(_ message: Message) throws(ProtocolError) -> Incoming {
        let frames = message.frames
        if frames.count >= 2, frames[1].withUnsafeBytes({ $0.count == 1 && WireCodec.isBatch($0[0]) }) {
            return Incoming(body: .batch(try WireCodec.decodeCoordinatorBatch(frames.map(\.bytes))))
        }
        // Only the small frames are copied: a payload stays in libzmq's buffer.
        let small = frames.prefix(3).map(\.bytes) + Array(repeating: [], count: max(0, frames.count - 3))
        let envelope = try WireCodec.envelope(small)
        return Incoming(body: .one(
            try WireCodec.decodeCoordinatorMessage(envelope),
            payload: envelope.command.hasPayload ? frames.last : nil))
    }

    static func encode(_ message: WorkerMessage, payload: Frame? = nil) -> Message {
        let (command, header) = WireCodec.header(message)
        return encode(command, header, payload: payload)
    }

    static func encode(_ command: Command, _ header: [UInt8], payload: Frame? = nil) -> Message {
        var frames: [Frame] = []
        frames.reserveCapacity(4)
        frames.append(Frame(ProtocolVersion.signatureBytes))
        frames.append(Frame([command.rawValue]))
        frames.append(Frame(header))
        if let payload { frames.append(payload) }
        return Message(frames)
    }

    /// One message for `frames` (each message's command and header): alone when there is one,
    /// as a BATCH otherwise.
    static func encode(batched frames: [Frame]) -> Message {
        var message = [Frame(ProtocolVersion.signatureBytes)]
        message.reserveCapacity(2 + frames.count)
        if frames.count > 2 { message.append(Frame([Command.batch.rawValue])) }
        message.append(contentsOf: frames)
        return Message(message)
    }
}
