import CZeroMQ

/// A failed libzmq call: the C function that failed and its `errno`, described with `zmq_strerror`.
package struct ZeroMQError: Error, Equatable, CustomStringConvertible {
    package let errno: Int32
    package let function: String

    package init(errno: Int32, function: String) {
        self.errno = errno
        self.function = function
    }

    /// Captures `zmq_errno()` right after a failed call.
    package static func last(_ function: String) -> ZeroMQError {
        ZeroMQError(errno: zmq_errno(), function: function)
    }

    package var description: String {
        let reason = zmq_strerror(errno).map { String(cString: $0) } ?? "unknown error"
        return "\(function) failed: \(reason) (errno \(errno))"
    }

    package var isWouldBlock: Bool { errno == EAGAIN }
    package var isHostUnreachable: Bool { errno == EHOSTUNREACH }
    package var isInterrupted: Bool { errno == EINTR }
    package var isContextTerminated: Bool { errno == ETERM }
}
