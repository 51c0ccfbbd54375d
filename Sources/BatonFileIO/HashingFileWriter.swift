import BatonThreads
import Crypto
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Writes a new file front to back, hashing the bytes with SHA-256 as they pass, and bypassing the
/// page cache (`O_DIRECT`) where the file system allows it.
///
/// Artifacts are large, written once and read later, usually by another machine: streaming them
/// through the page cache evicts what the coordinator and the builds need there, and on virtual
/// machines whose fresh memory the host backs lazily it is also 3–4× slower than direct writes
/// (`docs/performance.md`). Bytes are gathered into two aligned blocks: while one is written by a
/// thread of the writer's own, the caller hashes and fills the other. `finish` pads the last block,
/// trims the file to its true size and fsyncs it. A file system without `O_DIRECT` (tmpfs, some
/// FUSE mounts) gets ordinary buffered writes.
package final class HashingFileWriter {
    package static let blockSize = 1 << 20

    package let path: String
    /// Bytes appended so far, written or still in a block.
    package private(set) var count: Int64 = 0
    private let file: BlockFile
    private let blocks: [UnsafeMutableRawBufferPointer]
    private var current = 0
    private var filled = 0
    private var flushed: Int64 = 0
    private var hasher = SHA256()
    private var isClosed = false

    /// Creates (or truncates) `path`.
    package init(path: String) throws(FileIOError) {
        self.path = path
        file = try BlockFile(path: path)
        blocks = (0..<2).map { _ in .allocate(byteCount: Self.blockSize, alignment: DirectIO.alignment) }
    }

    deinit {
        abandon()
        for block in blocks { block.deallocate() }
    }

    package func append(_ bytes: UnsafeRawBufferPointer) throws(FileIOError) {
        guard !bytes.isEmpty, let base = bytes.baseAddress else { return }
        hasher.update(bufferPointer: bytes)
        var taken = 0
        while taken < bytes.count {
            let block = blocks[current]
            let length = min(bytes.count - taken, block.count - filled)
            (block.baseAddress! + filled).copyMemory(from: base + taken, byteCount: length)
            filled += length
            taken += length
            if filled == block.count {
                try file.waitForWrite()
                file.startWrite(UnsafeRawBufferPointer(block), at: flushed)
                flushed += Int64(filled)
                filled = 0
                current ^= 1
            }
        }
        count += Int64(bytes.count)
    }

    /// Writes what is buffered, fsyncs, closes, and returns the SHA-256 of everything appended.
    package func finish() throws(FileIOError) -> SHA256.Digest {
        try file.waitForWrite()
        if filled > 0 {
            let block = blocks[current]
            let padded = file.isDirect ? (filled + DirectIO.alignment - 1) / DirectIO.alignment * DirectIO.alignment : filled
            memset(block.baseAddress! + filled, 0, padded - filled)
            try file.write(UnsafeRawBufferPointer(rebasing: block[0..<padded]), at: flushed)
            if padded != filled { try file.truncate(to: flushed + Int64(filled)) }
            flushed += Int64(filled)
            filled = 0
        }
        isClosed = true
        try file.syncAndClose()
        return hasher.finalize()
    }

    /// Closes without syncing, for a write that is being abandoned.
    package func abandon() {
        guard !isClosed else { return }
        isClosed = true
        file.close()
    }
}

/// A file written in aligned blocks, one of them at a time by a thread of its own.
private final class BlockFile: @unchecked Sendable {
    // Unchecked: `pending`, `failure` and `stopping` are shared with the writing thread only under
    // `condition`; the rest is used by the owner alone, and the block a write is given is left
    // alone by the owner until `waitForWrite` returns.
    private let path: String
    private let fd: Int32
    private(set) var isDirect: Bool
    private let condition = NSCondition()
    private var pending: (bytes: UnsafeRawBufferPointer, offset: Int64)?
    private var failure: FileIOError?
    private var stopping = false
    private var thread: Thread?
    private var isClosed = false

    init(path: String) throws(FileIOError) {
        self.path = path
        let flags = O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC
        var fd = DirectIO.flag == 0 ? -1 : open(path, flags | DirectIO.flag, 0o644)
        isDirect = fd >= 0
        if fd < 0 { fd = open(path, flags, 0o644) }
        guard fd >= 0 else { throw .fromErrno(path) }
        self.fd = fd
    }

    /// Hands `bytes` to the writing thread; the caller must `waitForWrite` before the next.
    func startWrite(_ bytes: UnsafeRawBufferPointer, at offset: Int64) {
        if thread == nil {
            thread = Thread.startNamed("baton-writer") { [self] in runWrites() }
        }
        condition.lock()
        pending = (bytes, offset)
        condition.broadcast()
        condition.unlock()
    }

    /// Waits until the block handed over last is written; throws its failure, if any.
    func waitForWrite() throws(FileIOError) {
        guard thread != nil else { return }
        condition.lock()
        while pending != nil { condition.wait() }
        let failure = failure
        self.failure = nil
        condition.unlock()
        if let failure { throw failure }
    }

    private func runWrites() {
        while true {
            condition.lock()
            while pending == nil && !stopping { condition.wait() }
            guard let job = pending else {
                condition.unlock()
                return
            }
            condition.unlock()
            var outcome: FileIOError?
            do { try write(job.bytes, at: job.offset) } catch { outcome = error }
            condition.lock()
            pending = nil
            failure = outcome
            condition.broadcast()
            condition.unlock()
        }
    }

    func write(_ bytes: UnsafeRawBufferPointer, at offset: Int64) throws(FileIOError) {
        var written = 0
        while written < bytes.count {
            let result = pwrite(fd, bytes.baseAddress! + written, bytes.count - written, off_t(offset) + off_t(written))
            if result < 0 {
                if errno == EINTR { continue }
                if errno == EINVAL && isDirect {
                    // The file system took O_DIRECT at open but refuses it for writes.
                    isDirect = false
                    _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~DirectIO.flag)
                    continue
                }
                throw .fromErrno(path)
            }
            written += result
        }
    }

    func truncate(to size: Int64) throws(FileIOError) {
        guard ftruncate(fd, off_t(size)) == 0 else { throw .fromErrno(path) }
    }

    func syncAndClose() throws(FileIOError) {
        stopThread()
        guard fsync(fd) == 0 else {
            let error = FileIOError.fromErrno(path)
            close()
            throw error
        }
        isClosed = true
        guard Glibc.close(fd) == 0 else { throw .fromErrno(path) }
    }

    func close() {
        stopThread()
        guard !isClosed else { return }
        isClosed = true
        _ = Glibc.close(fd)
    }

    /// Lets a write in progress end, then ends the thread.
    private func stopThread() {
        guard thread != nil else { return }
        condition.lock()
        while pending != nil { condition.wait() }
        stopping = true
        condition.broadcast()
        condition.unlock()
        thread = nil
    }
}
