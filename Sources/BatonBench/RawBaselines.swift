import BatonFileIO
import Crypto
import Foundation
import ZeroMQ

#if canImport(Glibc)
import Glibc
#endif

/// What the machine does without Baton: a libzmq ROUTER/DEALER round trip over TCP loopback with
/// frames shaped like a JOB and a result, and SHA-256 over memory.
enum RawBaselines {
    /// Round trips, DEALER → ROUTER → DEALER, each a 3-frame message of about 600 bytes.
    static func zeroMQRoundTrip(count: Int) throws -> Percentiles {
        let context = try ZeroMQContext()
        let router = try Socket(context: context, type: .router)
        let dealer = try Socket(context: context, type: .dealer)
        try router.bind("tcp://127.0.0.1:*")
        guard let endpoint = router.lastEndpoint else { throw BenchError("the ROUTER has no endpoint") }
        try dealer.connect(endpoint)
        let header = Frame(Array(repeating: UInt8(ascii: "x"), count: 600))
        let clock = ContinuousClock()
        var samples: [Double] = []
        samples.reserveCapacity(count)
        for index in 0..<(count + 200) {
            let start = clock.now
            try dealer.send(Message([Frame("JWP1"), Frame([0x82]), header]), dontWait: false)
            guard let request = try router.receive(dontWait: false) else { throw BenchError("ROUTER receive returned nothing") }
            try router.send(Message([request.frames[0], Frame("JWP1"), Frame([0x07]), header]), dontWait: false)
            guard try dealer.receive(dontWait: false) != nil else { throw BenchError("DEALER receive returned nothing") }
            if index >= 200 { samples.append((clock.now - start).milliseconds) }  // the first 200 warm up
        }
        return Percentiles(samples)
    }

    /// SHA-256 throughput in MiB/s over `megabytes` MiB, 1 MiB at a time.
    static func sha256Speed(megabytes: Int) -> Double {
        let chunk = [UInt8](repeating: 0xA5, count: 1 << 20)
        var hasher = SHA256()
        let clock = ContinuousClock()
        let start = clock.now
        for _ in 0..<megabytes { hasher.update(data: chunk) }
        _ = hasher.finalize()
        return Double(megabytes) / (clock.now - start).seconds
    }

    /// MiB/s of writing `megabytes` to a new file in `directory` past the page cache, as the
    /// artifact store and the workers' caches do, and fsyncing it: the disk's speed for the
    /// durable write each end of an artifact hop makes.
    static func durableWriteSpeed(megabytes: Int, in directory: URL) throws -> Double {
        let path = directory.appendingPathComponent("write-baseline.bin").path
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | DirectIO.flag, 0o644)
        guard fd >= 0 else { throw BenchError("cannot create \(path): \(String(cString: strerror(errno)))") }
        defer {
            close(fd)
            unlink(path)
        }
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: DirectIO.alignment)
        defer { chunk.deallocate() }
        chunk.initializeMemory(as: UInt8.self, repeating: 0x5A)
        let clock = ContinuousClock()
        let start = clock.now
        for _ in 0..<megabytes {
            let written = write(fd, chunk.baseAddress, chunk.count)
            guard written == chunk.count else { throw BenchError("short write to \(path)") }
        }
        guard fsync(fd) == 0 else { throw BenchError("fsync \(path): \(String(cString: strerror(errno)))") }
        return Double(megabytes) / (clock.now - start).seconds
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
