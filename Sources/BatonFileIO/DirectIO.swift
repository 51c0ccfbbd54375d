#if canImport(Glibc)
import Glibc
#endif

/// Why a file could not be read or written, with its path.
package struct FileIOError: Error, Sendable, CustomStringConvertible {
    package let path: String
    package let reason: String
    /// The `errno` behind it.
    package let code: Int32

    package var isMissing: Bool { code == ENOENT }
    package var description: String { "\(path): \(reason)" }

    static func fromErrno(_ path: String) -> FileIOError {
        let code = errno
        return FileIOError(path: path, reason: String(cString: strerror(code)), code: code)
    }
}

/// Reads and writes past the page cache (`O_DIRECT`), for artifact bytes streamed once.
package enum DirectIO {
    /// Buffers, offsets and lengths of direct transfers are multiples of this.
    package static let alignment = 4096

    /// Glibc's module map leaves out `O_DIRECT` (it needs `_GNU_SOURCE`), and its value is per
    /// architecture. Zero elsewhere: plain buffered I/O.
    #if os(Linux) && arch(x86_64)
    package static let flag: Int32 = 0o40000
    #elseif os(Linux) && arch(arm64)
    package static let flag: Int32 = 0o200000
    #else
    package static let flag: Int32 = 0
    #endif

    /// Reads up to `buffer.count` bytes of the file at `path` from `offset` and returns how many
    /// were read (fewer only at the end of the file). Aligned reads go past the page cache where
    /// the file system allows; others, and file systems without `O_DIRECT`, read through it.
    package static func read(_ path: String, at offset: Int64, into buffer: UnsafeMutableRawBufferPointer) throws(FileIOError) -> Int {
        guard let base = buffer.baseAddress, !buffer.isEmpty else { return 0 }
        let aligned = flag != 0 && Int(bitPattern: base) % alignment == 0
            && offset % Int64(alignment) == 0 && buffer.count % alignment == 0
        var fd: Int32 = -1
        if aligned {
            fd = open(path, O_RDONLY | O_CLOEXEC | flag)
        }
        var direct = fd >= 0
        if fd < 0 {
            fd = open(path, O_RDONLY | O_CLOEXEC)
        }
        guard fd >= 0 else { throw .fromErrno(path) }
        defer { close(fd) }
        var total = 0
        while total < buffer.count {
            let count = pread(fd, base + total, buffer.count - total, off_t(offset) + off_t(total))
            if count < 0 {
                if errno == EINTR { continue }
                if errno == EINVAL && direct {
                    // The file system refuses this direct read, or a short one left the rest
                    // unaligned: go on through the page cache.
                    direct = false
                    _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~flag)
                    continue
                }
                throw .fromErrno(path)
            }
            if count == 0 { break }
            total += count
        }
        return total
    }
}
