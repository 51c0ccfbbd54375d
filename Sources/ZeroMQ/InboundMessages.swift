import Synchronization

/// Messages received on one socket, in order.
///
/// Back-pressure: the socket loop stops reading a socket once `limit` received messages are waiting
/// for the consumer, and resumes when half of them have been consumed; meanwhile libzmq's receive
/// high-water mark and then TCP flow control hold the peer back.
package struct InboundMessages: AsyncSequence, Sendable {
    package typealias Element = Message

    let stream: AsyncStream<Message>
    let gate: InboundGate

    package struct AsyncIterator: AsyncIteratorProtocol {
        var base: AsyncStream<Message>.Iterator
        let gate: InboundGate

        package mutating func next() async -> Message? {
            let message = await base.next()
            if message != nil { gate.consumed() }
            return message
        }

        /// Iterated from an actor, the consumer stays on that actor between messages instead of
        /// hopping to the global executor and back for each one.
        package mutating func next(isolation actor: isolated (any Actor)?) async -> Message? {
            let message = await base.next(isolation: actor)
            if message != nil { gate.consumed() }
            return message
        }
    }

    package func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: stream.makeAsyncIterator(), gate: gate)
    }
}

final class InboundGate: Sendable {
    let limit: Int
    private let waiting = Atomic<Int>(0)
    private let wake: @Sendable () -> Void

    init(limit: Int, wake: @escaping @Sendable () -> Void) {
        self.limit = max(limit, 2)
        self.wake = wake
    }

    var isFull: Bool { waiting.load(ordering: .relaxed) >= limit }

    func delivered() {
        waiting.add(1, ordering: .relaxed)
    }

    func consumed() {
        let now = waiting.subtract(1, ordering: .relaxed).newValue
        // The loop may have paused this socket at `limit`; wake it once we are back at half.
        if now == limit / 2 { wake() }
    }
}
