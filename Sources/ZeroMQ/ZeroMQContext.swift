import CZeroMQ

/// A libzmq context. Contexts are thread-safe; the sockets made from them are not (see `SocketLoop`).
package final class ZeroMQContext: Sendable {
    // The pointer is only handed to libzmq, whose context functions are thread-safe.
    nonisolated(unsafe) let handle: UnsafeMutableRawPointer

    package init(ioThreads: Int32 = 1) throws(ZeroMQError) {
        guard let handle = zmq_ctx_new() else { throw .last("zmq_ctx_new") }
        // BLOCKY=0: zmq_ctx_term never waits for unsent messages (libzmq's default linger is infinite).
        zmq_ctx_set(handle, ZMQ_BLOCKY, 0)
        zmq_ctx_set(handle, ZMQ_IO_THREADS, ioThreads)
        self.handle = handle
    }

    deinit {
        while zmq_ctx_term(handle) != 0 && zmq_errno() == EINTR {}
    }

    package static var version: (major: Int32, minor: Int32, patch: Int32) {
        var major: Int32 = 0, minor: Int32 = 0, patch: Int32 = 0
        zmq_version(&major, &minor, &patch)
        return (major, minor, patch)
    }

    /// Whether libzmq was built with a capability such as `"curve"`.
    package static func has(_ capability: String) -> Bool {
        zmq_has(capability) == 1
    }
}
