import BatonModel
import Foundation

extension ArtifactFiles {
    /// A stored object: its digest, size and when it was written.
    package struct StoredObject: Sendable, Hashable {
        package var digest: ArtifactDigest
        package var size: Int64
        package var modified: Date

        package init(digest: ArtifactDigest, size: Int64, modified: Date) {
            self.digest = digest
            self.size = size
            self.modified = modified
        }
    }

    /// Every object in the store. Files whose names are not digests are not Baton's and are left out.
    package func storedObjects() -> [StoredObject] {
        let objects = root.appendingPathComponent("objects")
        var result: [StoredObject] = []
        let prefixes = (try? FileManager.default.contentsOfDirectory(atPath: objects.path)) ?? []
        for prefix in prefixes {
            let folder = objects.appendingPathComponent(prefix)
            for name in (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [] {
                guard let digest = ArtifactDigest(hex: name), name.hasPrefix(prefix),
                      let attributes = try? FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent(name).path)
                else { continue }
                result.append(StoredObject(
                    digest: digest, size: (attributes[.size] as? NSNumber)?.int64Value ?? 0,
                    modified: attributes[.modificationDate] as? Date ?? .distantPast))
            }
        }
        return result
    }

    /// Marks an object as just used, so retention's grace period covers a result about to
    /// reference it (an upload of bytes the store already had).
    package func touch(_ digest: ArtifactDigest) {
        // Both times set to now; a missing object is left missing.
        _ = utimensat(AT_FDCWD, path(for: digest), nil, 0)
    }

    /// Deletes an object; an object already gone is fine.
    package func remove(_ digest: ArtifactDigest) throws {
        do {
            try FileManager.default.removeItem(at: url(for: digest))
        } catch CocoaError.fileNoSuchFile {
            return
        } catch {
            throw StoreError.io(path: path(for: digest), reason: "cannot delete: \(error.localizedDescription)")
        }
    }
}
