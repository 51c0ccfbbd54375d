import BatonFileIO
import BatonModel
import Foundation

#if canImport(Glibc)
import Glibc
#endif

extension ArtifactFiles {
    /// Starts writing an object whose digest is learned from its bytes, as an S3-style PUT sends
    /// it; `finish` moves it into the store under that digest.
    package func beginObject(id: String) throws -> IncomingObject {
        let safeID = id.filter { $0.isLetter || $0.isNumber || $0 == "-" }
        let staging = root.appendingPathComponent("staging").appendingPathComponent("put-\(safeID).part")
        return try IncomingObject(path: staging, files: self)
    }
}

/// An object arriving in order, hashed while it is written to staging (see `HashingFileWriter`).
package final class IncomingObject {
    package enum Failure: Error, CustomStringConvertible {
        case digestMismatch(declared: ArtifactDigest, actual: ArtifactDigest)
        case tooLarge(limit: Int64)

        package var description: String {
            switch self {
            case .digestMismatch(let declared, let actual): "the request declared \(declared) but its bytes hash to \(actual)"
            case .tooLarge(let limit): "the object is larger than the limit of \(limit) bytes"
            }
        }
    }

    private let path: URL
    private let files: ArtifactFiles
    private let file: HashingFileWriter
    private var isClosed = false
    package var received: Int64 { file.count }

    init(path: URL, files: ArtifactFiles) throws {
        self.path = path
        self.files = files
        do {
            file = try HashingFileWriter(path: path.path)
        } catch {
            throw StoreError.io(path: error.path, reason: error.reason)
        }
    }

    deinit {
        if !isClosed {
            file.abandon()
            unlink(path.path)
        }
    }

    package func append(_ bytes: UnsafeRawBufferPointer, limit: Int64) throws {
        guard file.count + Int64(bytes.count) <= limit else { throw Failure.tooLarge(limit: limit) }
        do {
            try file.append(bytes)
        } catch {
            throw StoreError.io(path: error.path, reason: error.reason)
        }
    }

    /// Discards what was written.
    package func abandon() {
        guard !isClosed else { return }
        isClosed = true
        file.abandon()
        unlink(path.path)
    }

    /// Makes the object durable under its digest; when `expected` is given the bytes must hash
    /// to it, or nothing is stored.
    package func finish(expected: ArtifactDigest?) throws -> (digest: ArtifactDigest, size: Int64) {
        defer {
            if !isClosed {
                isClosed = true
                file.abandon()
            }
            unlink(path.path)
        }
        let digest: ArtifactDigest
        do {
            digest = ArtifactDigest(try file.finish())
        } catch {
            throw StoreError.io(path: error.path, reason: error.reason)
        }
        isClosed = true
        if let expected, expected != digest { throw Failure.digestMismatch(declared: expected, actual: digest) }
        do {
            // A result will reference the object once this returns: its name must survive a
            // power loss as the database's commit does.
            try DurableRename.move(path.path, to: files.path(for: digest))
        } catch {
            throw StoreError.io(path: error.path, reason: error.reason)
        }
        return (digest, file.count)
    }
}
