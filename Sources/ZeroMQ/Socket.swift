import CZeroMQ

/// A libzmq socket.
///
/// Deliberately not `Sendable`: libzmq sockets must stay on the thread that uses them, and Swift's
/// checker then refuses to move one across isolation domains. `SocketLoop` owns every socket of a
/// process on its own thread; this type is public to the module so tests can drive sockets directly.
package final class Socket {
    let handle: UnsafeMutableRawPointer
    package let type: SocketType
    /// Held so the context outlives the socket: zmq_ctx_term blocks while a socket is open.
    private let context: ZeroMQContext
    private var isClosed = false
    /// See `SocketOptions.maxFramesPerMessage`.
    var maxFrames: Int?
    /// Inbound messages discarded for having more than `maxFrames` frames.
    package private(set) var discardedMessages = 0

    package init(context: ZeroMQContext, type: SocketType) throws(ZeroMQError) {
        guard let handle = zmq_socket(context.handle, type.rawValue) else { throw .last("zmq_socket") }
        self.handle = handle
        self.type = type
        self.context = context
    }

    deinit {
        close()
    }

    package func close() {
        guard !isClosed else { return }
        isClosed = true
        zmq_close(handle)
    }

    package func bind(_ endpoint: String) throws(ZeroMQError) {
        guard zmq_bind(handle, endpoint) == 0 else { throw .last("zmq_bind(\(endpoint))") }
    }

    package func connect(_ endpoint: String) throws(ZeroMQError) {
        guard zmq_connect(handle, endpoint) == 0 else { throw .last("zmq_connect(\(endpoint))") }
    }

    /// The endpoint last bound, with a wildcard port resolved (`tcp://127.0.0.1:*` → `…:41234`).
    package var lastEndpoint: String? {
        var buffer = [CChar](repeating: 0, count: 1024)
        var size = buffer.count
        guard zmq_getsockopt(handle, ZMQ_LAST_ENDPOINT, &buffer, &size) == 0 else { return nil }
        return String(zeroTerminated: buffer)
    }

    /// The file descriptor libzmq signals when commands reach this socket (ZMQ_FD). It tells a
    /// poller to look at `events`, not that a message is waiting: any call on the socket may
    /// consume the signal, so whoever calls one must check `events` afterwards.
    var fileDescriptor: Int32 {
        get throws(ZeroMQError) {
            var fd: Int32 = -1
            var size = MemoryLayout<Int32>.size
            guard zmq_getsockopt(handle, ZMQ_FD, &fd, &size) == 0 else { throw .last("zmq_getsockopt(ZMQ_FD)") }
            return fd
        }
    }

    /// ZMQ_POLLIN and ZMQ_POLLOUT as they stand after processing every pending command.
    var events: Int32 {
        var events: Int32 = 0
        var size = MemoryLayout<Int32>.size
        guard zmq_getsockopt(handle, ZMQ_EVENTS, &events, &size) == 0 else { return 0 }
        return events
    }

    func set(_ option: Int32, _ value: Int32) throws(ZeroMQError) {
        var value = value
        guard zmq_setsockopt(handle, option, &value, MemoryLayout<Int32>.size) == 0 else {
            throw .last("zmq_setsockopt(\(option))")
        }
    }

    func set(_ option: Int32, int64 value: Int64) throws(ZeroMQError) {
        var value = value
        guard zmq_setsockopt(handle, option, &value, MemoryLayout<Int64>.size) == 0 else {
            throw .last("zmq_setsockopt(\(option))")
        }
    }

    func set(_ option: Int32, bytes: [UInt8]) throws(ZeroMQError) {
        let result = bytes.withUnsafeBytes { zmq_setsockopt(handle, option, $0.baseAddress, $0.count) }
        guard result == 0 else { throw .last("zmq_setsockopt(\(option))") }
    }

    package func apply(_ options: SocketOptions) throws(ZeroMQError) {
        try options.apply(to: self)
    }

    /// Sends every frame of `message`. With `dontWait`, a full queue throws EAGAIN before the first
    /// frame; libzmq queues multipart messages atomically, so later frames do not block.
    package func send(_ message: Message, dontWait: Bool = true) throws(ZeroMQError) {
        // On the stack: zmq_msg_send hands the content on and leaves the message empty for reuse.
        var storage = zmq_msg_t()
        try withUnsafeMutablePointer(to: &storage) { (msg) throws(ZeroMQError) in
            for (index, frame) in message.frames.enumerated() {
                try frame.initialize(msg)
                var flags: Int32 = dontWait ? ZMQ_DONTWAIT : 0
                if index < message.frames.count - 1 { flags |= ZMQ_SNDMORE }
                while zmq_msg_send(msg, handle, flags) < 0 {
                    let error = ZeroMQError.last("zmq_msg_send")
                    if error.isInterrupted { continue }
                    zmq_msg_close(msg)
                    throw error
                }
            }
        }
    }

    /// Receives one whole multipart message, or nil when none is waiting and `dontWait` is set.
    /// A message of more than `maxFrames` frames is received, discarded and counted, and the
    /// next one (if one waits) returned instead.
    package func receive(dontWait: Bool = true) throws(ZeroMQError) -> Message? {
        var frames: [Frame] = []
        // Baton's messages have up to five frames (routing id, signature, command, header,
        // payload) unless batched: one allocation instead of growing 1, 2, 4, 8.
        frames.reserveCapacity(5)
        var discarding = false
        while true {
            // Closed by the frame's deinit, on every path.
            let received = ReceivedFrame.make()
            let msg = received.message
            // Only the first frame may be absent: the rest of a multipart message is already here.
            let flags: Int32 = (dontWait && frames.isEmpty) ? ZMQ_DONTWAIT : 0
            while zmq_msg_recv(msg, handle, flags) < 0 {
                let error = ZeroMQError.last("zmq_msg_recv")
                if error.isInterrupted { continue }
                if error.isWouldBlock && frames.isEmpty { return nil }
                throw error
            }
            let more = zmq_msg_more(msg) != 0
            if discarding {
                if !more { discarding = false }
                continue
            }
            if let maxFrames, frames.count == maxFrames {
                // Its frames are here already (libzmq delivers all or none); drop them as they come.
                discardedMessages += 1
                frames.removeAll(keepingCapacity: true)
                discarding = more
                continue
            }
            frames.append(Frame(received: received))
            if !more { return Message(frames) }
        }
    }
}
