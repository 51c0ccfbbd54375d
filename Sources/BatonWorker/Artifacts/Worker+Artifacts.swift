import BatonFileIO
import BatonIdentifiers
import BatonModel
import BatonProtocol
import Crypto
import Foundation
import Logging
import ZeroMQ

#if canImport(Glibc)
import Glibc
#endif

extension Worker {
    func cacheURL(_ digest: ArtifactDigest) -> URL {
        configuration.workDirectory.appendingPathComponent("cache").appendingPathComponent("\(digest.hex).zip")
    }

    /// An input artifact as a verified local file: from the cache by digest, or downloaded (once,
    /// however many jobs ask for it at the same time).
    func fetchInput(_ artifact: JobArtifact) async throws -> URL {
        guard let digest = artifact.sha256, let size = artifact.size else {
            throw WorkerError.artifactUnavailable(name: artifact.name, reason: "the job does not give its digest and size")
        }
        let cached = cacheURL(digest)
        if FileManager.default.fileExists(atPath: cached.path) { return cached }
        if let inFlight = downloads[digest] { return try await inFlight.value }
        let task = Task { try await self.download(digest, size: size, name: artifact.name, to: cached) }
        downloads[digest] = task
        defer { downloads[digest] = nil }
        return try await task.value
    }

    /// Downloads with up to `credit` FETCHes outstanding, hashing and writing (past the page
    /// cache) as chunks arrive; the file enters the cache only once its SHA-256 matches.
    private func download(_ digest: ArtifactDigest, size: Int64, name: String, to destination: URL) async throws -> URL {
        guard welcome != nil else { throw WorkerError.artifactUnavailable(name: name, reason: "not connected") }
        let (replies, continuation) = AsyncStream<ArtifactReply>.makeStream()
        chunkStreams[digest] = continuation
        watchTransfer(.download(digest), continuation)
        defer {
            chunkStreams[digest] = nil
            transferTicks.remove(.download(digest))
        }

        let partial = destination.deletingLastPathComponent().appendingPathComponent("\(digest.hex).\(identifiers.uuid()).part")
        let file: HashingFileWriter
        do {
            file = try HashingFileWriter(path: partial.path)
        } catch {
            throw WorkerError.io(path: error.path, reason: error.reason)
        }
        defer {
            file.abandon()
            unlink(partial.path)
        }

        var requested: Int64 = 0
        var received: Int64 = 0
        var outstanding = 0
        var progress = TransferProgress(giveUpAfter: configuration.transferResumeWindow)
        func requestMore() -> Bool {
            // The session's terms: a reconnect may bring new ones.
            guard let welcome = self.welcome else { return false }
            while outstanding < welcome.credit && requested < size {
                let length = Int(min(Int64(welcome.chunkSize), size - requested))
                guard sendArtifact(.fetch(Fetch(digest: digest, offset: requested, length: length))) else { return false }
                requested += Int64(length)
                outstanding += 1
            }
            return true
        }
        /// FETCHes from the first missing byte, forgetting those outstanding.
        func askAgain() -> Bool {
            requested = received
            outstanding = 0
            return requestMore()
        }
        guard requestMore() else { throw WorkerError.artifactUnavailable(name: name, reason: "not connected") }
        if size > 0 {
            for await reply in replies {
                switch reply {
                case .chunk(let chunk, let payload):
                    // Chunks are written in order only: one that is not next (a chunk before it
                    // was dropped, or it answers a FETCH asked again) is skipped, and the watchdog
                    // asks again from the first missing byte.
                    guard chunk.offset == received else { continue }
                    progress.note()
                    do {
                        try payload.withUnsafeBytes { try file.append($0) }
                    } catch let error as FileIOError {
                        throw WorkerError.io(path: error.path, reason: error.reason)
                    }
                    received += Int64(payload.count)
                    outstanding -= 1
                    if payload.count == 0 && received < size {
                        throw WorkerError.artifactUnavailable(name: name, reason: "the coordinator's copy is \(received) bytes, expected \(size)")
                    }
                    guard requestMore() else { throw WorkerError.artifactUnavailable(name: name, reason: "connection lost") }
                case .error(let error):
                    throw WorkerError.artifactUnavailable(name: name, reason: error.message)
                case .interrupted:
                    // FETCH is stateless: ask the next connection for what has not arrived.
                    guard await artifactSocketOpen(within: configuration.transferResumeWindow) else {
                        throw WorkerError.artifactUnavailable(name: name, reason: "connection lost after \(received) of \(size) bytes and not back within \(configuration.transferResumeWindow)")
                    }
                    logger.info("resuming a download", metadata: ["artifact.name": "\(name)", "artifact.offset": "\(received)"])
                    guard askAgain() else { throw WorkerError.artifactUnavailable(name: name, reason: "connection lost") }
                case .tick:
                    let stalled = try progress.stalled { limit in
                        WorkerError.artifactUnavailable(name: name, reason: "no bytes from the coordinator for \(limit), stuck at \(received) of \(size) bytes")
                    }
                    guard stalled else { continue }
                    logger.info("asking again for a stalled download", metadata: ["artifact.name": "\(name)", "artifact.offset": "\(received)"])
                    _ = askAgain()
                case .credit, .done:
                    break
                }
                if received >= size { break }
            }
        }
        guard received == size else { throw WorkerError.artifactUnavailable(name: name, reason: "connection lost after \(received) of \(size) bytes") }
        let actual: ArtifactDigest
        do {
            actual = ArtifactDigest(try file.finish())
        } catch {
            throw WorkerError.io(path: error.path, reason: error.reason)
        }
        guard actual == digest else { throw WorkerError.corruptArtifact(name: name, expected: digest, actual: actual) }
        guard rename(partial.path, destination.path) == 0 else {
            throw WorkerError.io(path: destination.path, reason: String(cString: strerror(errno)))
        }
        return destination
    }

    /// Outputs smaller than this are hashed on the worker's own task: about 40 µs of SHA-256 at
    /// most, against a thread started and stopped.
    static let hashInPlaceBelow: Int64 = 64 << 10

    /// Ticks `stream` every reply timeout while the transfer lasts, so it notices a reply that
    /// never comes (see `TransferTicks`).
    private func watchTransfer(_ key: TransferTicks.Key, _ stream: AsyncStream<ArtifactReply>.Continuation) {
        let interval = configuration.replyTimeout
        transferTicks.add(key, stream, every: interval, first: replyDeadline(after: interval))
    }

    /// Uploads `file` as output artifact `name`: declares its size (and, for a small file, its
    /// SHA-256), sends chunks within the byte window the coordinator grants, and waits for the
    /// coordinator's verdict. A large file is hashed on a thread of its own while its bytes go out,
    /// and its digest ends the upload (PUT_END): one pass over the file instead of two in a row.
    func upload(_ file: URL, name: String) async throws -> ArtifactReference {
        let fd = open(file.path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw WorkerError.io(path: file.path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw WorkerError.io(path: file.path, reason: String(cString: strerror(errno))) }
        let size = Int64(info.st_size)

        // An upload that fails stops the hashing thread at its next block, not at the file's end.
        let abandoned = Flag()
        defer { abandoned.set() }
        let hash: @Sendable () throws -> ArtifactDigest = {
            let (digest, hashed) = try fileDigest(file) { abandoned.isSet }
            guard hashed == size else { throw WorkerError.io(path: file.path, reason: "the file changed while it was being uploaded") }
            return digest
        }
        // Declared in PUT_BEGIN when small; otherwise hashed beside the sends, named in PUT_END.
        // A tiny file is hashed right here: a thread of its own would cost more than the hash.
        let declared: ArtifactDigest? =
            if size < Self.hashInPlaceBelow { try hash() }
            else if size < configuration.hashWhileSendingFrom { try await runBlocking(hash) }
            else { nil }
        let digest = Task { if let declared { declared } else { try await runBlocking(hash) } }

        let uploadID = identifiers.uuid()
        let (replies, continuation) = AsyncStream<ArtifactReply>.makeStream()
        uploadStreams[uploadID] = continuation
        watchTransfer(.upload(id: uploadID), continuation)
        defer {
            uploadStreams[uploadID] = nil
            transferTicks.remove(.upload(id: uploadID))
        }

        // A resumed upload begins exactly as the first time, digest or not.
        let begin = PutBegin(uploadId: uploadID, digest: declared, size: size)
        guard let chunkSize = welcome?.chunkSize, sendArtifact(.putBegin(begin))
        else { throw WorkerError.uploadRefused(name: name, reason: "not connected") }

        var sent: Int64 = 0
        var ended = false
        /// PUT_BEGIN went out again: the next credit says from where to go on.
        var resuming = false
        var progress = TransferProgress(giveUpAfter: configuration.transferResumeWindow)
        func resume(_ why: String) -> Bool {
            guard !resuming else { return true }
            logger.info("resuming an upload", metadata: ["artifact.name": "\(name)", "upload.id": "\(uploadID)", "reason": "\(why)"])
            resuming = true
            return sendArtifact(.putBegin(begin))
        }
        for await reply in replies {
            if case .tick = reply {} else { progress.note() }
            switch reply {
            case .tick:
                let stalled = try progress.stalled { limit in
                    WorkerError.uploadRefused(name: name, reason: "no reply from the coordinator for \(limit), at \(sent) of \(size) bytes")
                }
                guard stalled else { continue }
                // No reply for a whole tick: PUT_BEGIN again says where the coordinator is.
                resuming = false
                _ = resume("no reply from the coordinator")
            case .credit(let credit):
                if resuming {
                    // The coordinator holds `have` bytes: chunks sent after those were lost.
                    sent = credit.have
                    ended = false
                    resuming = false
                }
                sent = max(sent, credit.have)
                let limit = min(size, credit.have + credit.window)
                while sent < limit {
                    let length = Int(min(Int64(chunkSize), limit - sent))
                    let buffer = chunkBuffers?.buffer(count: length) ?? FrameBuffer(capacity: length)
                    let count = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, length, off_t(sent)) }
                    guard count == length else { throw WorkerError.io(path: file.path, reason: "short read at offset \(sent)") }
                    guard sendArtifact(.putChunk(PutChunk(uploadId: uploadID, offset: sent)), payload: Frame(buffer: buffer)) else {
                        throw WorkerError.uploadRefused(name: name, reason: "connection lost")
                    }
                    sent += Int64(length)
                }
                if sent == size && !ended {
                    ended = true
                    _ = sendArtifact(.putEnd(PutEnd(uploadId: uploadID, digest: declared == nil ? try await digest.value : nil)))
                }
            case .done(let done):
                guard done.status == .ok else {
                    throw WorkerError.uploadRefused(name: name, reason: "\(done.status.rawValue): \(done.message ?? "")")
                }
                return ArtifactReference(name: name, digest: try await digest.value, size: size)
            case .error(let error) where error.code == .unknownUpload:
                // A restarted coordinator does not know the upload: begin it again there. With
                // no socket to send on, the interruption that closed it resumes the upload.
                if !resume("the coordinator does not know the upload") { resuming = false }
            case .error(let error):
                throw WorkerError.uploadRefused(name: name, reason: error.message)
            case .interrupted:
                resuming = false
                guard await artifactSocketOpen(within: configuration.transferResumeWindow), resume("reconnected") else {
                    throw WorkerError.uploadRefused(name: name, reason: "connection lost after \(sent) of \(size) bytes and not back within \(configuration.transferResumeWindow)")
                }
            case .chunk:
                break
            }
        }
        throw WorkerError.uploadRefused(name: name, reason: "connection lost")
    }
}
