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

    /// Queues `message` for the worker `key`; returns the worker's whole batch when it is full.
    mutating func add(_ message: CoordinatorMessage, key: [UInt8], routingID: Frame, limit: Int) -> Message? {
        let (command, header) = WireCodec.header(message)
        if queued.index(forKey: key) == nil {
            var frames: [Frame] = []
            frames.reserveCapacity(2 * min(limit, 16))
            queued[key] = Queued(routingID: routingID, limit: limit, frames: frames)
        }
        guard let index = queued.index(forKey: key) else { return nil }
        queued.values[index].frames.append(Frame([command.rawValue]))
        queued.values[index].frames.append(Frame(header))
        guard queued.values[index].frames.count >= 2 * queued.values[index].limit else { return nil }
        return take(key)
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
