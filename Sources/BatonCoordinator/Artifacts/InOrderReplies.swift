import Synchronization
import ZeroMQ

/// Replies sent in turn order, whatever order they are ready in: a worker writes a download's
/// chunks strictly in order, and reads that run side by side finish in any order.
final class InOrderReplies: Sendable {
    private let post: @Sendable (Message) -> Void
    private let state = Mutex<(next: Int, ready: [Int: Message])>((0, [:]))

    init(post: @escaping @Sendable (Message) -> Void) {
        self.post = post
    }

    /// Sends the reply for `turn` once every earlier turn's reply has gone.
    func send(_ message: Message, turn: Int) {
        // Posting only queues the message with libzmq, so it is done under the lock: that is
        // what keeps two threads' sends in turn order.
        state.withLock { state in
            state.ready[turn] = message
            while let next = state.ready.removeValue(forKey: state.next) {
                post(next)
                state.next += 1
            }
        }
    }
}
