/// A named artifact produced by an action: its bytes are the store object `digest`.
package struct ArtifactReference: Sendable, Hashable, Codable {
    package var name: String
    package var digest: ArtifactDigest
    package var size: Int64

    package init(name: String, digest: ArtifactDigest, size: Int64) {
        self.name = name
        self.digest = digest
        self.size = size
    }
}
