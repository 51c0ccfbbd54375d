import BatonModel
import BatonProtocol
import Foundation
import BatonTesting
import Logging
import Synchronization
import ZeroMQ

/// A hand-driven worker: a DEALER socket speaking JWP/1 frame by frame, so a test can send what
/// a well-behaved worker never would (a result three times, a stale nonce) and see the replies.
final class ProtocolPeer: Sendable {
    let loop: SocketLoop
    let socket: OpenedSocket
    private let runner: Task<Void, Never>

    /// `receiveHighWaterMark` 1 makes a peer that reads slowly: with nothing read, libzmq stops
    /// taking its messages off TCP, and what the coordinator sends backs up on its side.
    init(endpoint: String, curve: SocketOptions.Curve? = nil, receiveHighWaterMark: Int32? = nil) async throws {
        var logger = Logger(label: "protocol-peer")
        logger.logLevel = .warning
        let loop = try SocketLoop(context: try ZeroMQContext(), logger: logger, name: "protocol-peer")
        self.loop = loop
        runner = Task { try? await loop.run() }
        var options = SocketOptions()
        options.curve = curve
        options.receiveHighWaterMark = receiveHighWaterMark
        socket = try await loop.open(SocketSpec(.dealer, options: options, connect: [endpoint]))
    }

    func close() {
        loop.stop()
        runner.cancel()
    }

    func send(_ message: WorkerMessage, payload: [UInt8]? = nil) {
        var frames = WireCodec.frames(message).map { Frame($0) }
        if let payload { frames.append(Frame(payload)) }
        loop.post(Message(frames), on: socket.handle)
    }

    /// Sends `messages` as one BATCH.
    func sendBatch(_ messages: [WorkerMessage]) {
        loop.post(Message(WireCodec.batchFrames(messages).map { Frame($0) }), on: socket.handle)
    }

    /// Messages read while waiting for another kind, kept for a later `receive`.
    private let pending = Mutex<[CoordinatorMessage]>([])
    /// How many messages each BATCH received so far carried.
    let batchesReceived = Mutex<[Int]>([])

    /// The next message from the coordinator that `accept` picks; others wait for later calls.
    func receive<T: Sendable>(_ what: String, within timeout: Duration = .seconds(20), _ accept: @escaping @Sendable (CoordinatorMessage) -> T?) async throws -> T {
        let early: T? = pending.withLock { queued in
            guard let index = queued.firstIndex(where: { accept($0) != nil }) else { return nil }
            return accept(queued.remove(at: index))
        }
        if let early { return early }
        let inbound = socket.inbound
        return try await withTimeout(timeout, what) {
            for await raw in inbound {
                let frames = raw.frames.count > 4 ? raw.frames.map(\.bytes)
                    : raw.frames.prefix(3).map(\.bytes) + Array(repeating: [], count: max(0, raw.frames.count - 3))
                let envelopes: [WireCodec.Envelope]
                switch try? WireCodec.contents(frames) {
                case .one(let envelope)?: envelopes = [envelope]
                case .batch(let batch)?:
                    envelopes = batch
                    self.batchesReceived.withLock { $0.append(batch.count) }
                case nil: continue
                }
                let messages = envelopes.compactMap { try? WireCodec.decodeCoordinatorMessage($0) }
                for (index, message) in messages.enumerated() {
                    if let value = accept(message) {
                        // The rest of a BATCH waits for later calls.
                        self.pending.withLock { $0.append(contentsOf: messages[(index + 1)...].filter { if case .heartbeat = $0 { false } else { true } }) }
                        return value
                    }
                    if case .heartbeat = message { continue }
                    self.pending.withLock { $0.append(message) }
                }
            }
            throw CancellationError()
        }
    }

    /// HELLO as `workerId` for `types`, then WELCOME, then standing credit of `slots`.
    /// `maxBatch` is HELLO's: the most messages the peer takes in one BATCH. `freeSlots` is the
    /// credit it starts with (all its slots unless said).
    func register(as workerId: String, types: [ActionTypeID], slots: Int = 1, freeSlots: Int? = nil, queries: [ActionTypeQuery]? = nil, maxBatch: Int? = nil) async throws -> Welcome {
        send(.hello(Hello(workerId: workerId, session: UUID().uuidString, actionTypes: types, labels: [:], maxSlots: slots, queries: queries, maxBatch: maxBatch)))
        let welcome = try await receive("WELCOME") { if case .welcome(let welcome) = $0 { welcome } else { nil } }
        send(.poll(Poll(freeSlots: freeSlots ?? slots, lastJobSeq: 0)))
        return welcome
    }

    func nextJob() async throws -> JobOffer {
        try await receive("a JOB") { if case .job(let offer) = $0 { offer } else { nil } }
    }

    func ack(_ offer: JobOffer, nonce: String? = nil) async throws -> Acked {
        send(.ack(JobAck(jobId: offer.jobId, nonce: nonce ?? offer.nonce)))
        return try await receive("ACKED") { if case .acked(let acked) = $0 { acked } else { nil } }
    }

    func resultAck(_ resultID: String) async throws -> ResultAck {
        try await receive("RESULT_ACK for \(resultID)") { if case .resultAck(let ack) = $0, ack.resultId == resultID { ack } else { nil } }
    }
}
