import CZeroMQ
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One part of a multipart message.
///
/// A frame is either bytes Baton allocated (sent zero-copy: libzmq frees them through a callback),
/// a small array (copied into the message libzmq sends), or a message libzmq received (read in
/// place, never copied into a Swift array unless asked).
package struct Frame: Sendable {
    enum Storage: Sendable {
        case buffer(FrameBuffer)
        case small([UInt8])
        case received(SendableReceivedFrame)
    }

    /// Up to this size a frame is copied into libzmq's message instead of lent to it. Lending costs
    /// three allocations (the buffer, its owner and libzmq's reference count) and a callback on
    /// libzmq's I/O thread; a copy costs one allocation, or none up to 33 bytes, which libzmq keeps
    /// inside the message itself. Most frames (routing ids, signatures, commands, headers) are
    /// small.
    static let copiedBelow = 4096

    let storage: Storage

    package init(buffer: FrameBuffer) {
        storage = .buffer(buffer)
    }

    init(received: ReceivedFrame) {
        storage = .received(SendableReceivedFrame(frame: received))
    }

    package init(_ bytes: some Collection<UInt8>) {
        if bytes.count < Self.copiedBelow {
            storage = .small(Array(bytes))
            return
        }
        let buffer = FrameBuffer(capacity: bytes.count)
        buffer.withUnsafeMutableBytes { destination in
            destination.copyBytes(from: bytes)
        }
        storage = .buffer(buffer)
    }

    package init(_ string: String) {
        self.init(Array(string.utf8))
    }

    package var count: Int {
        switch storage {
        case .buffer(let buffer): buffer.count
        case .small(let bytes): bytes.count
        case .received(let received): received.frame.count
        }
    }

    package func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        switch storage {
        case .buffer(let buffer): try buffer.withUnsafeBytes(body)
        case .small(let bytes): try bytes.withUnsafeBytes(body)
        case .received(let received): try body(received.frame.bytes)
        }
    }

    /// A copy of the bytes.
    package var bytes: [UInt8] {
        withUnsafeBytes { Array($0) }
    }

    package var string: String? {
        withUnsafeBytes { String(validating: $0.bindMemory(to: UInt8.self), as: UTF8.self) }
    }

    /// Connection metadata libzmq attached to a received frame, such as `"User-Id"` (set by a ZAP
    /// handler) or `"Peer-Address"`. Nil for frames built locally.
    package func metadata(_ property: String) -> String? {
        guard case .received(let received) = storage else { return nil }
        return received.frame.metadata(property)
    }

    /// Initialises `message` with this frame's bytes without copying them.
    func initialize(_ message: UnsafeMutablePointer<zmq_msg_t>) throws(ZeroMQError) {
        switch storage {
        case .buffer(let buffer):
            guard buffer.count > 0 else {
                guard zmq_msg_init(message) == 0 else { throw .last("zmq_msg_init") }
                return
            }
            let hint = Unmanaged.passRetained(buffer).toOpaque()
            let result = zmq_msg_init_data(message, buffer.baseAddress, buffer.count, { _, hint in
                // Called by libzmq, possibly on its I/O thread, once it no longer needs the bytes.
                guard let hint else { return }
                Unmanaged<FrameBuffer>.fromOpaque(hint).release()
            }, hint)
            guard result == 0 else {
                Unmanaged<FrameBuffer>.fromOpaque(hint).release()
                throw .last("zmq_msg_init_data")
            }
        case .small(let bytes):
            guard zmq_msg_init_size(message, bytes.count) == 0 else { throw .last("zmq_msg_init_size") }
            bytes.withUnsafeBytes { source in
                if let base = source.baseAddress, let destination = zmq_msg_data(message) {
                    destination.copyMemory(from: base, byteCount: source.count)
                }
            }
        case .received(let received):
            guard zmq_msg_init(message) == 0 else { throw .last("zmq_msg_init") }
            // zmq_msg_copy shares large message bodies by reference count.
            guard zmq_msg_copy(message, received.frame.message) == 0 else { throw .last("zmq_msg_copy") }
        }
    }
}

extension Frame: Equatable {
    package static func == (lhs: Frame, rhs: Frame) -> Bool {
        lhs.withUnsafeBytes { left in rhs.withUnsafeBytes { right in left.elementsEqual(right) } }
    }
}

extension Frame: CustomStringConvertible {
    package var description: String {
        if let string, string.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7f }) {
            return "\"\(string)\""
        }
        return "<\(count) bytes>"
    }
}

/// Heap memory for an outgoing frame; immutable once the frame is built.
package final class FrameBuffer: @unchecked Sendable {
    // Unchecked: written only through `withUnsafeMutableBytes` before the buffer is wrapped in a
    // Frame, read-only afterwards.
    static let pageSize = 4096
    let baseAddress: UnsafeMutableRawPointer
    package let count: Int
    /// Where the memory goes back to, if it came from a pool.
    private let pool: FrameBufferPool?

    package init(capacity: Int) {
        // Page-aligned when large, so file bytes can be read into it directly (O_DIRECT).
        baseAddress = .allocate(byteCount: max(capacity, 1), alignment: capacity >= Self.pageSize ? Self.pageSize : 16)
        count = capacity
        pool = nil
    }

    init(address: UnsafeMutableRawPointer, count: Int, pool: FrameBufferPool) {
        baseAddress = address
        self.count = count
        self.pool = pool
    }

    deinit {
        if let pool {
            pool.giveBack(baseAddress)
        } else {
            baseAddress.deallocate()
        }
    }

    package func withUnsafeMutableBytes<R>(_ body: (UnsafeMutableRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeMutableRawBufferPointer(start: baseAddress, count: count))
    }

    func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(start: baseAddress, count: count))
    }
}

/// A `zmq_msg_t` that libzmq filled on receive, owned until the last frame referring to it goes away.
final class ReceivedFrame: ManagedBuffer<Void, zmq_msg_t> {
    // The message is never modified after receipt; it is closed exactly once, in deinit.

    /// A frame whose message is initialised empty, ready for `zmq_msg_recv`. The object holds the
    /// `zmq_msg_t` itself (tail-allocated, as `ManagedBuffer` lays out its elements): one
    /// allocation per frame received, where a separate buffer for the message made two.
    static func make() -> ReceivedFrame {
        let buffer = unsafeDowncast(ReceivedFrame.create(minimumCapacity: 1) { _ in }, to: ReceivedFrame.self)
        buffer.withUnsafeMutablePointerToElements { _ = zmq_msg_init($0) }
        return buffer
    }

    deinit {
        withUnsafeMutablePointerToElements { _ = zmq_msg_close($0) }
    }

    /// The message, for libzmq calls made while this object is alive (the caller holds it).
    var message: UnsafeMutablePointer<zmq_msg_t> { withUnsafeMutablePointerToElements { $0 } }

    var count: Int { withUnsafeMutablePointerToElements { zmq_msg_size($0) } }

    var bytes: UnsafeRawBufferPointer {
        withUnsafeMutablePointerToElements { UnsafeRawBufferPointer(start: zmq_msg_data($0), count: zmq_msg_size($0)) }
    }

    func metadata(_ property: String) -> String? {
        withUnsafeMutablePointerToElements { zmq_msg_gets($0, property).map { String(cString: $0) } }
    }
}

/// A `ReceivedFrame` that may cross threads. `ManagedBuffer` rules out `Sendable` for its
/// subclasses, and a received message is never modified after receipt, so this wrapper vouches
/// for it without a second allocation.
struct SendableReceivedFrame: @unchecked Sendable {
    let frame: ReceivedFrame
}
