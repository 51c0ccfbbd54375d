import BatonProtocol
import ZeroMQ

/// Glue between ZeroMQ messages and the protocol codec, for a ROUTER socket whose messages begin
/// with the peer's routing id.
enum WireFrames {
    struct Incoming {
        let routingID: Frame
        let message: WorkerMessage
        let payload: Frame?
        /// The user id a ZAP handler gave the connection (the worker a CURVE key belongs to).
        let userID: String?
    }

    static func decode(_ message: Message) throws(ProtocolError) -> Incoming {
        guard message.frames.count >= 2 else { throw .wrongFrameCount(max(message.frames.count - 1, 0), command: nil) }
        let body = message.frames.dropFirst()
        // Only the small frames are copied: the payload stays in libzmq's buffer.
        let small = body.prefix(3).map(\.bytes) + (body.count > 3 ? Array(repeating: [], count: body.count - 3) : [])
        let envelope = try WireCodec.envelope(small)
        return Incoming(
            routingID: message.frames[0],
            message: try WireCodec.decodeWorkerMessage(envelope),
            payload: envelope.command.hasPayload ? body.last : nil,
            userID: body.first?.metadata("User-Id").flatMap { $0.isEmpty ? nil : $0 })
    }

    static func encode(_ message: CoordinatorMessage, to routingID: Frame, payload: Frame? = nil) -> Message {
        var frames = [routingID]
        frames.reserveCapacity(5)
        for frame in WireCodec.frames(message) { frames.append(Frame(frame)) }
        if let payload { frames.append(payload) }
        return Message(frames)
    }
}
