import BatonFileIO
import BatonModel
import Crypto
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Artifact bytes, content-addressed: `objects/ab/abcdef…` holds the bytes whose SHA-256 is
/// `abcdef…`. Uploads are written to `staging/` and renamed into place only after their size and
/// digest check out, so an object file is always whole and correct.
package final class ArtifactFiles: Sendable {
    package let root: URL
    /// `root/objects/`, as a path: object paths are built on every result and upload, and
    /// Foundation's URL appending parses the whole path again each time.
    private let objectsPrefix: String

    init(root: URL) throws {
        self.root = root
        objectsPrefix = root.appendingPathComponent("objects").path + "/"
        for folder in ["objects", "staging"] {
            let url = root.appendingPathComponent(folder)
            do {
                try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
            } catch {
                throw StoreError.io(path: url.path, reason: "cannot create: \(error.localizedDescription)")
            }
        }
    }

    package func url(for digest: ArtifactDigest) -> URL {
        URL(fileURLWithPath: path(for: digest))
    }

    package func path(for digest: ArtifactDigest) -> String {
        let hex = digest.hex
        return objectsPrefix + hex.prefix(2) + "/" + hex
    }

    /// The stored size of `digest`, or nil when it is not stored.
    package func size(of digest: ArtifactDigest) -> Int64? {
        var info = stat()
        guard stat(path(for: digest), &info) == 0 else { return nil }
        return Int64(info.st_size)
    }

    /// Reads up to `buffer.count` bytes of `digest` from `offset`; returns how many were read
    /// (fewer at the end of the object). Whole aligned chunks bypass the page cache.
    package func read(_ digest: ArtifactDigest, at offset: Int64, into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        do {
            return try DirectIO.read(path(for: digest), at: offset, into: buffer)
        } catch {
            if error.isMissing { throw StoreError.artifactNotFound(digest) }
            throw StoreError.io(path: error.path, reason: error.reason)
        }
    }

    /// Starts (or restarts) an upload into the staging area.
    package func beginUpload(id: String, digest: ArtifactDigest?, size: Int64) throws -> StagedUpload {
        let safeID = id.filter { $0.isLetter || $0.isNumber || $0 == "-" }
        let staging = root.appendingPathComponent("staging").appendingPathComponent("\(safeID).part")
        return try StagedUpload(path: staging, files: self, digest: digest, size: size)
    }
}

/// One upload being written into staging: bytes arrive in order, are hashed as they are written
/// (bypassing the page cache, see `HashingFileWriter`), and `finish` checks size and digest before
/// renaming the file into the object store.
package final class StagedUpload {
    package enum Failure: Error, CustomStringConvertible {
        case outOfOrder(expected: Int64, got: Int64)
        case tooLarge(declared: Int64)
        case sizeMismatch(declared: Int64, received: Int64)
        case digestMismatch(declared: ArtifactDigest, actual: ArtifactDigest)
        case noDigest
        case conflictingDigests(atBegin: ArtifactDigest, atEnd: ArtifactDigest)

        package var description: String {
            switch self {
            case .noDigest: "neither PUT_BEGIN nor PUT_END gave the upload's SHA-256"
            case .conflictingDigests(let begin, let end): "PUT_BEGIN declared \(begin) but PUT_END \(end)"
            case .outOfOrder(let expected, let got): "chunk at offset \(got) arrived, expected offset \(expected)"
            case .tooLarge(let declared): "more bytes arrived than the declared size \(declared)"
            case .sizeMismatch(let declared, let received): "declared \(declared) bytes but received \(received)"
            case .digestMismatch(let declared, let actual): "declared \(declared) but the bytes hash to \(actual)"
            }
        }
    }

    /// The digest declared when the upload began; nil when the worker gives it at the end.
    package let digest: ArtifactDigest?
    package let size: Int64
    package var received: Int64 { object.received }
    private let object: IncomingObject

    init(path: URL, files: ArtifactFiles, digest: ArtifactDigest?, size: Int64) throws {
        self.digest = digest
        self.size = size
        object = try IncomingObject(path: path, files: files)
    }

    /// Appends the next bytes. A chunk that lies wholly within what was already received is a
    /// retransmission after a resumed upload and is ignored; a gap is an error.
    package func append(_ bytes: UnsafeRawBufferPointer, at offset: Int64? = nil) throws {
        if let offset, offset != received {
            if offset + Int64(bytes.count) <= received { return }
            throw Failure.outOfOrder(expected: received, got: offset)
        }
        guard received + Int64(bytes.count) <= size else { throw Failure.tooLarge(declared: size) }
        try object.append(bytes, limit: size)
    }

    /// Verifies and commits the upload against the digest declared at its beginning or, failing
    /// that, at its end; on any mismatch the staged bytes are discarded.
    @discardableResult
    package func finish(declaredAtEnd: ArtifactDigest? = nil) throws -> ArtifactDigest {
        guard received == size else {
            object.abandon()
            throw Failure.sizeMismatch(declared: size, received: received)
        }
        if let digest, let declaredAtEnd, digest != declaredAtEnd {
            object.abandon()
            throw Failure.conflictingDigests(atBegin: digest, atEnd: declaredAtEnd)
        }
        guard let expected = digest ?? declaredAtEnd else {
            object.abandon()
            throw Failure.noDigest
        }
        do {
            return try object.finish(expected: expected).digest
        } catch IncomingObject.Failure.digestMismatch(let declared, let actual) {
            throw Failure.digestMismatch(declared: declared, actual: actual)
        }
    }
}
