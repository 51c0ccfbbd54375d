import CZeroMQ
import Logging
import Synchronization

/// A libzmq socket that any thread may use under its lock.
///
/// libzmq allows a socket to move between threads when a full memory barrier separates its uses,
/// which the lock provides. So a task sends on the thread it runs on, and a consumer receives on
/// its own thread while messages are waiting; the socket loop's thread takes part only when
/// someone waits: it polls the socket's ZMQ_FD and, when libzmq signals it, receives for a
/// parked consumer or retries sends that hit the high-water mark.
///
/// ZMQ_FD is edge-like: any call on the socket may consume its signal. Every locked operation
/// therefore ends in `settle`, which re-reads ZMQ_EVENTS whenever someone is waiting, so no
/// signal is lost between a consumer parking and the loop's next poll.
///
/// No continuation is resumed while the lock is held: resuming takes the waiting task's own
/// status lock, and a task being cancelled holds that lock while its cancellation handler
/// (`unpark`) waits for this one. Locked code (`locked`) collects `Resumption`s, run after it.
final class GuardedSocket: Sendable {
    typealias Sent = CheckedContinuation<Void, any Error>
    typealias Parked = CheckedContinuation<Message?, Never>

    struct State: ~Copyable {
        var socket: Socket?
        /// Messages a DEALER-like socket could not queue yet (EAGAIN), in order.
        var blocked: [(Message, Sent?)] = []
        /// Consumers waiting for the next message, in the order they asked.
        var parked: [(id: UInt64, continuation: Parked)] = []
        var nextParkID: UInt64 = 0
    }

    enum Received {
        case message(Message)
        case ended
        case empty
    }

    /// A continuation to resume once the lock is released.
    enum Resumption {
        case sent(Sent, Result<Void, any Error>)
        case received(Parked, Message?)

        func run() {
            switch self {
            case .sent(let sent, let result): sent.resume(with: result)
            case .received(let parked, let message): parked.resume(returning: message)
            }
        }
    }

    let handle: SocketHandle
    let fileDescriptor: Int32
    private let state: Mutex<State>
    private let logger: Logger
    private let dropped = Atomic<Int>(0)

    /// Messages a ROUTER dropped because their peer's queue was full, since the socket opened.
    var droppedMessages: Int { dropped.load(ordering: .relaxed) }

    init(handle: SocketHandle, socket: sending Socket, logger: Logger) throws(ZeroMQError) {
        self.handle = handle
        fileDescriptor = try socket.fileDescriptor
        state = Mutex(State(socket: socket))
        self.logger = logger
    }

    // MARK: - Sending

    /// Queues `message` in libzmq now, or behind earlier blocked messages; `sent` is resumed once
    /// libzmq has it, or with the reason it never will. Without `sent`, a failure is logged.
    func send(_ message: Message, sent: Sent?) {
        locked { state, resumptions in
            guard let socket = state.socket else {
                if let sent { resumptions.append(.sent(sent, .failure(SocketLoopError.unknownSocket(handle)))) }
                return
            }
            // Behind earlier blocked messages, or blocked itself: it waits its turn in order.
            if !state.blocked.isEmpty || !trySend(message, sent: sent, on: socket, resumptions: &resumptions) {
                state.blocked.append((message, sent))
            }
            settle(&state, &resumptions)
        }
    }

    /// Runs `body` under the lock, then resumes whatever it queued, with the lock released.
    private func locked<T>(_ body: (inout sending State, inout [Resumption]) -> sending T) -> T {
        let (value, resumptions) = state.withLock { state -> (T, [Resumption]) in
            var resumptions: [Resumption] = []
            let value = body(&state, &resumptions)
            return (value, resumptions)
        }
        for resumption in resumptions { resumption.run() }
        return value
    }

    /// Hands `message` to libzmq and queues the answer to `sent`; false when it must wait
    /// instead. Only a DEALER-like socket waits: a ROUTER's EAGAIN concerns one peer, and POLLOUT
    /// would not tell us which, so its send fails.
    private func trySend(_ message: Message, sent: Sent?, on socket: Socket, resumptions: inout [Resumption]) -> Bool {
        do {
            try socket.send(message, dontWait: true)
            if let sent { resumptions.append(.sent(sent, .success(()))) }
        } catch where error.isWouldBlock && socket.type != .router {
            return false
        } catch {
            if let sent {
                resumptions.append(.sent(sent, .failure(error)))
            } else if error.isWouldBlock {
                // A ROUTER's queue to one peer is full: the message is gone, and the protocol's
                // recovery (a re-offered JOB, a retransmitted result) will take seconds. Said
                // loudly, since it should not happen while peers read what they are sent.
                dropped.add(1, ordering: .relaxed)
                logger.warning("ZeroMQ dropped a message: the peer's queue is full", metadata: ["socket": "\(handle)"])
            } else {
                // A peer that has gone (EHOSTUNREACH) is the usual case, and expected.
                logger.debug("ZeroMQ send failed", metadata: ["socket": "\(handle)", "error.message": "\(error)"])
            }
        }
        return true
    }

    // MARK: - Receiving

    /// The next message if one is waiting and no consumer is parked ahead of the caller.
    func receiveNow() -> Received {
        locked { state, resumptions in
            guard let socket = state.socket else { return .ended }
            guard state.parked.isEmpty, let message = receiveOne(on: socket) else { return .empty }
            // The receive may have consumed the signal a blocked send waits for.
            if !state.blocked.isEmpty { settle(&state, &resumptions) }
            return .message(message)
        }
    }

    /// Consumers waiting now (for tests).
    var parkedCount: Int { state.withLock { $0.parked.count } }

    func reserveParkID() -> UInt64 {
        state.withLock { state in
            defer { state.nextParkID += 1 }
            return state.nextParkID
        }
    }

    /// Resumes `continuation` with the next message, at once if one is waiting, or with nil once
    /// the socket closes or the task is cancelled (see `unpark`).
    func park(_ continuation: Parked, id: UInt64) {
        locked { state, resumptions in
            guard state.socket != nil, !Task.isCancelled else {
                resumptions.append(.received(continuation, nil))
                return
            }
            state.parked.append((id, continuation))
            settle(&state, &resumptions)
        }
    }

    /// Resumes a parked consumer with nil because its task was cancelled, unless a message got
    /// there first. Cancellation before `park` is caught by `park` itself.
    func unpark(_ id: UInt64) {
        locked { state, resumptions in
            guard let index = state.parked.firstIndex(where: { $0.id == id }) else { return }
            resumptions.append(.received(state.parked.remove(at: index).continuation, nil))
        }
    }

    private func receiveOne(on socket: Socket) -> Message? {
        let discarded = socket.discardedMessages
        defer {
            // One line per message: a receive skips every such message in a row.
            for _ in discarded..<socket.discardedMessages {
                logger.warning("dropped an inbound message with too many frames", metadata: [
                    "socket": "\(handle)", "limit": "\(socket.maxFrames ?? 0)",
                ])
            }
        }
        do {
            return try socket.receive(dontWait: true)
        } catch {
            logger.warning("ZeroMQ receive failed", metadata: ["socket": "\(handle)", "error.message": "\(error)"])
            return nil
        }
    }

    // MARK: - The loop's side

    /// Called by the socket loop when ZMQ_FD is readable.
    func serviceSignal() {
        locked { state, resumptions in
            guard let socket = state.socket else { return }
            // Reading ZMQ_EVENTS processes libzmq's commands, which resets the descriptor.
            _ = socket.events
            settle(&state, &resumptions)
        }
    }

    /// Closes the socket: parked consumers get nil, blocked sends fail.
    func close() {
        locked { state, resumptions in
            guard let socket = state.socket else { return }
            state.socket = nil
            resumptions += state.blocked.compactMap { _, sent in sent.map { .sent($0, .failure(SocketLoopError.stopped)) } }
            resumptions += state.parked.map { .received($0.continuation, nil) }
            state.blocked.removeAll()
            state.parked.removeAll()
            socket.close()
        }
    }

    /// Serves whoever waits — blocked sends, then parked consumers — until libzmq has nothing more
    /// for them. It ends on a failed attempt or a fresh ZMQ_EVENTS read, so that libzmq will
    /// signal ZMQ_FD for whatever arrives next.
    private func settle(_ state: inout State, _ resumptions: inout [Resumption]) {
        guard let socket = state.socket else { return }
        while !state.blocked.isEmpty || !state.parked.isEmpty {
            let events = socket.events
            var progressed = false
            if events & Int32(ZMQ_POLLOUT) != 0, !state.blocked.isEmpty {
                progressed = retryBlocked(on: socket, state: &state, resumptions: &resumptions)
            }
            if events & Int32(ZMQ_POLLIN) != 0, !state.parked.isEmpty, let message = receiveOne(on: socket) {
                resumptions.append(.received(state.parked.removeFirst().continuation, message))
                progressed = true
            }
            if !progressed { return }
        }
    }

    /// Sends blocked messages until libzmq refuses one; true if any left the queue.
    private func retryBlocked(on socket: Socket, state: inout State, resumptions: inout [Resumption]) -> Bool {
        var progressed = false
        while let (message, sent) = state.blocked.first, trySend(message, sent: sent, on: socket, resumptions: &resumptions) {
            state.blocked.removeFirst()
            progressed = true
        }
        return progressed
    }
}
