import BatonProtocol
import ZeroMQ

/// Glue between ZeroMQ messages and the protocol codec, for a ROUTER socket whose messages begin
/// with the peer's routing id.
enum WireFrames {
    struct Incoming {
        enum Body {
            /// One message, with its payload frame if its command has one.
            case one(WorkerMessage, payload: Frame?)
            /// A BATCH's messages, in the order they were sent.
            case batch([WorkerMessage])
        }

        let routingID: Frame
        let body: Body
        /// The user id a ZAP handler gave the connection (the worker a CURVE key belongs to).
        let userID: String?
    }

    static func decode(_ message: Message) throws(ProtocolError) -> Incoming {
        guard message.frames.count >= 2 else { throw .wrongFrameCount(max(message.frames.count - 1, 0), command: nil) }
        let body = message.frames.dropFirst()
        let userID = body.first?.metadata("User-Id").flatMap { $0.isEmpty ? nil : $0 }
        if body.count >= 2, body[body.startIndex + 1].withUnsafeBytes({ $0.count == 1 && WireCodec.isBatch($0[0]) }) {
            return Incoming(routingID: message.frames[0], body: .batch(try WireCodec.decodeWorkerBatch(body.map(\.bytes))), userID: userID)
        }
        // Only the small frames are copied: the payload stays in libzmq's buffer.
        let small = body.prefix(3).map(\.bytes) + (body.count > 3 ? Array(repeating: [], count: body.count - 3) : [])
        let envelope = try WireCodec.envelope(small)
        return Incoming(
            routingID: message.frames[0],
            body: .one(try WireCodec.decodeWorkerMessage(envelope), payload: envelope.command.hasPayload ? body.last : nil),
            userID: userID)
    }

    static func encode(_ message: CoordinatorMessage, to routingID: Frame, payload: Frame? = nil) -> Message {
        var frames = [routingID]
        frames.reserveCapacity(5)
        for frame in WireCodec.frames(message) { frames.append(Frame(frame)) }
        if let payload { frames.append(payload) }
        return Message(frames)
    }

    /// One message for `frames` (each a command and a header) queued for one worker: alone when
    /// there is one, as a BATCH otherwise.
    static func encode(batched frames: [Frame], to routingID: Frame) -> Message {
        var message = [routingID, Frame(ProtocolVersion.signatureBytes)]
        message.reserveCapacity(3 + frames.count)
        if frames.count > 2 { message.append(Frame([Command.coordinatorBatch.rawValue])) }
        message.append(contentsOf: frames)
        return Message(message)
    }
}
