import CZeroMQ
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

// The ZeroMQ module: a thin, Baton-agnostic Swift layer over libzmq. `SocketLoop` is its centre:
// one dedicated thread owns every socket of a process and runs `zmq_poll` over them plus a pipe
// that other threads write to when they queue work. Swift tasks talk to it through `open`,
// `send` and `close`, and read what arrives through each socket's `InboundMessages`.

package struct SocketHandle: Hashable, Sendable, CustomStringConvertible {
    let id: Int
    package var description: String { "socket#\(id)" }
}

/// What to open: a socket type, its options and the endpoints to bind and connect.
package struct SocketSpec: Sendable {
    package var type: SocketType
    package var options: SocketOptions
    package var bind: [String]
    package var connect: [String]
    /// Received messages buffered for the consumer before the loop stops reading this socket.
    package var inboundLimit: Int

    package init(
        _ type: SocketType,
        options: SocketOptions = SocketOptions(),
        bind: [String] = [],
        connect: [String] = [],
        inboundLimit: Int = 10_000
    ) {
        self.type = type
        self.options = options
        self.bind = bind
        self.connect = connect
        self.inboundLimit = inboundLimit
    }
}

package struct OpenedSocket: Sendable {
    package let handle: SocketHandle
    /// Bound endpoints with wildcard ports resolved, in the order of `SocketSpec.bind`.
    package let boundEndpoints: [String]
    package let inbound: InboundMessages
}

package enum SocketLoopError: Error, CustomStringConvertible {
    case stopped
    case unknownSocket(SocketHandle)

    package var description: String {
        switch self {
        case .stopped: "the ZeroMQ socket loop has stopped"
        case .unknownSocket(let handle): "\(handle) is not open"
        }
    }
}

/// Owns every ZeroMQ socket of this process on one dedicated thread.
///
/// libzmq sockets are not thread-safe and `zmq_poll` blocks, so neither may run on Swift's
/// cooperative pool. Commands are queued under a mutex and a pipe wakes the poll.
package final class SocketLoop: Service, Sendable {
    enum Command: Sendable {
        case open(SocketHandle, SocketSpec, AsyncStream<Message>.Continuation, InboundGate,
                  CheckedContinuation<[String], any Error>)
        case send(SocketHandle, Message, CheckedContinuation<Void, any Error>?)
        case close(SocketHandle)
    }

    struct Shared {
        var commands: [Command] = []
        var nextHandle = 1
        var isStopping = false
        var hasStopped = false
        var wakePending = false
        var exit: CheckedContinuation<Void, Never>?
    }

    private let context: ZeroMQContext
    private let logger: Logger
    private let name: String
    private let shared = Mutex(Shared())
    private let wakeRead: Int32
    private let wakeWrite: Int32

    package init(context: ZeroMQContext, logger: Logger, name: String = "zeromq") throws {
        self.context = context
        self.logger = logger
        self.name = name
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw ZeroMQError(errno: errno, function: "pipe") }
        for fd in fds {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        }
        wakeRead = fds[0]
        wakeWrite = fds[1]
    }

    deinit {
        Glibc.close(wakeRead)
        Glibc.close(wakeWrite)
    }

    /// Runs the loop thread until the task is cancelled or `stop()` is called; every socket is
    /// closed (linger 0) before this returns. Graceful shutdown does not end it: the sockets must
    /// outlive the services that drain through them, so the owner cancels the loop last.
    package func run() async throws {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (exit: CheckedContinuation<Void, Never>) in
                let alreadyStopped = self.shared.withLock { state -> Bool in
                    if state.hasStopped { return true }
                    state.exit = exit
                    return false
                }
                if alreadyStopped {
                    exit.resume()
                    return
                }
                let thread = Thread { [self] in threadMain() }
                thread.name = self.name
                thread.start()
            }
        } onCancel: {
            stop()
        }
    }

    /// Asks the loop to close its sockets and end; `run()` returns once it has.
    package func stop() {
        shared.withLock { $0.isStopping = true }
        wake()
    }

    package func open(_ spec: SocketSpec) async throws -> OpenedSocket {
        let handle = shared.withLock { state -> SocketHandle in
            defer { state.nextHandle += 1 }
            return SocketHandle(id: state.nextHandle)
        }
        let (stream, continuation) = AsyncStream<Message>.makeStream()
        let gate = InboundGate(limit: spec.inboundLimit) { [weak self] in self?.wake() }
        let endpoints = try await withCheckedThrowingContinuation { opened in
            enqueue(.open(handle, spec, continuation, gate, opened)) {
                opened.resume(throwing: SocketLoopError.stopped)
            }
        }
        return OpenedSocket(handle: handle, boundEndpoints: endpoints, inbound: InboundMessages(stream: stream, gate: gate))
    }

    /// Sends `message` and returns once libzmq has queued it, or throws why it could not.
    package func send(_ message: Message, on handle: SocketHandle) async throws {
        try await withCheckedThrowingContinuation { sent in
            enqueue(.send(handle, message, sent)) { sent.resume(throwing: SocketLoopError.stopped) }
        }
    }

    /// Queues `message` without waiting; a failure is logged, not reported.
    package func post(_ message: Message, on handle: SocketHandle) {
        enqueue(.send(handle, message, nil)) {}
    }

    package func close(_ handle: SocketHandle) {
        enqueue(.close(handle)) {}
    }

    private func enqueue(_ command: Command, ifStopped: () -> Void) {
        let (accepted, needsWake) = shared.withLock { state -> (Bool, Bool) in
            guard !state.hasStopped else { return (false, false) }
            state.commands.append(command)
            defer { state.wakePending = true }
            return (true, !state.wakePending)
        }
        guard accepted else { return ifStopped() }
        if needsWake { wake() }
    }

    private func wake() {
        var byte: UInt8 = 1
        // A full pipe already holds a wake-up, so EAGAIN is fine.
        _ = Glibc.write(wakeWrite, &byte, 1)
    }

    // MARK: - The loop thread

    private final class OwnedSocket {
        let socket: Socket
        let inbound: AsyncStream<Message>.Continuation
        let gate: InboundGate
        /// Messages a DEALER-like socket could not queue yet (EAGAIN); retried on POLLOUT.
        var blocked: [(Message, CheckedContinuation<Void, any Error>?)] = []

        init(socket: Socket, inbound: AsyncStream<Message>.Continuation, gate: InboundGate) {
            self.socket = socket
            self.inbound = inbound
            self.gate = gate
        }
    }

    private func threadMain() {
        var sockets: [Int: OwnedSocket] = [:]
        var order: [Int] = []
        var items: [zmq_pollitem_t] = []
        var drain = [UInt8](repeating: 0, count: 256)

        while true {
            let (commands, isStopping) = shared.withLock { state in
                defer {
                    state.commands.removeAll(keepingCapacity: true)
                    state.wakePending = false
                }
                return (state.commands, state.isStopping)
            }
            for command in commands {
                perform(command, sockets: &sockets, order: &order)
            }
            if isStopping { break }

            items.removeAll(keepingCapacity: true)
            items.append(zmq_pollitem_t(socket: nil, fd: wakeRead, events: Int16(ZMQ_POLLIN), revents: 0))
            for id in order {
                guard let owned = sockets[id] else { continue }
                var events: Int16 = 0
                if !owned.gate.isFull { events |= Int16(ZMQ_POLLIN) }
                if !owned.blocked.isEmpty { events |= Int16(ZMQ_POLLOUT) }
                items.append(zmq_pollitem_t(socket: owned.socket.handle, fd: 0, events: events, revents: 0))
            }
            let ready = zmq_poll(&items, Int32(items.count), -1)
            if ready < 0 {
                let error = ZeroMQError.last("zmq_poll")
                if error.isInterrupted { continue }
                logger.error("ZeroMQ poll failed; stopping the socket loop", metadata: ["error.message": "\(error)"])
                break
            }
            if items[0].revents != 0 {
                while Glibc.read(wakeRead, &drain, drain.count) > 0 {}
            }
            for (index, id) in order.enumerated() {
                let revents = Int32(items[index + 1].revents)
                guard revents != 0, let owned = sockets[id] else { continue }
                if revents & ZMQ_POLLOUT != 0 { retryBlocked(owned) }
                if revents & ZMQ_POLLIN != 0 { receiveAll(owned, handle: SocketHandle(id: id)) }
            }
        }

        let exit = shared.withLock { state -> CheckedContinuation<Void, Never>? in
            state.hasStopped = true
            defer { state.exit = nil }
            return state.exit
        }
        // Commands that raced with the stop still need an answer.
        let late = shared.withLock { state in
            defer { state.commands.removeAll() }
            return state.commands
        }
        for command in late { reject(command) }
        for owned in sockets.values { closeOwned(owned) }
        sockets.removeAll()
        exit?.resume()
    }

    private func perform(_ command: Command, sockets: inout [Int: OwnedSocket], order: inout [Int]) {
        switch command {
        case .open(let handle, let spec, let inbound, let gate, let opened):
            do {
                let socket = try Socket(context: context, type: spec.type)
                do {
                    try socket.apply(spec.options)
                    var bound: [String] = []
                    for endpoint in spec.bind {
                        try socket.bind(endpoint)
                        bound.append(socket.lastEndpoint ?? endpoint)
                    }
                    for endpoint in spec.connect { try socket.connect(endpoint) }
                    sockets[handle.id] = OwnedSocket(socket: socket, inbound: inbound, gate: gate)
                    order.append(handle.id)
                    opened.resume(returning: bound)
                } catch {
                    socket.close()
                    throw error
                }
            } catch {
                inbound.finish()
                opened.resume(throwing: error)
            }
        case .send(let handle, let message, let sent):
            guard let owned = sockets[handle.id] else {
                sent?.resume(throwing: SocketLoopError.unknownSocket(handle))
                return
            }
            guard owned.blocked.isEmpty else {
                owned.blocked.append((message, sent))
                return
            }
            deliver(message, on: owned, sent: sent)
        case .close(let handle):
            if let owned = sockets.removeValue(forKey: handle.id) {
                order.removeAll { $0 == handle.id }
                closeOwned(owned)
            }
        }
    }

    private func deliver(_ message: Message, on owned: OwnedSocket, sent: CheckedContinuation<Void, any Error>?) {
        do {
            try owned.socket.send(message, dontWait: true)
            sent?.resume()
        } catch where error.isWouldBlock && owned.socket.type != .router {
            // A DEALER without a ready peer: hold the message until libzmq can take it. A ROUTER's
            // EAGAIN concerns one peer, and POLLOUT would not tell us which, so it fails instead.
            owned.blocked.append((message, sent))
        } catch {
            if let sent {
                sent.resume(throwing: error)
            } else {
                logger.debug("ZeroMQ send failed", metadata: ["error.message": "\(error)"])
            }
        }
    }

    private func retryBlocked(_ owned: OwnedSocket) {
        while let (message, sent) = owned.blocked.first {
            do {
                try owned.socket.send(message, dontWait: true)
                owned.blocked.removeFirst()
                sent?.resume()
            } catch where error.isWouldBlock {
                return
            } catch {
                owned.blocked.removeFirst()
                sent?.resume(throwing: error)
            }
        }
    }

    private func receiveAll(_ owned: OwnedSocket, handle: SocketHandle) {
        // A bounded batch keeps one busy socket from starving the others and the command queue.
        for _ in 0..<1024 {
            if owned.gate.isFull { return }
            do {
                guard let message = try owned.socket.receive(dontWait: true) else { return }
                owned.gate.delivered()
                owned.inbound.yield(message)
            } catch {
                logger.warning("ZeroMQ receive failed", metadata: ["socket": "\(handle)", "error.message": "\(error)"])
                return
            }
        }
    }

    private func closeOwned(_ owned: OwnedSocket) {
        for (_, sent) in owned.blocked { sent?.resume(throwing: SocketLoopError.stopped) }
        owned.blocked.removeAll()
        owned.inbound.finish()
        owned.socket.close()
    }

    private func reject(_ command: Command) {
        switch command {
        case .open(_, _, let inbound, _, let opened):
            inbound.finish()
            opened.resume(throwing: SocketLoopError.stopped)
        case .send(_, _, let sent):
            sent?.resume(throwing: SocketLoopError.stopped)
        case .close:
            break
        }
    }
}
