import BatonModel
import BatonProtocol
import BatonStore
import Logging
import ZeroMQ

/// Serves the artifact ROUTER socket: FETCH reads stored objects chunk by chunk, PUT_* writes
/// uploads into staging under a byte window the server grants, and commits them only when size and
/// SHA-256 check out. Bulk bytes use their own socket so they never delay control messages.
actor ArtifactServer {
    private struct UploadKey: Hashable {
        let peer: [UInt8]
        let uploadID: String
    }

    private let loop: SocketLoop
    private let socket: OpenedSocket
    private let files: ArtifactFiles
    private let chunkSize: Int
    private let window: Int64
    private let logger: Logger
    private var uploads: [UploadKey: StagedUpload] = [:]
    /// Bytes granted so far, per upload: the next PUT_CREDIT goes out when half is used.
    private var granted: [UploadKey: Int64] = [:]

    init(loop: SocketLoop, socket: OpenedSocket, files: ArtifactFiles, chunkSize: Int, credit: Int, logger: Logger) {
        self.loop = loop
        self.socket = socket
        self.files = files
        self.chunkSize = chunkSize
        window = Int64(chunkSize * credit)
        self.logger = logger
    }

    func run() async {
        for await message in socket.inbound {
            receive(message)
        }
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
        switch incoming.message {
        case .fetch(let fetch):
            serve(fetch, to: peer)
        case .putBegin(let begin):
            beginUpload(begin, from: peer)
        case .putChunk(let chunk):
            guard let payload = incoming.payload else { return }
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
        let buffer = FrameBuffer(capacity: length)
        do {
            let read = try buffer.withUnsafeMutableBytes { try files.read(fetch.digest, at: fetch.offset, into: $0) }
            guard read == length else { throw StoreError.io(path: fetch.digest.hex, reason: "short read") }
        } catch {
            send(.artifactError(ArtifactError(code: .internalError, message: "\(error)", digest: fetch.digest)), to: peer)
            return
        }
        let eof = fetch.offset + Int64(length) >= size
        send(.chunk(Chunk(digest: fetch.digest, offset: fetch.offset, eof: eof)), to: peer, payload: Frame(buffer: buffer))
    }

    private func beginUpload(_ begin: PutBegin, from peer: Frame) {
        let key = UploadKey(peer: peer.bytes, uploadID: begin.uploadId)
        // Content-addressed: an object with this digest is already exactly these bytes.
        if files.size(of: begin.digest) == begin.size {
            files.touch(begin.digest)
            send(.putDone(PutDone(uploadId: begin.uploadId, status: .ok)), to: peer)
            return
        }
        do {
            uploads[key] = try files.beginUpload(id: begin.uploadId, digest: begin.digest, size: begin.size)
            granted[key] = window
            send(.putCredit(PutCredit(uploadId: begin.uploadId, have: 0, window: window)), to: peer)
        } catch {
            send(.putDone(PutDone(uploadId: begin.uploadId, status: .failed, message: "\(error)")), to: peer)
        }
    }

    private func appendChunk(_ chunk: PutChunk, payload: Frame, from peer: Frame) {
        let key = UploadKey(peer: peer.bytes, uploadID: chunk.uploadId)
        guard let upload = uploads[key] else {
            send(.artifactError(ArtifactError(code: .unknownUpload, message: "no upload \(chunk.uploadId) in progress", uploadId: chunk.uploadId)), to: peer)
            return
        }
        do {
            try payload.withUnsafeBytes { try upload.append($0, at: chunk.offset) }
        } catch {
            uploads[key] = nil
            granted[key] = nil
            send(.putDone(PutDone(uploadId: chunk.uploadId, status: .failed, message: "\(error)")), to: peer)
            return
        }
        let limit = granted[key] ?? 0
        if limit - upload.received <= window / 2 && limit < upload.size {
            granted[key] = upload.received + window
            send(.putCredit(PutCredit(uploadId: chunk.uploadId, have: upload.received, window: window)), to: peer)
        }
    }

    private func finishUpload(_ end: PutEnd, from peer: Frame) {
        let key = UploadKey(peer: peer.bytes, uploadID: end.uploadId)
        guard let upload = uploads.removeValue(forKey: key) else {
            send(.artifactError(ArtifactError(code: .unknownUpload, message: "no upload \(end.uploadId) in progress", uploadId: end.uploadId)), to: peer)
            return
        }
        granted[key] = nil
        do {
            try upload.finish()
            send(.putDone(PutDone(uploadId: end.uploadId, status: .ok)), to: peer)
        } catch let failure as StagedUpload.Failure {
            let status: PutDone.Status = if case .digestMismatch = failure { .badChecksum } else { .badSize }
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
