import BatonFileIO
import BatonModel
import BatonProtocol
import BatonStore
import Logging
import Prometheus
import ZeroMQ

/// Serves the artifact ROUTER socket: FETCH reads stored objects chunk by chunk, PUT_* writes
/// uploads into staging under a byte window the server grants, and commits them only when size and
/// SHA-256 check out. Bulk bytes use their own socket so they never delay control messages.
///
/// Uploads are known by their id, not by the connection they began on: a worker that reconnects
/// sends PUT_BEGIN again with the same id and is granted credit from the bytes already staged.
actor ArtifactServer {
    private struct Upload {
        let staged: StagedUpload
        /// Bytes granted so far: the next PUT_CREDIT goes out when half is used.
        var granted: Int64
        var touched: ContinuousClock.Instant
    }

    private let loop: SocketLoop
    private let socket: OpenedSocket
    private let files: ArtifactFiles
    private let chunkSize: Int
    private let window: Int64
    /// Chunk buffers reused across FETCHes: enough for two transfers' windows.
    private let chunkBuffers: FrameBufferPool
    /// FETCHes are read a few at a time, and answered in the order they arrived.
    private let reads = BlockingReads(threads: 3)
    private let replies: InOrderReplies
    private var fetchesRead = 0
    private let logger: Logger
    private let metrics: CoordinatorMetrics?
    private var uploads: [String: Upload] = [:]
    /// An upload no message has touched for this long is dropped with its staged bytes.
    private let idleLimit = Duration.seconds(15 * 60)

    init(loop: SocketLoop, socket: OpenedSocket, files: ArtifactFiles, chunkSize: Int, credit: Int, metrics: CoordinatorMetrics? = nil, logger: Logger) {
        self.loop = loop
        self.socket = socket
        self.files = files
        self.chunkSize = chunkSize
        window = Int64(chunkSize * credit)
        chunkBuffers = FrameBufferPool(blockSize: chunkSize, keep: 2 * credit)
        replies = InOrderReplies { [loop, socket] message in loop.post(message, on: socket.handle) }
        self.logger = logger
        self.metrics = metrics
    }

    func run() async {
        for await message in socket.inbound {
            receive(message)
        }
        reads.stop()
    }

    private func receive(_ raw: Message) {
        let incoming: WireFrames.Incoming
        do {
            incoming = try WireFrames.decode(raw)
        } catch {
            logger.warning("dropped a malformed message on the artifact socket", metadata: ["error.message": "\(error)"])
            return
        }
        let peer = incoming.routingID
        guard case .one(let message, let payload) = incoming.body else {
            send(.artifactError(ArtifactError(code: .badRequest, message: "the artifact socket does not accept BATCH")), to: peer)
            return
        }
        switch message {
        case .fetch(let fetch):
            serve(fetch, to: peer)
        case .putBegin(let begin):
            beginUpload(begin, from: peer)
        case .putChunk(let chunk):
            guard let payload else { return }
            appendChunk(chunk, payload: payload, from: peer)
        case .putEnd(let end):
            finishUpload(end, from: peer)
        default:
            send(.artifactError(ArtifactError(code: .badRequest, message: "the artifact socket does not accept this command")), to: peer)
        }
    }

    private func serve(_ fetch: Fetch, to peer: Frame) {
        guard fetch.offset >= 0, fetch.length > 0, fetch.length <= chunkSize else {
            send(.artifactError(ArtifactError(code: .badRequest, message: "FETCH length must be 1...\(chunkSize) and offset ≥ 0", digest: fetch.digest)), to: peer)
            return
        }
        guard let size = files.size(of: fetch.digest) else {
            send(.artifactError(ArtifactError(code: .notFound, message: "artifact \(fetch.digest) is not in the store", digest: fetch.digest)), to: peer)
            return
        }
        let length = Int(max(0, min(Int64(fetch.length), size - fetch.offset)))
        let turn = fetchesRead
        fetchesRead += 1
        reads.run { [files, metrics, replies, chunkBuffers] in
            // The buffer is taken when the read starts, not when it is queued: a worker that
            // FETCHes far beyond its credit queues small jobs, not megabytes.
            let buffer = chunkBuffers.buffer(count: length)
            let reply: CoordinatorMessage
            var payload: Frame?
            do {
                let read = try buffer.withUnsafeMutableBytes { try files.read(fetch.digest, at: fetch.offset, into: $0) }
                guard read == length else { throw StoreError.io(path: fetch.digest.hex, reason: "short read") }
                metrics?.artifactBytesOut.increment(by: Int64(length))
                reply = .chunk(Chunk(digest: fetch.digest, offset: fetch.offset, eof: fetch.offset + Int64(length) >= size))
                payload = Frame(buffer: buffer)
            } catch {
                reply = .artifactError(ArtifactError(code: .internalError, message: "\(error)", digest: fetch.digest))
            }
            replies.send(WireFrames.encode(reply, to: peer, payload: payload), turn: turn)
        }
    }

    private func beginUpload(_ begin: PutBegin, from peer: Frame) {
        dropIdleUploads()
        // Content-addressed: an object with this digest is already exactly these bytes.
        if let digest = begin.digest, files.size(of: digest) == begin.size {
            files.touch(digest)
            send(.putDone(PutDone(uploadId: begin.uploadId, status: .ok)), to: peer)
            return
        }
        if var upload = uploads[begin.uploadId] {
            guard upload.staged.digest == begin.digest, upload.staged.size == begin.size else {
                send(.putDone(PutDone(uploadId: begin.uploadId, status: .failed,
                                      message: "upload \(begin.uploadId) is in progress for other content (\(upload.staged.digest.map { "\($0)" } ?? "digest at its end"), \(upload.staged.size) bytes)")), to: peer)
                return
            }
            // Resumed after a reconnect: go on from what is staged.
            upload.granted = upload.staged.received + window
            upload.touched = .now
            uploads[begin.uploadId] = upload
            logger.info("resuming an upload", metadata: ["upload.id": "\(begin.uploadId)", "upload.offset": "\(upload.staged.received)"])
            send(.putCredit(PutCredit(uploadId: begin.uploadId, have: upload.staged.received, window: window)), to: peer)
            return
        }
        do {
            let staged = try files.beginUpload(id: begin.uploadId, digest: begin.digest, size: begin.size)
            uploads[begin.uploadId] = Upload(staged: staged, granted: window, touched: .now)
            send(.putCredit(PutCredit(uploadId: begin.uploadId, have: 0, window: window)), to: peer)
        } catch {
            send(.putDone(PutDone(uploadId: begin.uploadId, status: .failed, message: "\(error)")), to: peer)
        }
    }

    private func dropIdleUploads() {
        let now = ContinuousClock.now
        for (id, upload) in uploads where now - upload.touched > idleLimit {
            logger.info("dropping an idle upload", metadata: ["upload.id": "\(id)", "upload.offset": "\(upload.staged.received)"])
            uploads[id] = nil
        }
    }

    private func appendChunk(_ chunk: PutChunk, payload: Frame, from peer: Frame) {
        guard var upload = uploads[chunk.uploadId] else {
            send(.artifactError(ArtifactError(code: .unknownUpload, message: "no upload \(chunk.uploadId) in progress", uploadId: chunk.uploadId)), to: peer)
            return
        }
        do {
            try payload.withUnsafeBytes { try upload.staged.append($0, at: chunk.offset) }
            metrics?.artifactBytesIn.increment(by: Int64(payload.count))
        } catch {
            uploads[chunk.uploadId] = nil
            send(.putDone(PutDone(uploadId: chunk.uploadId, status: .failed, message: "\(error)")), to: peer)
            return
        }
        upload.touched = .now
        if upload.granted - upload.staged.received <= window / 2 && upload.granted < upload.staged.size {
            upload.granted = upload.staged.received + window
            send(.putCredit(PutCredit(uploadId: chunk.uploadId, have: upload.staged.received, window: window)), to: peer)
        }
        uploads[chunk.uploadId] = upload
    }

    private func finishUpload(_ end: PutEnd, from peer: Frame) {
        guard let upload = uploads.removeValue(forKey: end.uploadId) else {
            send(.artifactError(ArtifactError(code: .unknownUpload, message: "no upload \(end.uploadId) in progress", uploadId: end.uploadId)), to: peer)
            return
        }
        do {
            try upload.staged.finish(declaredAtEnd: end.digest)
            send(.putDone(PutDone(uploadId: end.uploadId, status: .ok)), to: peer)
        } catch let failure as StagedUpload.Failure {
            let status: PutDone.Status = switch failure {
            case .digestMismatch, .conflictingDigests: .badChecksum
            case .noDigest: .failed
            case .outOfOrder, .tooLarge, .sizeMismatch: .badSize
            }
            logger.warning("rejected an upload", metadata: ["upload.id": "\(end.uploadId)", "error.message": "\(failure)"])
            send(.putDone(PutDone(uploadId: end.uploadId, status: status, message: "\(failure)")), to: peer)
        } catch {
            send(.putDone(PutDone(uploadId: end.uploadId, status: .failed, message: "\(error)")), to: peer)
        }
    }

    private func send(_ message: CoordinatorMessage, to peer: Frame, payload: Frame? = nil) {
        loop.post(WireFrames.encode(message, to: peer, payload: payload), on: socket.handle)
    }
}
