/// Messages received on one socket, in order; the sequence ends when the socket closes.
///
/// The consumer receives from libzmq on its own thread while messages are waiting, and parks
/// only when none is; the socket loop then hands it the next one. Back-pressure is libzmq's: a
/// consumer that falls behind leaves messages in libzmq's queue, whose receive high-water mark
/// and then TCP flow control hold the peer back. A `next()` whose task is cancelled while it
/// waits returns nil; the socket stays open and a later `next()` receives again.
package struct InboundMessages: AsyncSequence, Sendable {
    package typealias Element = Message

    let socket: GuardedSocket

    package struct AsyncIterator: AsyncIteratorProtocol {
        let socket: GuardedSocket

        package mutating func next() async -> Message? {
            await next(isolation: nil)
        }

        /// Iterated from an actor, the consumer stays on that actor between messages instead of
        /// hopping to the global executor and back for each one.
        package mutating func next(isolation actor: isolated (any Actor)?) async -> Message? {
            switch socket.receiveNow() {
            case .message(let message): return message
            case .ended: return nil
            case .empty: break
            }
            let socket = socket
            let id = socket.reserveParkID()
            return await withTaskCancellationHandler {
                await withCheckedContinuation(isolation: actor) { continuation in
                    socket.park(continuation, id: id)
                }
            } onCancel: {
                socket.unpark(id)
            }
        }
    }

    package func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(socket: socket)
    }
}
