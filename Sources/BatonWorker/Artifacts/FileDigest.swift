import BatonModel
import Crypto
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// SHA-256 and size of a file, read in 1 MiB blocks (never loaded whole). `stop`, asked before
/// each block, ends a read nobody waits for any more with `CancellationError`.
package func fileDigest(_ url: URL, stop: (@Sendable () -> Bool)? = nil) throws -> (ArtifactDigest, Int64) {
    let fd = open(url.path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw WorkerError.io(path: url.path, reason: String(cString: strerror(errno))) }
    defer { close(fd) }
    var hasher = SHA256()
    var size: Int64 = 0
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
    defer { buffer.deallocate() }
    while true {
        if let stop, stop() { throw CancellationError() }
        let count = read(fd, buffer.baseAddress, buffer.count)
        if count < 0 {
            if errno == EINTR { continue }
            throw WorkerError.io(path: url.path, reason: String(cString: strerror(errno)))
        }
        if count == 0 { break }
        hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
        size += Int64(count)
    }
    return (ArtifactDigest(hasher.finalize()), size)
}
