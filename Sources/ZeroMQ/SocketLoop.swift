import BatonThreads
import CZeroMQ
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

// The ZeroMQ module: a thin, Baton-agnostic Swift layer over libzmq. `SocketLoop` is its centre:
// Swift tasks open sockets through it, send on them from their own threads (each socket under a
// lock, see `GuardedSocket`), and read what arrives through each socket's `InboundMessages`. One
// dedicated thread polls the sockets' descriptors only for consumers that wait and sends that
// wait, so a busy socket never costs a thread hand-off.

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

    package init(
        _ type: SocketType,
        options: SocketOptions = SocketOptions(),
        bind: [String] = [],
        connect: [String] = []
    ) {
        self.type = type
        self.options = options
        self.bind = bind
        self.connect = connect
    }
}

package struct OpenedSocket: Sendable {
    package let handle: SocketHandle
    /// Bound endpoints with wildcard ports resolved, in the order of `SocketSpec.bind`.
    package let boundEndpoints: [String]
    package let inbound: InboundMessages

    /// Messages this ROUTER dropped because their peer's queue was full (each also logged as a
    /// warning), since it opened.
    package var droppedMessages: Int { inbound.socket.droppedMessages }
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

/// Opens the ZeroMQ sockets of this process and waits on them on one dedicated thread.
///
/// libzmq sockets are not thread-safe and `zmq_poll` blocks, so neither the wait nor an unguarded
/// socket may live on Swift's cooperative pool. Sends and receives run on the caller's thread
/// under the socket's lock; the loop's thread `poll`s every socket's ZMQ_FD plus a pipe that
/// wakes it when a socket opens or closes, and serves only whoever waits.
package final class SocketLoop: Service, Sendable {
    struct Shared {
        var sockets: [Int: GuardedSocket] = [:]
        /// Removed from `sockets`, to be closed on the loop's thread once it no longer polls them.
        var closing: [GuardedSocket] = []
        var nextHandle = 1
        var isStopping = false
        var hasStopped = false
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
                Thread.startNamed(name) { [self] in threadMain() }
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
        let handle = try shared.withLock { state throws(SocketLoopError) -> SocketHandle in
            guard !state.isStopping, !state.hasStopped else { throw .stopped }
            defer { state.nextHandle += 1 }
            return SocketHandle(id: state.nextHandle)
        }
        let socket = try Socket(context: context, type: spec.type)
        var bound: [String] = []
        do {
            try socket.apply(spec.options)
            for endpoint in spec.bind {
                try socket.bind(endpoint)
                bound.append(socket.lastEndpoint ?? endpoint)
            }
            for endpoint in spec.connect { try socket.connect(endpoint) }
        } catch {
            socket.close()
            throw error
        }
        let guarded = try GuardedSocket(handle: handle, socket: socket, logger: logger)
        let accepted = shared.withLock { state -> Bool in
            guard !state.isStopping, !state.hasStopped else { return false }
            state.sockets[handle.id] = guarded
            return true
        }
        guard accepted else {
            guarded.close()
            throw SocketLoopError.stopped
        }
        wake()
        return OpenedSocket(handle: handle, boundEndpoints: bound, inbound: InboundMessages(socket: guarded))
    }

    /// Sends `message` and returns once libzmq has queued it, or throws why it could not.
    package func send(_ message: Message, on handle: SocketHandle) async throws {
        let socket = try guarded(handle)
        try await withCheckedThrowingContinuation { sent in
            socket.send(message, sent: sent)
        }
    }

    /// Queues `message` without waiting; a failure is logged, not reported.
    package func post(_ message: Message, on handle: SocketHandle) {
        do {
            try guarded(handle).send(message, sent: nil)
        } catch {
            logger.debug("ZeroMQ send failed", metadata: ["socket": "\(handle)", "error.message": "\(error)"])
        }
    }

    package func close(_ handle: SocketHandle) {
        let removed = shared.withLock { state -> Bool in
            guard let socket = state.sockets.removeValue(forKey: handle.id) else { return false }
            state.closing.append(socket)
            return true
        }
        if removed { wake() }
    }

    private func guarded(_ handle: SocketHandle) throws(SocketLoopError) -> GuardedSocket {
        try shared.withLock { state throws(SocketLoopError) -> GuardedSocket in
            if let socket = state.sockets[handle.id] { return socket }
            throw state.isStopping || state.hasStopped ? .stopped : .unknownSocket(handle)
        }
    }

    private func wake() {
        var byte: UInt8 = 1
        // A full pipe already holds a wake-up, so EAGAIN is fine.
        _ = Glibc.write(wakeWrite, &byte, 1)
    }

    // MARK: - The loop thread

    private func threadMain() {
        var polled: [GuardedSocket] = []
        var items: [pollfd] = []
        var drain = [UInt8](repeating: 0, count: 256)

        while true {
            let (sockets, closing, isStopping) = shared.withLock { state in
                defer { state.closing.removeAll() }
                return (state.sockets, state.closing, state.isStopping)
            }
            // Closed only now: the last poll that watched their descriptors has returned.
            for socket in closing { socket.close() }
            if isStopping { break }

            polled = sockets.keys.sorted().compactMap { sockets[$0] }
            items.removeAll(keepingCapacity: true)
            items.append(pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0))
            for socket in polled {
                items.append(pollfd(fd: socket.fileDescriptor, events: Int16(POLLIN), revents: 0))
            }
            var membershipChanged = false
            while !membershipChanged {
                let ready = poll(&items, nfds_t(items.count), -1)
                if ready < 0 {
                    if errno == EINTR { continue }
                    logger.error("ZeroMQ poll failed; stopping the socket loop", metadata: ["error.message": "\(ZeroMQError(errno: errno, function: "poll"))"])
                    shared.withLock { $0.isStopping = true }
                    break
                }
                if items[0].revents != 0 {
                    while Glibc.read(wakeRead, &drain, drain.count) > 0 {}
                    membershipChanged = true
                }
                for (index, socket) in polled.enumerated() where items[index + 1].revents != 0 {
                    socket.serviceSignal()
                }
            }
        }

        let (exit, remaining) = shared.withLock { state -> (CheckedContinuation<Void, Never>?, [GuardedSocket]) in
            state.hasStopped = true
            defer {
                state.exit = nil
                state.sockets.removeAll()
                state.closing.removeAll()
            }
            return (state.exit, Array(state.sockets.values) + state.closing)
        }
        for socket in remaining { socket.close() }
        exit?.resume()
    }
}
