import BatonModel
import BatonStore
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// The artifact store as an S3 bucket (`baton-artifacts`, path-style), for job workers written
/// against an AWS SDK: GET and HEAD of an input artifact (`sha256/<hex>`, the location its job
/// names), and PUT of an output artifact to `outputs/<job id>/<artifact name>`. A PUT is hashed
/// while it is written and checked against `x-amz-content-sha256` when that names a digest; the
/// object lands in the store under its own digest, and PutJobSuccessResult picks it up by key.
package final class ArtifactBucket: Sendable {
    package static let maxObjectSize: Int64 = 5 << 30

    /// Which way artifact bytes crossed the bucket, for the coordinator's byte counters.
    package enum Flow: Sendable {
        case intoStore
        case outOfStore
    }

    private let files: ArtifactFiles
    private let logger: Logger
    private let countBytes: (@Sendable (Flow, Int64) -> Void)?
    private let uploaded = Mutex<[String: ArtifactReference]>([:])

    package init(files: ArtifactFiles, logger: Logger, countBytes: (@Sendable (Flow, Int64) -> Void)? = nil) {
        self.files = files
        self.logger = logger
        self.countBytes = countBytes
    }

    /// The output `name` of `job` as uploaded, or nil when nothing was PUT there.
    func output(job: JobID, name: String) -> ArtifactReference? {
        uploaded.withLock { $0[JobArtifact.outputKey(job: job, name: name)] }
    }

    /// Forgets a job's uploads once its result is recorded (the objects stay in the store).
    func forget(job: JobID) {
        let prefix = JobArtifact.outputKey(job: job, name: "")
        uploaded.withLock { uploads in
            for key in uploads.keys where key.hasPrefix(prefix) { uploads[key] = nil }
        }
    }

    func register(on router: Router<some RequestContext>) {
        let path = RouterPath(stringLiteral: "/\(JobArtifact.storeBucket)/**")
        router.get(path) { request, context in self.get(key: Self.key(context), head: false) }
        router.head(path) { request, context in self.get(key: Self.key(context), head: true) }
        router.put(path) { request, context in await self.put(request, key: Self.key(context)) }
    }

    private static func key(_ context: some RequestContext) -> String {
        context.parameters.getCatchAll().joined(separator: "/")
    }

    private func digest(forKey key: String) -> ArtifactDigest? {
        if key.hasPrefix("sha256/") { return ArtifactDigest(hex: String(key.dropFirst("sha256/".count))) }
        return uploaded.withLock { $0[key]?.digest }
    }

    private func get(key: String, head: Bool) -> Response {
        guard let digest = digest(forKey: key), let size = files.size(of: digest) else {
            return Self.s3Error(.notFound, code: "NoSuchKey", message: "The specified key does not exist.", key: key)
        }
        var headers: HTTPFields = [.contentType: "application/zip", .contentLength: "\(size)", .eTag: "\"\(digest.hex)\""]
        headers[HTTPField.Name("x-amz-meta-sha256")!] = digest.hex
        if head { return Response(status: .ok, headers: headers) }
        let files = self.files
        let countBytes = self.countBytes
        let body = ResponseBody(contentLength: Int(size)) { writer in
            var offset: Int64 = 0
            while offset < size {
                var buffer = ByteBufferAllocator().buffer(capacity: 1 << 20)
                let read = try buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: 1 << 20) { bytes in
                    try files.read(digest, at: offset, into: UnsafeMutableRawBufferPointer(rebasing: bytes[0..<(1 << 20)]))
                }
                guard read > 0 else { break }
                offset += Int64(read)
                try await writer.write(buffer)
                countBytes?(.outOfStore, Int64(read))
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: headers, body: body)
    }

    private func put(_ request: Request, key: String) async -> Response {
        let parts = key.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "outputs", !parts[1].isEmpty, !parts[2].isEmpty else {
            return Self.s3Error(.forbidden, code: "AccessDenied",
                                message: "Job workers may only write output artifacts, at outputs/<job id>/<artifact name>", key: key)
        }
        let declared = request.headers[HTTPField.Name("x-amz-content-sha256")!].flatMap { ArtifactDigest(hex: $0.lowercased()) }
        do {
            let object = try files.beginObject(id: UUID().uuidString)
            for try await buffer in request.body {
                try buffer.withUnsafeReadableBytes { try object.append($0, limit: Self.maxObjectSize) }
            }
            let (digest, size) = try object.finish(expected: declared)
            countBytes?(.intoStore, size)
            let reference = ArtifactReference(name: String(parts[2]), digest: digest, size: size)
            uploaded.withLock { $0[key] = reference }
            return Response(status: .ok, headers: [.eTag: "\"\(digest.hex)\""])
        } catch let error as IncomingObject.Failure {
            switch error {
            case .digestMismatch:
                return Self.s3Error(.badRequest, code: "XAmzContentSHA256Mismatch", message: error.description, key: key)
            case .tooLarge:
                return Self.s3Error(.badRequest, code: "EntityTooLarge", message: error.description, key: key)
            }
        } catch {
            logger.error("could not store an uploaded artifact", metadata: ["key": "\(key)", "error.message": "\(error)"])
            return Self.s3Error(.internalServerError, code: "InternalError", message: "\(error)", key: key)
        }
    }

    static func s3Error(_ status: HTTPResponse.Status, code: String, message: String, key: String) -> Response {
        func escape(_ text: String) -> String {
            text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
        }
        let xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <Error><Code>\(code)</Code><Message>\(escape(message))</Message><Key>\(escape(key))</Key></Error>
            """
        return Response(status: status, headers: [.contentType: "application/xml"], body: ResponseBody(byteBuffer: ByteBuffer(string: xml)))
    }
}
