import CZeroMQ
import Glibc

/// A libzmq context. Contexts are thread-safe; the sockets made from them are not (see `SocketLoop`).
package final class ZeroMQContext: Sendable {
    /// How the operating system schedules a context's I/O threads.
    package enum IOThreadScheduling: Sendable {
        /// libzmq's default: the threads keep the policy of the thread that started them.
        case inherited
        /// Linux's `SCHED_BATCH`: a woken I/O thread does not preempt the thread running on its
        /// core, so on a busy machine the threads that make and use messages run on and hand the
        /// I/O thread larger batches. Where the system refuses the policy (an unprivileged process
        /// started as `SCHED_IDLE`, a seccomp profile), the context keeps `inherited`: libzmq
        /// aborts the process if it cannot apply a policy it was given, so the policy is tried
        /// first on a thread of Baton's own (`mayUseBatchScheduling`).
        case batch
    }

    // The pointer is only handed to libzmq, whose context functions are thread-safe.
    nonisolated(unsafe) let handle: UnsafeMutableRawPointer
    /// What the I/O threads got: `batch` only when it was asked for and the system allows it.
    package let ioThreadScheduling: IOThreadScheduling

    /// - Parameter threadNamePrefix: a number libzmq puts before its threads' names
    ///   (`7/ZMQbg/IO/0`), so that one context's threads can be told from another's.
    package init(ioThreads: Int32 = 1, scheduling: IOThreadScheduling = .inherited, threadNamePrefix: Int32? = nil) throws(ZeroMQError) {
        guard let handle = zmq_ctx_new() else { throw .last("zmq_ctx_new") }
        // BLOCKY=0: zmq_ctx_term never waits for unsent messages (libzmq's default linger is infinite).
        zmq_ctx_set(handle, ZMQ_BLOCKY, 0)
        zmq_ctx_set(handle, ZMQ_IO_THREADS, ioThreads)
        if let threadNamePrefix { zmq_ctx_set(handle, ZMQ_THREAD_NAME_PREFIX, threadNamePrefix) }
        if scheduling == .batch, Self.mayUseBatchScheduling(), zmq_ctx_set(handle, ZMQ_THREAD_SCHED_POLICY, Self.schedBatch) == 0 {
            ioThreadScheduling = .batch
        } else {
            ioThreadScheduling = .inherited
        }
        self.handle = handle
    }

    deinit {
        while zmq_ctx_term(handle) != 0 && zmq_errno() == EINTR {}
    }

    /// Linux's `SCHED_BATCH`, which Glibc declares only under `_GNU_SOURCE`.
    package static let schedBatch: Int32 = 3

    /// Whether a thread started from the calling one may switch itself to `SCHED_BATCH`, with
    /// the very call libzmq's I/O threads make. A new thread has its creator's policy and
    /// privileges, as the I/O threads will: an unprivileged process started as `SCHED_IDLE`
    /// (systemd's `CPUSchedulingPolicy=idle`, `chrt -i`) may not leave it, and a seccomp profile may
    /// forbid the call altogether.
    package static func mayUseBatchScheduling() -> Bool {
        var thread = pthread_t()
        let started = pthread_create(&thread, nil, { _ in
            var parameters = sched_param()
            parameters.sched_priority = 0
            let allowed = pthread_setschedparam(pthread_self(), ZeroMQContext.schedBatch, &parameters) == 0
            return UnsafeMutableRawPointer(bitPattern: allowed ? 1 : 2)
        }, nil)
        guard started == 0 else { return false }
        var result: UnsafeMutableRawPointer?
        guard pthread_join(thread, &result) == 0 else { return false }
        return result == UnsafeMutableRawPointer(bitPattern: 1)
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
