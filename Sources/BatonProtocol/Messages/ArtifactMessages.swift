import BatonModel

/// FETCH: ask for `length` bytes of a stored artifact from `offset`. A worker keeps up to the
/// WELCOME's `credit` fetches outstanding.
package struct Fetch: Sendable, Hashable, Codable {
    package var digest: ArtifactDigest
    package var offset: Int64
    package var length: Int

    package init(digest: ArtifactDigest, offset: Int64, length: Int) {
        self.digest = digest
        self.offset = offset
        self.length = length
    }
}

/// CHUNK: bytes of an artifact, in the payload frame. `eof` marks the chunk that ends the artifact.
package struct Chunk: Sendable, Hashable, Codable {
    package var digest: ArtifactDigest
    package var offset: Int64
    package var eof: Bool

    package init(digest: ArtifactDigest, offset: Int64, eof: Bool) {
        self.digest = digest
        self.offset = offset
        self.eof = eof
    }
}

/// PUT_BEGIN: a worker is about to upload `size` bytes whose SHA-256 is `digest`, or, with no
/// digest, bytes it hashes while sending them and names in PUT_END.
package struct PutBegin: Sendable, Hashable, Codable {
    package var uploadId: String
    package var digest: ArtifactDigest?
    package var size: Int64

    package init(uploadId: String, digest: ArtifactDigest?, size: Int64) {
        self.uploadId = uploadId
        self.digest = digest
        self.size = size
    }
}

/// PUT_CREDIT: the coordinator has `have` bytes and accepts up to `have + window`.
package struct PutCredit: Sendable, Hashable, Codable {
    package var uploadId: String
    package var have: Int64
    package var window: Int64

    package init(uploadId: String, have: Int64, window: Int64) {
        self.uploadId = uploadId
        self.have = have
        self.window = window
    }
}

/// PUT_CHUNK: upload bytes at `offset`, in the payload frame.
package struct PutChunk: Sendable, Hashable, Codable {
    package var uploadId: String
    package var offset: Int64

    package init(uploadId: String, offset: Int64) {
        self.uploadId = uploadId
        self.offset = offset
    }
}

/// PUT_END: every byte was sent; verify and store. `digest` is required when PUT_BEGIN had none.
package struct PutEnd: Sendable, Hashable, Codable {
    package var uploadId: String
    package var digest: ArtifactDigest?

    package init(uploadId: String, digest: ArtifactDigest? = nil) {
        self.uploadId = uploadId
        self.digest = digest
    }
}

/// PUT_DONE: how the upload ended.
package struct PutDone: Sendable, Hashable, Codable {
    package enum Status: String, Sendable, Hashable, Codable {
        case ok
        case badChecksum
        case badSize
        case failed
    }

    package var uploadId: String
    package var status: Status
    package var message: String?

    package init(uploadId: String, status: Status, message: String? = nil) {
        self.uploadId = uploadId
        self.status = status
        self.message = message
    }
}

/// ERROR on the artifact socket: a request that could not be served.
package struct ArtifactError: Sendable, Hashable, Codable {
    package enum Code: String, Sendable, Hashable, Codable {
        case notFound
        case badRequest
        case unknownUpload
        case internalError
    }

    package var code: Code
    package var message: String
    package var digest: ArtifactDigest?
    package var uploadId: String?

    package init(code: Code, message: String, digest: ArtifactDigest? = nil, uploadId: String? = nil) {
        self.code = code
        self.message = message
        self.digest = digest
        self.uploadId = uploadId
    }
}
