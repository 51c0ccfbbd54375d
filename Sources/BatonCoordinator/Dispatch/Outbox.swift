import BatonProtocol
import ZeroMQ

/// Messages for workers that take BATCHes, held until the broker has handled what already waits
/// for it, then sent as one message per worker.
///
/// Under load a group commit settles many results at once and frees as many slots: their
/// RESULT_ACKs and the JOBs that follow reach each worker as one BATCH instead of one message
/// each, so libzmq, the network and the worker handle one message where they handled dozens.
struct Outbox {
    private struct Queued {
        var routingID: Frame
        var limit: Int
        /// A command frame and a header frame per message.
        var frames: [Frame]
    }

    private var queued: [[UInt8]: Queued] = [:]
    /// Whether a flush is already on its way.
    var flushScheduled = false

    var isEmpty: Bool { queued.isEmpty }

    /// Takes a message (its command and header, `WireCodec.header`) for the worker `key`, which
    /// takes BATCHes of up to `limit` messages (below 2: none), and returns what must be sent
    /// now, in order. A batchable message is queued, and sent now only with a batch it fills; any
    /// other (a WELCOME, which tells the worker BATCHes may come), or any message to a worker that
    /// takes no BATCH, goes at once, behind whatever was queued for that worker.
    mutating func send(_ command: Command, _ header: [UInt8], key: [UInt8], routingID: Frame, limit: Int) -> [Message] {
        guard command.isBatchable, limit >= 2 else {
            let alone = WireFrames.encode(batched: [Frame([command.rawValue]), Frame(header)], to: routingID)
            guard !queued.isEmpty, let earlier = take(key) else { return [alone] }
            return [earlier, alone]
        }
        if queued.index(forKey: key) == nil {
            var frames: [Frame] = []
            frames.reserveCapacity(2 * min(limit, 16))
            queued[key] = Queued(routingID: routingID, limit: limit, frames: frames)
        }
        guard let index = queued.index(forKey: key) else { return [] }
        queued.values[index].frames.append(Frame([command.rawValue]))
        queued.values[index].frames.append(Frame(header))
        guard queued.values[index].frames.count >= 2 * queued.values[index].limit, let full = take(key) else { return [] }
        return [full]
    }

    /// What is queued for the worker `key`, as one message.
    mutating func take(_ key: [UInt8]) -> Message? {
        guard let batch = queued.removeValue(forKey: key) else { return nil }
        return WireFrames.encode(batched: batch.frames, to: batch.routingID)
    }

    /// Everything queued, one message per worker.
    mutating func drain() -> [Message] {
        defer { queued.removeAll(keepingCapacity: true) }
        return queued.values.map { WireFrames.encode(batched: $0.frames, to: $0.routingID) }
    }
}
