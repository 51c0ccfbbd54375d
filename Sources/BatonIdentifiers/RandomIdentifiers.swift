#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Random identifiers (version-4 UUIDs, lowercased) and nonces, from the kernel's CSPRNG read a
/// block at a time.
///
/// Foundation's `UUID()` on Linux opens, reads and closes `/dev/urandom` for every identifier:
/// about 4 µs and three system calls each on this project's machine, and an action made about six
/// (its execution, events, result). Here one `getentropy` call serves 16. The bytes
/// are the kernel's own, unchanged, so they are as unpredictable as `UUID()`'s; they wait in this
/// process's memory until used, which is no weaker than the nonce they become, held there anyway.
package final class RandomIdentifiers: Sendable {
    private static let blockSize = 4096

    private struct Pool {
        var bytes = [UInt8](repeating: 0, count: RandomIdentifiers.blockSize)
        var used = RandomIdentifiers.blockSize
    }

    private let pool = Mutex(Pool())

    package init() {}

    /// `8c1f4e0a-3b5d-4f6e-9a7b-2c8d0e1f3a5b`.
    package func uuid() -> String {
        var bytes = random16()
        bytes.6 = (bytes.6 & 0x0F) | 0x40  // version 4
        bytes.8 = (bytes.8 & 0x3F) | 0x80  // RFC 4122 variant
        return Self.text(bytes)
    }

    /// A version-7 UUID (RFC 9562): milliseconds since 1970 in its first 48 bits, then 74 random
    /// bits. `milliseconds` is the caller's clock.
    package func timeOrderedUUID(milliseconds: UInt64) -> String {
        var bytes = random16()
        bytes.0 = UInt8(truncatingIfNeeded: milliseconds >> 40)
        bytes.1 = UInt8(truncatingIfNeeded: milliseconds >> 32)
        bytes.2 = UInt8(truncatingIfNeeded: milliseconds >> 24)
        bytes.3 = UInt8(truncatingIfNeeded: milliseconds >> 16)
        bytes.4 = UInt8(truncatingIfNeeded: milliseconds >> 8)
        bytes.5 = UInt8(truncatingIfNeeded: milliseconds)
        bytes.6 = (bytes.6 & 0x0F) | 0x70  // version 7
        bytes.8 = (bytes.8 & 0x3F) | 0x80  // RFC 9562 variant
        return Self.text(bytes)
    }

    private static func text(_ bytes: Bytes16) -> String {
        withUnsafeBytes(of: bytes) { raw in
            String(unsafeUninitializedCapacity: 36) { out in
                var at = 0
                for (index, byte) in raw.enumerated() {
                    if index == 4 || index == 6 || index == 8 || index == 10 {
                        out[at] = UInt8(ascii: "-")
                        at += 1
                    }
                    out[at] = Self.hexDigits[Int(byte >> 4)]
                    out[at + 1] = Self.hexDigits[Int(byte & 0x0F)]
                    at += 2
                }
                return at
            }
        }
    }

    /// 128 random bits as 32 lowercase hex digits.
    package func hex128() -> String {
        let bytes = random16()
        return withUnsafeBytes(of: bytes) { raw in
            String(unsafeUninitializedCapacity: 32) { out in
                for (index, byte) in raw.enumerated() {
                    out[2 * index] = Self.hexDigits[Int(byte >> 4)]
                    out[2 * index + 1] = Self.hexDigits[Int(byte & 0x0F)]
                }
                return 32
            }
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    private typealias Bytes16 = (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8)

    private func random16() -> Bytes16 {
        var result: Bytes16 = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        pool.withLock { pool in
            if pool.used + 16 > pool.bytes.count {
                Self.refill(&pool.bytes)
                pool.used = 0
            }
            withUnsafeMutableBytes(of: &result) { out in
                pool.bytes.withUnsafeBytes { source in
                    out.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[pool.used..<pool.used + 16]))
                }
            }
            // Used bytes are overwritten, so no identifier handed out stays readable in the pool.
            for index in pool.used..<pool.used + 16 { pool.bytes[index] = 0 }
            pool.used += 16
        }
        return result
    }

    private static func refill(_ bytes: inout [UInt8]) {
        bytes.withUnsafeMutableBytes { buffer in
            var filled = 0
            // getentropy: the kernel's getrandom, at most 256 bytes a call.
            while let base = buffer.baseAddress, filled < buffer.count {
                let count = min(256, buffer.count - filled)
                guard getentropy(base + filled, count) == 0 else { break }
                filled += count
            }
            // Should getentropy fail, the standard library's generator, which reads the same kernel
            // source.
            var generator = SystemRandomNumberGenerator()
            while filled < buffer.count {
                let word = generator.next() as UInt64
                for shift in stride(from: 0, to: 64, by: 8) where filled < buffer.count {
                    buffer[filled] = UInt8(truncatingIfNeeded: word >> shift)
                    filled += 1
                }
            }
        }
    }
}
